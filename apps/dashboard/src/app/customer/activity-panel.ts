import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { ScrollingModule } from '@angular/cdk/scrolling';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { firstValueFrom } from 'rxjs';
import { Timeline, type TimelineEvent } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { formatMoney, formatTime } from '../format/format';

/** Events asked for per request: about two viewports; most customers fit in one page, the rest load as the list scrolls. */
export const TIMELINE_PAGE_SIZE = 20;
/** Row height in px, fixed so the virtual scroll can place rows without measuring them. */
export const ACTIVITY_ROW_PX = 56;

export const EVENT_TYPES: { value: string; text: string; icon: string }[] = [
  { value: 'order', text: 'Orders', icon: 'shopping_cart' },
  { value: 'transaction', text: 'Transactions', icon: 'payments' },
  { value: 'paymentMethod', text: 'Payment methods', icon: 'credit_card' },
  { value: 'login', text: 'Logins', icon: 'login' },
  { value: 'device', text: 'Devices', icon: 'devices' },
  { value: 'label', text: 'Labels', icon: 'sell' },
  { value: 'score', text: 'Scores', icon: 'speed' },
  { value: 'customer', text: 'Profile', icon: 'person' },
];

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/** The money an order or transaction moved, formatted in its currency; undefined for other events. */
export function eventAmount(event: TimelineEvent, locale?: string): string | undefined {
  const body = record(event.data[event.type]);
  if (!body) return undefined;
  const minor = event.type === 'order' ? body['price'] : event.type === 'transaction' ? body['amount'] : undefined;
  const currency = body['currency'];
  return typeof minor === 'number' && typeof currency === 'string' ? formatMoney(minor, currency, locale) : undefined;
}

/**
 * A customer's timeline, newest first: pages from GET …/timeline with the `before` cursor, loaded
 * as the list scrolls near its end (or by the button), filtered by event type on the pages loaded,
 * rows virtual-scrolled so a customer with thousands of events stays light.
 */
