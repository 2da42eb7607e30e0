// Pure helpers of the Team screen: the range the date picker sends, durations in words, and the
// chart options (decisions per day per analyst, time to decision, overturned labels and agreement).
// No Angular here (tested alone).
import type { EChartsCoreOption } from 'echarts/core';
import type { QualityFigures, TeamQuality } from '@redoubt/contracts/audit';
import { LIGHT_COLOURS, themedChart } from '../shell/theme-colours';
import type { ThemeColours } from '../shell/theme-colours';

const DAY = 86_400_000;
/** The server's longest range (apps/bff/src/routes/quality.ts MAX_QUALITY_DAYS). */
export const MAX_DAYS = 92;

/** The last `days` local days up to and including today's. */
export function lastDays(days: number, now = new Date()): { start: Date; end: Date } {
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const start = new Date(end);
  start.setDate(start.getDate() - (days - 1));
  return { start, end };
}

/** The request for the local days start..end (both whole days): from the first midnight to the midnight after the last. */
export function rangeQuery(start: Date, end: Date, tz: string): { from: string; to: string; tz: string } {
  const from = new Date(start.getFullYear(), start.getMonth(), start.getDate());
  const to = new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString(), tz };
}

/** Whole days in the range, for the picker's limit. */
export const daysIn = (start: Date, end: Date) => Math.round((end.getTime() - start.getTime()) / DAY) + 1;

/** "45 s", "12 min", "3 h 20 min", "2 d 4 h"; "–" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export const formatRate = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)}%`);
const count = new Intl.NumberFormat('en-GB');
export const formatCount = (n: number) => count.format(n);

export interface TeamCard {
  id: string;
  label: string;
  value: string;
  detail: string;
}

export function teamCards(t: QualityFigures): TeamCard[] {
  return [
    {
      id: 'decisions',
      label: 'Decisions',
      value: formatCount(t.decisions),
      detail: `${formatCount(t.timed)} from the queue`,
    },
    {
      id: 'median',
      label: 'Median time to decision',
      value: formatDuration(t.medianSeconds),
      detail: 'from entering the queue',
    },
    { id: 'p90', label: '90th percentile', value: formatDuration(t.p90Seconds), detail: 'from entering the queue' },
    { id: 'expired', label: 'Claims expired', value: formatCount(t.claimsExpired), detail: 'idle past the claim time' },
    {
      id: 'overturned',
      label: 'Labels overturned',
      value: formatCount(t.overturned),
      detail: `of ${formatCount(t.labels)} labels set`,
    },
    {
      id: 'agreement',
      label: 'Agreement',
      value: formatRate(t.agreementRate),
      detail: `on ${formatCount(t.reviewedTwice)} customers reviewed twice`,
    },
  ];
}

/** One analyst's figure on each day of the axis (0 or null where they have none). */
function perDay<T>(
  q: TeamQuality,
  days: { day: string; figures: QualityFigures }[],
  pick: (f: QualityFigures) => T,
  none: T,
): T[] {
  const byDay = new Map(days.map((d) => [d.day, d.figures]));
  return q.days.map((day) => {
    const f = byDay.get(day);
    return f ? pick(f) : none;
  });
}

const base = (q: TeamQuality) => ({
  animation: false,
  aria: { enabled: true },
  legend: { top: 0, type: 'scroll' },
  tooltip: { trigger: 'axis' },
  grid: { left: 56, right: 16, top: 36, bottom: 28 },
  xAxis: { type: 'category', data: q.days.map((d) => d.slice(5)), axisLabel: { hideOverlap: true } },
});

/** Stacked bars: each analyst's decisions per day. */
export function decisionsChart(q: TeamQuality, c: ThemeColours = LIGHT_COLOURS): EChartsCoreOption {
  return themedChart(
    {
      ...base(q),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      yAxis: { type: 'value', minInterval: 1 },
      series: q.analysts.map((a) => ({
        name: a.analyst,
        type: 'bar',
        stack: 'decisions',
        data: perDay(q, a.days, (f) => f.decisions, 0),
      })),
    },
    c,
  );
}

/** The team's median and p90 time from queue to decision per day, in minutes. */
export function timeChart(q: TeamQuality, c: ThemeColours = LIGHT_COLOURS): EChartsCoreOption {
  const minutes = (s: number | null) => (s === null ? null : Math.round(s / 6) / 10);
  return themedChart(
    {
      ...base(q),
      yAxis: { type: 'value', name: 'minutes' },
      series: [
        {
          name: 'Median',
          type: 'line',
          color: c.primary,
          connectNulls: true,
          data: perDay(q, q.team.days, (f) => minutes(f.medianSeconds), null),
        },
        {
          name: '90th percentile',
          type: 'line',
          color: c.tertiary,
          connectNulls: true,
          data: perDay(q, q.team.days, (f) => minutes(f.p90Seconds), null),
        },
      ],
    },
    c,
  );
}

/** Per analyst: labels set and overturned (bars), and the agreement rate (a line on its own axis). */
export function qualityChart(q: TeamQuality, c: ThemeColours = LIGHT_COLOURS): EChartsCoreOption {
  const names = q.analysts.map((a) => a.analyst);
  return themedChart(
    {
      animation: false,
      aria: { enabled: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 56, right: 48, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: names, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: 'value', minInterval: 1, name: 'labels' },
        { type: 'value', min: 0, max: 100, name: 'agreement %' },
      ],
      series: [
        { name: 'Labels set', type: 'bar', color: c.primary, data: q.analysts.map((a) => a.totals.labels) },
        { name: 'Overturned', type: 'bar', color: c.prevent, data: q.analysts.map((a) => a.totals.overturned) },
        {
          name: 'Agreement',
          type: 'line',
          yAxisIndex: 1,
          color: c.allow,
          data: q.analysts.map((a) =>
            a.totals.agreementRate === null ? null : Math.round(a.totals.agreementRate * 100),
          ),
        },
      ],
    },
    c,
  );
}

/** A sentence describing the charts for screen readers. */
export function teamSummary(q: TeamQuality): string {
  const t = q.team.totals;
  return `${q.days.length} days, ${q.analysts.length} people: ${formatCount(t.decisions)} decisions, median ${formatDuration(t.medianSeconds)} from the queue, ${formatCount(t.overturned)} of ${formatCount(t.labels)} labels overturned, agreement ${formatRate(t.agreementRate)}.`;
}
