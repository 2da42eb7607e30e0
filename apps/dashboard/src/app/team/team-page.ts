import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { httpResource } from '@angular/common/http';
import { provideNativeDateAdapter } from '@angular/material/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { NgxEchartsDirective, provideEchartsCore } from 'ngx-echarts';
import { TeamQuality } from '@redoubt/contracts/audit';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { EmptyState } from '../shell/empty-state';
import {
  MAX_DAYS,
  daysIn,
  decisionsChart,
  formatCount,
  formatDuration,
  formatRate,
  lastDays,
  qualityChart,
  rangeQuery,
  teamCards,
  teamSummary,
  timeChart,
} from './team-figures';
import { injectThemeColours } from '../shell/theme-colours';

const PRESETS = [7, 30, 90] as const;

/**
 * The team's work for its leads: decisions per day per analyst, time from queue to decision,
 * lapsed claims, labels overturned by someone else and agreement on customers reviewed twice, over
 * the days picked (GET …/quality, counted in the browser's time zone).
 */
@Component({
  selector: 'rd-team-page',
  imports: [
    MatButtonToggleModule,
    MatDatepickerModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    NgxEchartsDirective,
    EmptyState,
  ],
  providers: [
    provideNativeDateAdapter(),
    // The same ECharts parts as the overview (lines, bars, legend, tooltip), loaded lazily.
    provideEchartsCore({ echarts: () => import('../overview/echarts-setup').then((m) => m.echarts) }),
  ],
  templateUrl: './team-page.html',
  styleUrl: './team-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TeamPage {
  /** From the route: /t/:tenant/team */
  readonly tenant = input.required<string>();

  protected readonly presets = PRESETS;
  protected readonly maxDays = MAX_DAYS;
  protected readonly tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  protected readonly today = lastDays(1).end;
  protected readonly start = signal<Date | null>(lastDays(7).start);
  protected readonly end = signal<Date | null>(lastDays(7).end);
  protected readonly preset = signal<number | null>(7);

  /** The days picked, or why they cannot be asked for. */
  protected readonly picked = computed(() => {
    const start = this.start();
    const end = this.end();
    if (!start || !end) return { error: undefined, query: undefined };
    if (daysIn(start, end) > MAX_DAYS) return { error: `Pick at most ${MAX_DAYS} days.`, query: undefined };
    return { error: undefined, query: rangeQuery(start, end, this.tz) };
  });

  protected readonly quality = httpResource(
    () => {
      const query = this.picked().query;
      return query && { url: `/api/tenants/${encodeURIComponent(this.tenant())}/quality`, params: query };
    },
    { parse: parseAs(TeamQuality) },
  );

  /** Chart colours from the theme on screen (shell/theme-colours.ts). */
  private readonly colours = injectThemeColours();
  protected readonly data = computed(() => (this.quality.hasValue() ? this.quality.value() : undefined));
  protected readonly cards = computed(() => {
    const q = this.data();
    return q ? teamCards(q.team.totals) : [];
  });
  protected readonly decisions = computed(() => {
    const q = this.data();
    return q ? decisionsChart(q, this.colours()) : {};
  });
  protected readonly times = computed(() => {
    const q = this.data();
    return q ? timeChart(q, this.colours()) : {};
  });
  protected readonly agreement = computed(() => {
    const q = this.data();
    return q ? qualityChart(q, this.colours()) : {};
  });
  protected readonly summary = computed(() => {
    const q = this.data();
    return q ? teamSummary(q) : '';
  });
  protected readonly error = computed(() => {
    const e = this.quality.error();
    return e ? errorMessage(e) : this.picked().error;
  });

  protected readonly count = formatCount;
  protected readonly duration = formatDuration;
  protected readonly rate = formatRate;

  protected choosePreset(days: number): void {
    const { start, end } = lastDays(days);
    this.preset.set(days);
    this.start.set(start);
    this.end.set(end);
  }

  /** The picker's date (the native adapter's Date), or null while the range is half picked. */
  protected pickStart(date: unknown): void {
    this.preset.set(null);
    this.start.set(date instanceof Date ? date : null);
  }

  protected pickEnd(date: unknown): void {
    this.preset.set(null);
    this.end.set(date instanceof Date ? date : null);
  }
}
