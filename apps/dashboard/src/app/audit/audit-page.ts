import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { JsonTextPipe, UtcPipe } from '../format/pipes';
import { httpResource } from '@angular/common/http';
import { Router } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { AuditPage as AuditPageBody, AuditVerification } from '@redoubt/contracts/audit';
import type { AuditEntry } from '@redoubt/contracts/audit';
import { errorMessage } from '../http/api-error';
import { parseAs } from '../http/parse';
import { EmptyState } from '../shell/empty-state';

/** The filters the page keeps in its URL (query parameters, bound to the inputs below). */
export const AUDIT_FILTERS = ['actor', 'action', 'customer', 'outcome', 'from', 'to', 'position'] as const;
type FilterName = (typeof AUDIT_FILTERS)[number];

/** The audit log of a tenant for its leads: filters in the URL, cursor paging, before and after, exports, the chain. */
@Component({
  selector: 'rd-audit-page',
  imports: [
    UtcPipe,
    JsonTextPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    EmptyState,
  ],
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage {
  private readonly router = inject(Router);

  /** From the route: /t/:tenant/audit?actor=…&after=… */
  readonly tenant = input.required<string>();
  readonly actor = input<string>();
  readonly action = input<string>();
  readonly customer = input<string>();
  readonly outcome = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  readonly position = input<string>();
  readonly after = input<string>();

  /** The filters as the URL has them (empty ones left out). */
  protected readonly filters = computed(() => {
    const values: Record<FilterName, string | undefined> = {
      actor: this.actor(),
      action: this.action(),
      customer: this.customer(),
      outcome: this.outcome(),
      from: this.from(),
      to: this.to(),
      position: this.position(),
    };
    const params: Record<string, string> = {};
    for (const name of AUDIT_FILTERS) {
      const value = values[name]?.trim();
      if (value) params[name] = value;
    }
    return params;
  });

  /** The form, seeded from the URL; applied to the URL by apply(). */
  protected readonly draft = linkedSignal(() => ({ ...this.filters() }));

  private base(): string {
    return `/api/tenants/${encodeURIComponent(this.tenant())}/audit`;
  }

  protected readonly page = httpResource(
    () => {
      const params: Record<string, string> = { ...this.filters(), limit: '50' };
      const after = this.after();
      if (after) params['after'] = after;
      return { url: this.base(), params };
    },
    { parse: parseAs(AuditPageBody) },
  );
  protected readonly rows = computed(() => (this.page.hasValue() ? this.page.value().rows : []));
  protected readonly loadError = computed(() => {
    const error = this.page.error();
    return error ? errorMessage(error) : undefined;
  });

  protected readonly chain = httpResource(() => `${this.base()}/verify`, { parse: parseAs(AuditVerification) });
  protected readonly chainError = computed(() => {
    const error = this.chain.error();
    return error ? errorMessage(error) : undefined;
  });

  /** The row whose before and after are shown side by side. */
  protected readonly selected = signal<AuditEntry | undefined>(undefined);

  /** The export links: the same filters, streamed by the server. */
  protected readonly csvHref = computed(() => this.exportHref('csv'));
  protected readonly jsonlHref = computed(() => this.exportHref('jsonl'));

  private exportHref(format: 'csv' | 'jsonl'): string {
    const query = new URLSearchParams(this.filters()).toString();
    return `${this.base()}.${format}${query ? `?${query}` : ''}`;
  }

  protected setDraft(name: FilterName, value: string): void {
    this.draft.update((d) => ({ ...d, [name]: value }));
  }

  /** Puts the form's filters in the URL (first page). */
  protected apply(): Promise<boolean> {
    const queryParams: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.draft())) if (value.trim()) queryParams[name] = value.trim();
    this.selected.set(undefined);
    return this.router.navigate(['/t', this.tenant(), 'audit'], { queryParams });
  }

  protected clear(): Promise<boolean> {
    this.selected.set(undefined);
    return this.router.navigate(['/t', this.tenant(), 'audit']);
  }

  /** The next (older) page: its cursor in the URL, so Back returns to this one. */
  protected older(): Promise<boolean> {
    const next = this.page.hasValue() ? this.page.value().next : undefined;
    this.selected.set(undefined);
    return this.router.navigate(['/t', this.tenant(), 'audit'], { queryParams: { ...this.filters(), after: next } });
  }

  protected newest(): Promise<boolean> {
    this.selected.set(undefined);
    return this.router.navigate(['/t', this.tenant(), 'audit'], { queryParams: this.filters() });
  }

  /** The broken row first: the list from that position down. */
  protected showPosition(position: number): Promise<boolean> {
    this.selected.set(undefined);
    return this.router.navigate(['/t', this.tenant(), 'audit'], { queryParams: { position: String(position) } });
  }

  protected toggle(row: AuditEntry): void {
    this.selected.update((s) => (s?.position === row.position ? undefined : row));
  }
}
