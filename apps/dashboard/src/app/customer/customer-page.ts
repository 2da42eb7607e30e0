import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { EntriesPipe } from '../format/pipes';
import { HttpClient, httpResource } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import type { CustomerProfile, QueueItem, QueueSort } from '@redoubt/contracts/api';
import { errorMessage, errorStatus } from '../http/api-error';
import { RiskChip } from '../risk/risk-chips';
import { EmptyState } from '../shell/empty-state';
import { kindStyle } from './network-elements';
import { NetworkGraph } from './network-graph';
import { NotesPanel } from './notes-panel';
import { ScoreChart } from './score-chart';
import { ReviewPanel } from '../review/review-panel';
import { ActivityPanel } from './activity-panel';
import { WhyPanel } from './why-panel';
import { PinButton } from './pin-button';
import { formatCounter, formatDay, formatTime, moneyCounter } from '../format/format';

/** `orderValueGBP` → `Order value GBP`: counters arrive keyed by their camelCase names. */
export function counterName(key: string): string {
  // Money counters name their currency in the value (£30.46), not in the key.
  if (moneyCounter(key)) return 'Order value';
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ')
    .map((w, i) => (w === w.toUpperCase() ? w : i === 0 ? w : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One customer: profile, identifiers, score history, network, review and notes; the Activity tab. */
@Component({
  selector: 'rd-customer-page',
  imports: [
    EntriesPipe,
    RouterLink,
    MatCardModule,
    MatIconModule,
    MatButtonModule,
    MatProgressBarModule,
    MatTabsModule,
    RiskChip,
    EmptyState,
    NetworkGraph,
    NotesPanel,
    ScoreChart,
    ReviewPanel,
    ActivityPanel,
    WhyPanel,
    PinButton,
  ],
  templateUrl: './customer-page.html',
  styleUrl: './customer-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerPage {
  /** From the route: /t/:tenant/customers/:id */
  readonly tenant = input.required<string>();
  readonly id = input.required<string>();
  /** ?queue=age|score|risk: opened from the queue; after a decision the next item opens. */
  readonly queue = input<string>();

  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  protected readonly queueMessage = signal<string | undefined>(undefined);

  protected readonly profile = httpResource<CustomerProfile>(
    () => `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.id())}`,
  );
  /**
   * The profile on screen. While the next customer loads (a click in the network), the previous one
   * stays up under the progress bar instead of the page collapsing and jumping back to the top.
   */
  protected readonly shown = linkedSignal<
    { value: CustomerProfile | undefined; loading: boolean },
    CustomerProfile | undefined
  >({
    source: () => ({
      value: this.profile.hasValue() ? this.profile.value() : undefined,
      loading: this.profile.isLoading(),
    }),
    computation: (next, previous) => next.value ?? (next.loading ? previous?.value : undefined),
  });
  protected readonly notFound = computed(() => errorStatus(this.profile.error()) === 404);
  protected readonly error = computed(() => {
    const error = this.profile.error();
    return error ? errorMessage(error) : undefined;
  });

  /** After a decision taken from the queue: claim the next item by the same sort and open it. */
  protected async onDecided(): Promise<void> {
    const sort = this.queue();
    if (!sort) return;
    const tenant = this.tenant();
    const result = await firstValueFrom(
      this.http.post<{ item: QueueItem | null }>(`/api/tenants/${encodeURIComponent(tenant)}/queue/next`, {
        sort: sort as QueueSort,
      }),
    );
    if (!result.item) {
      this.queueMessage.set('The queue is empty: nothing left to review.');
      return;
    }
    await this.router.navigate(['/t', tenant, 'customers', result.item.customerId], { queryParams: { queue: sort } });
  }

  protected readonly kindStyle = kindStyle;
  protected readonly counterName = counterName;
  protected readonly counterValue = (key: string, value: number) => formatCounter(key, value);
  protected readonly time = (iso: string | undefined) => formatTime(iso);
  protected readonly day = (iso: string | undefined) => formatDay(iso);
}
