import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal } from '@angular/core';
import { CountPipe, TimePipe } from '../format/pipes';
import { HttpClient, httpResource } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { firstValueFrom } from 'rxjs';
import type { QueueItem, QueuePage as QueuePageBody, QueueSort } from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';
import { RiskChip } from '../risk/risk-chips';
import { EmptyState } from '../shell/empty-state';
import { ReviewSettingsPanel } from '../review/review-settings';
import { Session, roleIn } from '../session/session';

/** "3 h 20 min", "2 d 4 h": an item's age at a glance. */
export function ageText(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** The review queue: customers waiting for a decision, claimed one at a time. */
@Component({
  selector: 'rd-queue-page',
  imports: [
    TimePipe,
    CountPipe,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatFormFieldModule,
    MatInputModule,
    RiskChip,
    EmptyState,
    ReviewSettingsPanel,
  ],
  templateUrl: './queue-page.html',
  styleUrl: './queue-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QueuePage {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly session = inject(Session);

  /** From the route: /t/:tenant/queue */
  readonly tenant = input.required<string>();

  protected readonly sort = signal<QueueSort>('risk');
  protected readonly assignee = signal<'' | 'me' | 'unassigned'>('');
  protected readonly sla = signal<'' | 'near' | 'breached'>('');

  protected readonly page = httpResource<QueuePageBody>(() => {
    const params: Record<string, string> = { sort: this.sort(), limit: '50' };
    if (this.assignee()) params['assignee'] = this.assignee();
    if (this.sla()) params['sla'] = this.sla();
    return { url: `/api/tenants/${encodeURIComponent(this.tenant())}/queue`, params };
  });
  protected readonly items = computed(() => (this.page.hasValue() ? this.page.value().items : []));
  protected readonly loadError = computed(() => {
    const error = this.page.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | undefined>(undefined);
  protected readonly message = signal<string | undefined>(undefined);
  protected readonly ageText = ageText;
  /** Leads hand items to another analyst, with a reason (audited). */
  protected readonly isLead = computed(() => roleIn(this.session.me(), this.tenant()) === 'lead');
  protected readonly reassigning = signal<string | undefined>(undefined);
  /** A lead edits the tenant's review reasons here (routes/reviews.ts PUT …/review-settings). */
  protected readonly editingReasons = signal(false);
  protected readonly reassignTo = signal('');
  protected readonly reassignReason = signal('');

  /** How often the list is read again: network risk is ranked per read, so new links re-rank it. */
  static readonly REFRESH_MS = 30_000;

  constructor() {
    const timer = setInterval(() => {
      if (!this.busy() && !this.page.isLoading()) this.page.reload();
    }, QueuePage.REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  private base(): string {
    return `/api/tenants/${encodeURIComponent(this.tenant())}/queue`;
  }

  private async act(run: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.actionError.set(undefined);
    this.message.set(undefined);
    try {
      await run();
    } catch (error) {
      this.actionError.set(errorMessage(error));
      this.page.reload();
    } finally {
      this.busy.set(false);
    }
  }

  /** Claims the item and opens it; after its decision, the next item opens (customer page, ?queue=). */
  protected claim(item: QueueItem): Promise<void> {
    return this.act(async () => {
      await firstValueFrom(this.http.post(`${this.base()}/${encodeURIComponent(item.customerId)}/claim`, {}));
      await this.open(item.customerId);
    });
  }

  protected release(item: QueueItem): Promise<void> {
    return this.act(async () => {
      await firstValueFrom(this.http.post(`${this.base()}/${encodeURIComponent(item.customerId)}/release`, {}));
      this.page.reload();
    });
  }

  protected reassign(item: QueueItem): Promise<void> {
    const to = this.reassignTo().trim();
    const reason = this.reassignReason().trim();
    if (!to || !reason) {
      this.actionError.set('Reassigning needs the analyst’s email and a reason.');
      return Promise.resolve();
    }
    return this.act(async () => {
      await firstValueFrom(
        this.http.post(`${this.base()}/${encodeURIComponent(item.customerId)}/reassign`, { to, reason }),
      );
      this.reassigning.set(undefined);
      this.reassignTo.set('');
      this.reassignReason.set('');
      this.page.reload();
    });
  }

  protected next(): Promise<void> {
    return this.act(async () => {
      const result = await firstValueFrom(
        this.http.post<{ item: QueueItem | null }>(`${this.base()}/next`, { sort: this.sort() }),
      );
      if (!result.item) {
        this.message.set('Nothing left to claim.');
        this.page.reload();
        return;
      }
      await this.open(result.item.customerId);
    });
  }

  private async open(customerId: string): Promise<void> {
    await this.router.navigate(['/t', this.tenant(), 'customers', customerId], { queryParams: { queue: this.sort() } });
  }
}