@Component({
  selector: 'rd-activity-panel',
  imports: [ScrollingModule, MatButtonModule, MatIconModule, MatProgressBarModule],
  template: `
    <div class="types" role="group" aria-label="Event types">
      @for (type of types; track type.value) {
        <button
          type="button"
          class="facet"
          [class.selected]="shownTypes().has(type.value)"
          [attr.aria-pressed]="shownTypes().has(type.value)"
          [attr.data-testid]="'activity-type-' + type.value"
          (click)="toggleType(type.value)"
        >
          <mat-icon aria-hidden="true">{{ type.icon }}</mat-icon>{{ type.text }}
        </button>
      }
    </div>
    <p class="count" data-testid="activity-count" aria-live="polite">{{ countText() }}</p>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading activity" />
    }
    @if (error(); as error) {
      <p class="banner error" role="alert" data-testid="activity-error">
        <mat-icon>error</mat-icon>{{ error }}
        <button mat-button type="button" (click)="loadMore()">Try again</button>
      </p>
    }
    @if (visible().length) {
      <cdk-virtual-scroll-viewport
        class="viewport"
        [itemSize]="rowPx"
        (scrolledIndexChange)="nearEnd($event)"
        data-testid="activity-list"
        role="list"
        aria-label="Activity, newest first"
      >
        <div
          *cdkVirtualFor="let event of visible(); trackBy: trackId"
          class="event"
          role="listitem"
          data-testid="activity-event"
          [attr.data-at]="event.at"
          [attr.data-type]="event.type"
        >
          <mat-icon class="icon" aria-hidden="true">{{ icon(event.type) }}</mat-icon>
          <div class="what">
            <div class="summary">{{ event.summary }}</div>
            <div class="when">{{ time(event.at) }}</div>
          </div>
          @if (amount(event); as money) {
            <span class="amount">{{ money }}</span>
          }
        </div>
      </cdk-virtual-scroll-viewport>
    } @else if (!loading() && !error()) {
      <p class="muted" data-testid="activity-empty">
        {{ events().length ? 'No events of these types in what is loaded.' : 'No events recorded for this customer.' }}
      </p>
    }
    @if (next()) {
      <button mat-stroked-button type="button" data-testid="activity-more" [disabled]="loading()" (click)="loadMore()">
        Load older events
      </button>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .types {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin-bottom: 8px;
    }
    .facet {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 4px 12px;
      border-radius: 8px;
      border: 1px solid var(--mat-sys-outline);
      background: transparent;
      color: var(--mat-sys-on-surface);
      font: var(--mat-sys-label-large);
      cursor: pointer;
    }
    .facet mat-icon {
      font-size: 18px;
      width: 18px;
      height: 18px;
    }
    .facet.selected {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
      border-color: transparent;
    }
    .facet:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
      outline-offset: 2px;
    }
    .count,
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    .viewport {
      height: 480px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    .event {
      height: ${ACTIVITY_ROW_PX}px;
      box-sizing: border-box;
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 0 12px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .icon {
      color: var(--mat-sys-on-surface-variant);
    }
    .what {
      flex: 1;
      min-width: 0;
    }
    .summary {
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .when {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .amount {
      font-variant-numeric: tabular-nums;
      font-weight: 500;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ActivityPanel {
  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();

  private readonly http = inject(HttpClient);
  protected readonly types = EVENT_TYPES;
  protected readonly rowPx = ACTIVITY_ROW_PX;

  protected readonly events = signal<TimelineEvent[]>([]);
  /** Cursor for the page after the last one loaded; undefined once the oldest event is in. */
  protected readonly next = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  /** Types picked; none picked shows every type. */
  protected readonly shownTypes = signal<ReadonlySet<string>>(new Set());
  protected readonly visible = computed(() => {
    const types = this.shownTypes();
    const events = this.events();
    return types.size ? events.filter((e) => types.has(e.type)) : events;
  });
  /** "12 events of the 40 loaded · older events not loaded yet", in one string so it reads as one sentence. */
  protected readonly countText = computed(() => {
    const shown = this.visible().length;
    const what = `${shown} ${shown === 1 ? 'event' : 'events'}`;
    const loaded = this.shownTypes().size ? `of the ${this.events().length} loaded` : 'loaded';
    return `${what} ${loaded} · ${this.next() ? 'older events not loaded yet' : 'the whole history'}`;
  });
  /** Bumped per customer, so an answer for the previous customer is dropped. */
  private generation = 0;

  constructor() {
    effect(() => {
      const key = `${this.tenant()}/${this.customerId()}`;
      untracked(() => this.reset(key));
    });
  }

  protected toggleType(type: string): void {
    this.shownTypes.update((types) => {
      const next = new Set(types);
      if (!next.delete(type)) next.add(type);
      return next;
    });
  }

  /** Virtual scroll reports the first row shown; near the end of what is loaded, fetch the next page. */
  protected nearEnd(firstIndex: number): void {
    const pageRows = Math.ceil(480 / ACTIVITY_ROW_PX);
    if (this.next() && !this.loading() && firstIndex + pageRows * 2 >= this.visible().length) void this.loadMore();
  }

  async loadMore(): Promise<void> {
    // Nothing older once the last page is in (a retry after a failed first page has no cursor yet).
    if (this.loading() || (this.events().length > 0 && !this.next())) return;
    await this.fetch(this.generation, this.next());
  }

  private reset(_key: string): void {
    this.generation += 1;
    this.events.set([]);
    this.next.set(undefined);
    this.error.set(undefined);
    this.loading.set(false);
    void this.fetch(this.generation, undefined);
  }

  private async fetch(generation: number, before: string | undefined): Promise<void> {
    this.loading.set(true);
    this.error.set(undefined);
    const url = `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/timeline`;
    try {
      const body = await firstValueFrom(
        this.http.get<unknown>(url, {
          params: { limit: TIMELINE_PAGE_SIZE, ...(before !== undefined && { before }) },
        }),
      );
      const page = parseAs(Timeline)(body);
      if (generation !== this.generation) return;
      this.events.update((events) => [...events, ...page.events]);
      this.next.set(page.next);
    } catch (error) {
      if (generation === this.generation) this.error.set(errorMessage(error));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }

  protected trackId = (_index: number, event: TimelineEvent) => event.id;
  protected icon(type: string): string {
    return EVENT_TYPES.find((t) => t.value === type)?.icon ?? 'event';
  }
  protected readonly time = (iso: string) => formatTime(iso);
  protected readonly amount = (event: TimelineEvent) => eventAmount(event);
}
