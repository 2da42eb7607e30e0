import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatDialogModule } from '@angular/material/dialog';
import { MatButtonModule } from '@angular/material/button';
import { SHORTCUTS } from './shortcuts';

/** The `?` dialog: every shortcut and what it does. */
@Component({
  selector: 'rd-shortcuts-dialog',
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title>Keyboard shortcuts</h2>
    <mat-dialog-content>
      <p class="note">Shortcuts never fire while you type in a text field.</p>
      <dl data-testid="shortcuts-list">
        @for (shortcut of shortcuts; track shortcut.does) {
          <dt>
            @for (key of shortcut.keys; track $index) {
              <kbd>{{ key }}</kbd>
              @if (!$last) {
                then
              }
            }
          </dt>
          <dd>{{ shortcut.does }}</dd>
        }
      </dl>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close cdkFocusInitial>Close</button>
    </mat-dialog-actions>
  `,
  styles: `
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 8px 16px;
      margin: 0;
    }
    dd {
      margin: 0;
    }
    kbd {
      display: inline-block;
      min-width: 1.4em;
      padding: 1px 6px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      font: var(--mat-sys-label-large);
      text-align: center;
    }
    .note {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShortcutsDialog {
  protected readonly shortcuts = SHORTCUTS;
}
