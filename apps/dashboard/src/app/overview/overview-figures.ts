// Pure helpers of the Overview screen: the range presets, the query they send, the KPI cards with
// their change against the previous period, and the chart options. No Angular here (tested alone).
import type { EChartsCoreOption } from 'echarts/core';
import type { Overview, OverviewFigures, OverviewInterval } from '@redoubt/contracts/overview';
import { LIGHT_COLOURS, themedChart } from '../shell/theme-colours';
import type { ThemeColours } from '../shell/theme-colours';

export type Preset = '24h' | '7d' | '30d' | '90d';
export const PRESETS: readonly { id: Preset; label: string; days: number; interval: OverviewInterval }[] = [
  { id: '24h', label: '24 h', days: 1, interval: 'hour' },
  { id: '7d', label: '7 d', days: 7, interval: 'day' },
  { id: '30d', label: '30 d', days: 30, interval: 'day' },
  { id: '90d', label: '90 d', days: 90, interval: 'week' },
];
/** Intervals the server accepts for a preset (an hourly 90 days is 2,160 points: allowed). */
export const INTERVALS: readonly OverviewInterval[] = ['hour', 'day', 'week'];

const HOUR = 3_600_000;

/**
 * The request for a preset at `now`: the range ends at the next whole hour; a 24 h range starts 24
 * hours before, longer ones at the start of the local day N-1 days back (the server counts in
 * hours, so a day is whole when it starts on an hour).
 */
export function rangeOf(preset: Preset, now: number, tz: string): { from: string; to: string; tz: string } {
  const spec = PRESETS.find((p) => p.id === preset)!;
  const to = Math.ceil(now / HOUR) * HOUR;
  let from: number;
  if (spec.days === 1) from = to - 24 * HOUR;
  else {
    const start = new Date(now);
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - (spec.days - 1));
    from = Math.floor(start.getTime() / HOUR) * HOUR;
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), tz };
}

export interface Kpi {
  id: string;
  label: string;
  value: string;
  /** e.g. "+12% vs previous period" or "−0.4 pts vs previous period"; '' when not comparable. */
  change: string;
  /** Up is bad for fraud figures: the card colours the change by what it means. */
  tone: 'good' | 'bad' | 'neutral';
}

const count = new Intl.NumberFormat('en-GB');
const money = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);
export const formatMoney = (minor: number) => money.format(minor / 100);
export const formatCount = (n: number) => count.format(n);
export const formatRate = pct;

/** Relative change of a count; '' when the previous period had none. */
export function countChange(now: number, before: number): { text: string; sign: number } {
  if (before === 0)
    return { text: now === 0 ? 'no change vs previous period' : 'new vs previous period', sign: Math.sign(now) };
  const change = (now - before) / before;
  const text = `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(Math.round(change * 100))}% vs previous period`;
  return { text, sign: Math.sign(change) };
}

/** Change of a rate in percentage points. */
export function rateChange(now: number | null, before: number | null): { text: string; sign: number } {
  if (now === null || before === null) return { text: '', sign: 0 };
  const pts = (now - before) * 100;
  const text = `${pts > 0 ? '+' : pts < 0 ? '−' : '±'}${Math.abs(pts).toFixed(1)} pts vs previous period`;
  return { text, sign: Math.sign(Math.round(pts * 10)) };
}

const tone = (sign: number, upIsBad: boolean): Kpi['tone'] =>
  sign === 0 ? 'neutral' : sign > 0 === upIsBad ? 'bad' : 'good';

export function kpis(now: OverviewFigures, before: OverviewFigures): Kpi[] {
  const c = (id: string, label: string, a: number, b: number, upIsBad: boolean, format = formatCount): Kpi => {
    const ch = countChange(a, b);
    return { id, label, value: format(a), change: ch.text, tone: tone(ch.sign, upIsBad) };
  };
  const r = (id: string, label: string, a: number | null, b: number | null, upIsBad: boolean): Kpi => {
    const ch = rateChange(a, b);
    return { id, label, value: pct(a), change: ch.text, tone: tone(ch.sign, upIsBad) };
  };
  return [
    c('orders', 'Orders', now.orders, before.orders, false),
    r('allow', 'Allowed', now.rates.ALLOW, before.rates.ALLOW, false),
    r('review', 'Sent to review', now.rates.REVIEW, before.rates.REVIEW, true),
    r('prevent', 'Prevented', now.rates.PREVENT, before.rates.PREVENT, true),
    r('fraud', 'Fraud rate (of labelled)', now.fraudRate, before.fraudRate, true),
    c('chargebacks', 'Chargebacks', now.chargebacks, before.chargebacks, true),
    c('prevented', 'Value prevented', now.preventedValue, before.preventedValue, false, formatMoney),
  ];
}

/** Bucket labels: the local start as the server wrote it, shortened to what the interval needs. */
export function bucketLabel(local: string, interval: OverviewInterval): string {
  return interval === 'hour' ? local.slice(5, 16).replace('T', ' ') : local.slice(0, 10);
}

/** What the two series charts set, typed (echarts' own option type holds anything). */
export interface SeriesChartOption extends EChartsCoreOption {
  xAxis: { type: 'category'; data: string[]; axisLabel: { hideOverlap: boolean } };
  series: { name: string; type: 'line' | 'bar'; data: number[]; color: string; stack?: string }[];
}

/** The x axis: one label per bucket, from the series' local starts. */
const axisLabels = (o: Overview) => o.series.local.map((local) => bucketLabel(local, o.interval));

export function volumeChart(o: Overview, c: ThemeColours = LIGHT_COLOURS): SeriesChartOption {
  return themedChart(
    {
      animation: false,
      aria: { enabled: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: axisLabels(o), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        // The series arrives columnar: each figure is already the array a chart wants.
        { name: 'Orders', type: 'line', data: o.series.orders, color: c.primary },
        { name: 'Transactions', type: 'line', data: o.series.transactions, color: c.tertiary },
      ],
    },
    c,
  );
}

export function decisionChart(o: Overview, c: ThemeColours = LIGHT_COLOURS): SeriesChartOption {
  const colour = { ALLOW: c.allow, REVIEW: c.review, PREVENT: c.prevent };
  const bar = (name: string, key: 'ALLOW' | 'REVIEW' | 'PREVENT') => ({
    name,
    type: 'bar' as const,
    stack: 'decisions',
    color: colour[key],
    data: o.series.decisions[key],
  });
  return themedChart(
    {
      animation: false,
      aria: { enabled: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: axisLabels(o), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [bar('Allowed', 'ALLOW'), bar('Review', 'REVIEW'), bar('Prevented', 'PREVENT')],
    },
    c,
  );
}

/** A sentence describing a chart for screen readers. */
export function chartSummary(o: Overview): string {
  const t = o.totals;
  return `${o.series.start.length} ${o.interval} buckets: ${formatCount(t.orders)} orders, ${formatCount(t.transactions)} transactions; decisions ${formatCount(t.decisions.ALLOW)} allowed, ${formatCount(t.decisions.REVIEW)} reviewed, ${formatCount(t.decisions.PREVENT)} prevented.`;
}
