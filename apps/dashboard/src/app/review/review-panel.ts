import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { TimePipe } from '../format/pipes';
import { HttpClient, HttpErrorResponse, HttpHeaders, httpResource } from '@angular/common/http';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { firstValueFrom } from 'rxjs';
import type {
  Action,
  Label,
  NewReview,
  Review,
  ReviewConflict,
  ReviewHistory,
  ReviewState,
} from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';
import { labelText } from '../risk/risk-chips';

export const ACTIONS: readonly Action[] = ['ALLOW', 'REVIEW', 'PREVENT'];
export const LABELS: readonly Label[] = ['FRAUDSTER', 'POTENTIALLY_FRAUDULENT', 'POTENTIALLY_GENUINE', 'GENUINE'];
/** Keyboard shortcuts: a letter picks a decision, which then waits for a confirmation. */
export const SHORTCUTS: Readonly<Record<string, Action>> = { a: 'ALLOW', r: 'REVIEW', p: 'PREVENT' };

/** What changed between the state the analyst read and the state now, in words. */
export function describeConflict(conflict: ReviewConflict['current'], mine: ReviewState | undefined): string {
  const now = conflict.state;
  const parts: string[] = [];
  if (!mine || mine.action !== now.action) parts.push(`decision ${mine?.action ?? 'none'} → ${now.action ?? 'none'}`);
  if (!mine || mine.label !== now.label) parts.push(`label ${mine?.label ?? 'none'} → ${now.label ?? 'none'}`);
  if (!mine || mine.status !== now.status) parts.push(`status ${mine?.status ?? 'none'} → ${now.status}`);
  const who = now.updatedBy?.email ?? conflict.lastReview?.reviewer.email ?? 'someone';
  return `${who} changed this customer (version ${now.version}): ${parts.join(', ') || 'no visible change'}`;
}

/**
 * The review panel on the customer page: decision, label, reason, note; a / r / p with a
 * confirmation; on a 412, what changed and by whom, and a button to apply again on the new version.
 */
@Component({
  selector: 'rd-review-panel',
  imports: [
    TimePipe,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './review-panel.html',
  styleUrl: './review-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown)': 'onKey($event)' },
})
export class ReviewPanel {
  private readonly http = inject(HttpClient);

  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();
  /** Emitted after a review is stored (the queue moves on to the next customer). */
  readonly decided = output<ReviewState>();

  private readonly url = computed(
    () =>
      `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/reviews`,
  );
  protected readonly history = httpResource<ReviewHistory>(() => this.url());
  protected readonly state = computed(() => (this.history.hasValue() ? this.history.value().state : undefined));
  protected readonly reviews = computed(() => (this.history.hasValue() ? this.history.value().reviews : []));
  protected readonly reasons = computed(() => (this.history.hasValue() ? this.history.value().settings.reasons : []));
  protected readonly loadError = computed(() => {
    const error = this.history.error();
    return error ? errorMessage(error) : undefined;
  });

  protected readonly actions = ACTIONS;
  protected readonly labels = LABELS;
  protected readonly labelText = labelText;

  protected readonly action = linkedSignal<string, Action | undefined>({
    source: this.url,
    computation: () => undefined,
  });
  /** undefined: leave the label as it is; null: clear it. */
  protected readonly label = linkedSignal<string, Label | null | undefined>({
    source: this.url,
    computation: () => undefined,
  });
  protected readonly reason = linkedSignal<string, string | undefined>({
    source: this.url,
    computation: () => undefined,
  });
  protected readonly reasonText = linkedSignal<string, string>({ source: this.url, computation: () => '' });
  protected readonly note = linkedSignal<string, string>({ source: this.url, computation: () => '' });
  /** A decision picked by shortcut, waiting for Enter or the Confirm button. */
  protected readonly pending = linkedSignal<string, Action | undefined>({
    source: this.url,
    computation: () => undefined,
  });

  protected readonly saving = signal(false);
  protected readonly saveError = signal<string | undefined>(undefined);
  /** The 412's story: what changed and by whom; `retry` re-applies the same review on the new version. */
  protected readonly conflict = linkedSignal<string, { text: string; version: number } | undefined>({
    source: this.url,
    computation: () => undefined,
  });
  protected readonly canSave = computed(
    () => !this.saving() && !!this.state() && (this.action() !== undefined || this.label() !== undefined),
  );

  /** Kept per intended review, so resending after a lost answer stores it once. */
  private attempt?: { body: string; key: string };

  protected onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (target?.isContentEditable || event.ctrlKey || event.metaKey || event.altKey) return;
    const pending = this.pending();
    if (pending && event.key === 'Enter') {
      event.preventDefault();
      void this.confirm();
      return;
    }
    if (pending && event.key === 'Escape') {
      this.pending.set(undefined);
      return;
    }
    const action = SHORTCUTS[event.key.toLowerCase()];
    if (action && this.state()) {
      this.action.set(action);
      this.pending.set(action);
    }
  }

  protected async confirm(): Promise<void> {
    this.pending.set(undefined);
    await this.submit();
  }

  protected async submit(version = this.state()?.version): Promise<void> {
    if (version === undefined || this.saving()) return;
    const review: NewReview = {};
    const action = this.action();
    const label = this.label();
    if (action !== undefined) review.action = action;
    if (label !== undefined) review.label = label;
    if (this.reason()) review.reason = this.reason()!;
    if (this.reasonText().trim()) review.reasonText = this.reasonText().trim();
    if (this.note().trim()) review.note = this.note().trim();
    await this.send(review, version);
  }

  protected async undo(review: Review): Promise<void> {
    const version = this.state()?.version;
    if (version === undefined) return;
    await this.send({ undo: review.id }, version);
  }

  private async send(review: NewReview, version: number): Promise<void> {
    const body = JSON.stringify({ review, version });
    if (this.attempt?.body !== body) this.attempt = { body, key: crypto.randomUUID() };
    const url = this.url();
    this.saving.set(true);
    this.saveError.set(undefined);
    try {
      const result = await firstValueFrom(
        this.http.post<{ state: ReviewState; review: Review }>(url, review, {
          headers: new HttpHeaders({ 'If-Match': `"${version}"`, 'Idempotency-Key': this.attempt.key }),
        }),
      );
      if (url !== this.url()) return;
      this.conflict.set(undefined);
      this.attempt = undefined;
      this.action.set(undefined);
      this.label.set(undefined);
      this.note.set('');
      this.reasonText.set('');
      this.history.reload();
      this.decided.emit(result.state);
    } catch (error) {
      if (error instanceof HttpErrorResponse && error.status === 412) {
        const current = (error.error as ReviewConflict).current;
        this.conflict.set({ text: describeConflict(current, this.state()), version: current.state.version });
        this.history.reload();
      } else {
        this.saveError.set(errorMessage(error));
      }
    } finally {
      this.saving.set(false);
    }
  }
}
