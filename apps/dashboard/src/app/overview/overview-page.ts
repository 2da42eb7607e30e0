import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { httpResource } from '@angular/common/http';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { NgxEchartsDirective, provideEchartsCore } from 'ngx-echarts';
import { Overview } from '@redoubt/contracts/overview';
import type { OverviewInterval } from '@redoubt/contracts/overview';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { EmptyState } from '../shell/empty-state';
import {
  INTERVALS,
  PRESETS,
  chartSummary,
  decisionChart,
  formatCount,
  formatMoney,
  formatRate,
  kpis,
  rangeOf,
  volumeChart,
} from './overview-figures';
import type { Preset } from './overview-figures';
import { injectThemeColours } from '../shell/theme-colours';

/**
 * The merchant's overview: KPI cards against the previous period, volumes and decisions over time,
 * breakdowns, the top PREVENT reasons and the riskiest customers. Read-only for everyone: merchants
 * and staff see the same screen, with no analyst control on it.
 */
@Component({
  selector: 'rd-overview-page',
  imports: [MatButtonToggleModule, MatIconModule, MatProgressBarModule, NgxEchartsDirective, EmptyState],
  providers: [provideEchartsCore({ echarts: () => import('./echarts-setup').then((m) => m.echarts) })],
  templateUrl: './overview-page.html',
  styleUrl: './overview-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OverviewPage {
  /** From the route: /t/:tenant/overview */
  readonly tenant = input.required<string>();

  protected readonly presets = PRESETS;
  protected readonly intervals = INTERVALS;
  protected readonly preset = signal<Preset>('7d');
  protected readonly interval = signal<OverviewInterval>('day');
  /** The browser's zone: a merchant's day is the day on their clock. */
  protected readonly tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  /** Bumped to fetch again (fresh figures) without changing the range. */
  private readonly now = signal(Date.now());

  protected readonly query = computed(() => ({
    ...rangeOf(this.preset(), this.now(), this.tz),
    interval: this.interval(),
  }));

  protected readonly overview = httpResource(
    () => ({
      url: `/api/tenants/${encodeURIComponent(this.tenant())}/overview`,
      params: this.query(),
    }),
    { parse: parseAs(Overview) },
  );

  protected readonly csvHref = computed(() => {
    const params = new URLSearchParams(this.query());
    return `/api/tenants/${encodeURIComponent(this.tenant())}/overview.csv?${params}`;
  });

  /** Chart colours from the theme on screen (shell/theme-colours.ts). */
  private readonly colours = injectThemeColours();
  protected readonly data = computed(() => (this.overview.hasValue() ? this.overview.value() : undefined));
  protected readonly cards = computed(() => {
    const o = this.data();
    return o ? kpis(o.totals, o.previous.totals) : [];
  });
  protected readonly volume = computed(() => {
    const o = this.data();
    return o ? volumeChart(o, this.colours()) : {};
  });
  protected readonly decisions = computed(() => {
    const o = this.data();
    return o ? decisionChart(o, this.colours()) : {};
  });
  protected readonly summary = computed(() => {
    const o = this.data();
    return o ? chartSummary(o) : '';
  });
  protected readonly empty = computed(() => {
    const t = this.data()?.totals;
    return !!t && t.orders + t.transactions + t.decisions.ALLOW + t.decisions.REVIEW + t.decisions.PREVENT === 0;
  });
  protected readonly error = computed(() => {
    const e = this.overview.error();
    return e ? errorMessage(e) : undefined;
  });

  protected readonly count = formatCount;
  protected readonly money = formatMoney;
  protected readonly rate = formatRate;

  protected choosePreset(id: Preset): void {
    this.preset.set(id);
    // Each preset comes with the interval that reads best at its length.
    this.interval.set(PRESETS.find((p) => p.id === id)!.interval);
    this.now.set(Date.now());
  }

  protected chooseInterval(interval: OverviewInterval): void {
    this.interval.set(interval);
  }
}
