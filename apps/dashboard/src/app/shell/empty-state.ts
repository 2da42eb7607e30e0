import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';

/** A quiet, honest "nothing here" block: an icon, a headline and what would fill the space. */
@Component({
  selector: 'rd-empty-state',
  imports: [MatIconModule],
  template: `
    <mat-icon class="icon">{{ icon() }}</mat-icon>
    <p class="headline">{{ headline() }}</p>
    <p class="detail"><ng-content /></p>
  `,
  styles: `
    :host {
      display: block;
      padding: 48px 16px;
      text-align: center;
      color: var(--mat-sys-on-surface-variant);
    }
    .icon {
      font-size: 40px;
      width: 40px;
      height: 40px;
    }
    .headline {
      font: var(--mat-sys-title-medium);
      color: var(--mat-sys-on-surface);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmptyState {
  readonly icon = input('info');
  readonly headline = input.required<string>();
}
