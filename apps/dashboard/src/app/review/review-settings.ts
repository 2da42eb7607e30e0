import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { HttpClient, HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { firstValueFrom } from 'rxjs';
import type { ReviewSettings } from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';

/** What GET/PUT …/review-settings answer: the settings and their version (the ETag). */
export interface VersionedReviewSettings {
  settings: ReviewSettings;
  version: number;
}

/** A reason's id from its text, for reasons added here: "Money mule!" → "money-mule". */
export function reasonId(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

interface DraftReason {
  /** Empty for a reason added here: derived from its text on save. */
  id: string;
  text: string;
}

/**
 * The tenant's review reasons, edited by a lead (PUT …/review-settings with If-Match; audited).
 * Reasons already used keep their id (reviews store it); a new reason gets one from its text.
 */
@Component({
  selector: 'rd-review-settings',
  imports: [MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule],
  template: `
    <section class="review-settings" aria-labelledby="review-settings-title">
      <h2 id="review-settings-title">Review reasons</h2>
      <p class="muted">The reasons analysts pick from when they decide or label a customer.</p>
      @if (loadError(); as error) {
        <p class="banner error" role="alert">{{ error }}</p>
      }
      @if (conflict(); as text) {
        <p class="banner warn" role="alert" data-testid="settings-conflict">{{ text }}</p>
      }
      @if (saved(); as text) {
        <p class="banner" role="status" data-testid="settings-saved">{{ text }}</p>
      }
      @if (saveError(); as error) {
        <p class="banner error" role="alert" data-testid="settings-error">{{ error }}</p>
      }
      <ol class="reasons">
        @for (reason of reasons(); track $index) {
          <li data-testid="settings-reason">
            <mat-form-field appearance="outline" subscriptSizing="dynamic">
              <mat-label>Reason {{ $index + 1 }}</mat-label>
              <input
                matInput
                data-testid="settings-reason-text"
                maxlength="200"
                #field
                [value]="reason.text"
                (input)="setText($index, field.value)"
              />
              @if (reason.id) {
                <mat-hint>{{ reason.id }}</mat-hint>
              }
            </mat-form-field>
            <button
              mat-icon-button
              type="button"
              data-testid="settings-remove"
              [attr.aria-label]="'Remove ' + (reason.text || 'this reason')"
              [disabled]="reasons().length === 1"
              (click)="remove($index)"
            >
              <mat-icon>close</mat-icon>
            </button>
          </li>
        }
      </ol>
      <div class="actions">
        <button mat-stroked-button type="button" data-testid="settings-add" (click)="add()">Add a reason</button>
        <button
          mat-flat-button
          type="button"
          data-testid="settings-save"
          [disabled]="saving() || version() === undefined"
          (click)="save()"
        >
          Save reasons
        </button>
      </div>
    </section>
  `,
  styles: `
    .reasons {
      padding-left: 1.25rem;
    }
    .reasons li {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      margin-bottom: 0.5rem;
    }
    .reasons mat-form-field {
      flex: 1;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReviewSettingsPanel {
  private readonly http = inject(HttpClient);

  readonly tenant = input.required<string>();

  protected readonly reasons = signal<DraftReason[]>([]);
  /** The version the reasons were read at (If-Match); undefined until loaded. */
  protected readonly version = signal<number | undefined>(undefined);
  private settings?: ReviewSettings;
  protected readonly loadError = signal<string | undefined>(undefined);
  protected readonly saveError = signal<string | undefined>(undefined);
  protected readonly conflict = signal<string | undefined>(undefined);
  protected readonly saved = signal<string | undefined>(undefined);
  protected readonly saving = signal(false);
  /** The key of the save in flight: a retry of the same reasons reuses it (replayed, not applied twice). */
  private attempt?: { body: string; key: string };

  constructor() {
    // Read when the tenant is known, and again if it changes.
    effect(() => {
      this.tenant();
      untracked(() => void this.load());
    });
  }

  private url(): string {
    return `/api/tenants/${encodeURIComponent(this.tenant())}/review-settings`;
  }

  private show(current: VersionedReviewSettings): void {
    this.settings = current.settings;
    this.version.set(current.version);
    this.reasons.set(current.settings.reasons.map((r) => ({ ...r })));
  }

  async load(): Promise<void> {
    try {
      this.show(await firstValueFrom(this.http.get<VersionedReviewSettings>(this.url())));
      this.loadError.set(undefined);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }

  protected setText(i: number, text: string): void {
    this.reasons.update((list) => list.map((r, j) => (j === i ? { ...r, text } : r)));
    this.saved.set(undefined);
  }

  protected add(): void {
    this.reasons.update((list) => [...list, { id: '', text: '' }]);
    this.saved.set(undefined);
  }

  protected remove(i: number): void {
    this.reasons.update((list) => list.filter((_, j) => j !== i));
    this.saved.set(undefined);
  }

  protected async save(): Promise<void> {
    const version = this.version();
    if (version === undefined || !this.settings) return;
    const reasons = this.reasons()
      .map((r) => ({ id: r.id || reasonId(r.text), text: r.text.trim() }))
      .filter((r) => r.text !== '');
    if (reasons.length === 0 || reasons.some((r) => r.id === '')) {
      this.saveError.set('Each reason needs some text with letters or digits.');
      return;
    }
    const body: ReviewSettings = { ...this.settings, reasons };
    const text = JSON.stringify({ body, version });
    if (this.attempt?.body !== text) this.attempt = { body: text, key: crypto.randomUUID() };
    this.saving.set(true);
    this.saveError.set(undefined);
    this.saved.set(undefined);
    try {
      const result = await firstValueFrom(
        this.http.put<VersionedReviewSettings>(this.url(), body, {
          headers: new HttpHeaders({ 'If-Match': `"${version}"`, 'Idempotency-Key': this.attempt.key }),
        }),
      );
      this.attempt = undefined;
      this.conflict.set(undefined);
      this.show(result);
      this.saved.set(`Saved: ${reasons.length} reasons (version ${result.version}).`);
    } catch (error) {
      if (error instanceof HttpErrorResponse && error.status === 412) {
        const current = (error.error as { current: VersionedReviewSettings }).current;
        this.attempt = undefined;
        this.show(current);
        this.conflict.set(
          `Someone changed the reasons meanwhile (now version ${current.version}); their list is shown. Make your change again and save.`,
        );
      } else {
        this.saveError.set(errorMessage(error));
      }
    } finally {
      this.saving.set(false);
    }
  }
}
