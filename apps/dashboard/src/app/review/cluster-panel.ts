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
import { CountPipe, SharePipe } from '../format/pipes';
import { HttpClient, HttpHeaders } from '@angular/common/http';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { firstValueFrom } from 'rxjs';
import type { ClusterBatch, ClusterPreview, ClusterSelection, Label } from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';
import { labelText } from '../risk/risk-chips';
import { LABELS } from './review-panel';

/** "12,345.00 GBP, 10.00 EUR" from minor units per currency. */
export function moneyText(values: Record<string, number>): string {
  const parts = Object.entries(values).map(([currency, minor]) => `${(minor / 100).toFixed(2)} ${currency}`);
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * Label a selected part of the network in one batch: preview (who changes, who is GENUINE and left
 * out unless confirmed, fraud share before and after, order value), apply, and revert the batch.
 */
@Component({
  selector: 'rd-cluster-panel',
  imports: [CountPipe, SharePipe, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatSelectModule],
  template: `
    <div class="row">
      <span data-testid="cluster-selected">{{ customerIds().length }} customers selected</span>
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Label them</mat-label>
        <mat-select data-testid="cluster-label" [value]="label()" (selectionChange)="label.set($event.value)">
          @for (l of labels; track l) {
            <mat-option [value]="l">{{ labelText(l) }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <button
        mat-stroked-button
        type="button"
        data-testid="cluster-preview"
        [disabled]="busy() || customerIds().length === 0"
        (click)="preview()"
      >
        Preview
      </button>
    </div>
    @if (error(); as e) {
      <p class="error" role="alert">{{ e }}</p>
    }
    @if (shown(); as p) {
      <div class="preview" data-testid="cluster-preview-result">
        <p>
          <strong data-testid="cluster-changes">{{ p.changes.length }}</strong> change to {{ labelText(p.label) }};
          {{ p.unchanged.length }} already are.
          @for (c of p.components; track $index) {
            Fraud share {{ c.fraudShareBefore | share: 1 }} → <strong>{{ c.fraudShareAfter | share: 1 }}</strong> of
            {{ c.customers | count }} customers.
          }
          Order value involved: {{ money(p.orderValue) }}.
        </p>
        @if (p.genuineExcluded.length) {
          <p>Already GENUINE, left out unless you confirm:</p>
          @for (id of p.genuineExcluded; track id) {
            <mat-checkbox [checked]="confirmed().includes(id)" (change)="toggle(id, $event.checked)">{{
              id
            }}</mat-checkbox>
          }
        }
        <button
          mat-flat-button
          type="button"
          data-testid="cluster-apply"
          [disabled]="busy() || (p.changes.length === 0 && confirmed().length === 0)"
          (click)="apply()"
        >
          Apply to {{ p.changes.length + confirmed().length }}
        </button>
      </div>
    }
    @if (batch(); as b) {
      <div class="applied" role="status" data-testid="cluster-applied">
        @if (b.reverted) {
          Batch reverted: {{ b.applied.length }} customers restored.
        } @else {
          Labelled {{ b.applied.length }} customers (batch {{ b.batchId.slice(0, 8) }}).
          <button mat-button type="button" data-testid="cluster-revert" [disabled]="busy()" (click)="revert(b)">
            Revert batch
          </button>
        }
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 8px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .preview,
    .applied {
      margin-top: 8px;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container);
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ClusterPanel {
  private readonly http = inject(HttpClient);

  readonly tenant = input.required<string>();
  readonly customerIds = input.required<string[]>();
  /** After an apply or a revert: the network redraws with the new labels. */
  readonly changed = output<void>();

  protected readonly labels = LABELS;
  protected readonly labelText = labelText;
  protected readonly money = moneyText;
  protected readonly label = signal<Label>('FRAUDSTER');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  /** The preview stays only while it matches the selection and label it was made for. */
  private readonly previewed = signal<{ key: string; preview: ClusterPreview } | undefined>(undefined);
  private readonly key = computed(() => JSON.stringify([this.customerIds(), this.label()]));
  protected readonly shown = computed(() => {
    const p = this.previewed();
    return p && p.key === this.key() ? p.preview : undefined;
  });
  protected readonly confirmed = linkedSignal<string, string[]>({ source: this.key, computation: () => [] });
  protected readonly batch = signal<ClusterBatch | undefined>(undefined);
  private attemptKey?: { body: string; key: string };

  private selection(): ClusterSelection {
    return { customerIds: this.customerIds(), label: this.label(), confirmGenuine: this.confirmed() };
  }

  protected toggle(id: string, on: boolean): void {
    this.confirmed.update((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  }

  private async run(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    try {
      await work();
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected preview(): Promise<void> {
    return this.run(async () => {
      const key = this.key();
      const preview = await firstValueFrom(
        this.http.post<ClusterPreview>(
          `/api/tenants/${encodeURIComponent(this.tenant())}/clusters/preview`,
          this.selection(),
        ),
      );
      this.previewed.set({ key, preview });
    });
  }

  protected apply(): Promise<void> {
    return this.run(async () => {
      const body = this.selection();
      const text = JSON.stringify(body);
      if (this.attemptKey?.body !== text) this.attemptKey = { body: text, key: crypto.randomUUID() };
      const batch = await firstValueFrom(
        this.http.post<ClusterBatch>(`/api/tenants/${encodeURIComponent(this.tenant())}/clusters`, body, {
          headers: new HttpHeaders({ 'Idempotency-Key': this.attemptKey.key }),
        }),
      );
      this.attemptKey = undefined;
      this.previewed.set(undefined);
      this.batch.set(batch);
      this.changed.emit();
    });
  }

  protected revert(batch: ClusterBatch): Promise<void> {
    return this.run(async () => {
      const result = await firstValueFrom(
        this.http.post<ClusterBatch>(
          `/api/tenants/${encodeURIComponent(this.tenant())}/clusters/${batch.batchId}/revert`,
          {},
        ),
      );
      this.batch.set(result);
      this.changed.emit();
    });
  }
}
