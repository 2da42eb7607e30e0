// Merchant figures kept as rollups (docs/rollups.md): what each event adds to its tenant's hourly
// bucket (countsOf, at ingest), and how hourly buckets become the overview's series in the
// merchant's time zone (read side). Nothing here reads events.
import type { RedoubtEvent } from '@redoubt/contracts';
import type { Breakdown, OverviewFigures, OverviewInterval, OverviewSeries } from '@redoubt/contracts/overview';
import type { Counts, CustomerRecord, FigureCounter, HourlyFigures } from '../ports/profile-store.ts';
import { FIGURE_COUNTERS, ROLLUP_BUCKET_MS } from '../ports/profile-store.ts';

export { FIGURE_COUNTERS };

/** Most payment method types remembered per customer (the profile row stays bounded). */
const MAX_METHODS = 50;
const UNKNOWN = 'unknown';

/** Remembers an instrument's payment method type on the customer row (for countsOf). */
export function rememberMethod(record: CustomerRecord, instrumentId: string, methodType: string): void {
  const methods = (record.methods ??= {});
  if (!(instrumentId in methods) && Object.keys(methods).length >= MAX_METHODS) return;
  methods[instrumentId] = methodType;
}

/** The breakdown counter names of one country or payment method type. */
type PartNames = Record<
  'orders' | 'orderValue' | 'transactions' | 'transactionValue' | 'chargebacks' | 'prevented',
  string
>;

const partNames = new Map<string, PartNames>();
/**
 * `country.GB.orders` and its siblings, made once per country or method type and kept (a few
 * hundred at most; the bound only guards memory): every event of a batch then names its counters
 * with the same strings instead of building new ones, which also makes the stores' lookups by name
 * cheaper (a string's hash is computed once).
 */
function namesOf(prefix: 'country' | 'method', key: string): PartNames {
  const id = `${prefix}.${key}`;
  let names = partNames.get(id);
  if (!names) {
    names = {
      orders: `${id}.orders`,
      orderValue: `${id}.orderValue`,
      transactions: `${id}.transactions`,
      transactionValue: `${id}.transactionValue`,
      chargebacks: `${id}.chargebacks`,
      prevented: `${id}.prevented`,
    };
    if (partNames.size < 10_000) partNames.set(id, names);
  }
  return names;
}

/**
 * What one event adds to its hour's rollup, given the customer row after the event was applied
 * (customer-events.ts applyEvent): the country and payment method types come from that row.
 * Counter names: plain figures, `method.<type>.<figure>`, `country.<CC>.<figure>`, `reason.<rule>`.
 */
export function countsOf(event: RedoubtEvent, record: CustomerRecord): Counts | undefined {
  const country = record.country ?? UNKNOWN;
  switch (event.type) {
    case 'order': {
      const c = namesOf('country', event.order.shippingAddress?.country ?? country);
      const counts: Counts = { orders: 1, orderValue: event.order.price };
      counts[c.orders] = 1;
      counts[c.orderValue] = event.order.price;
      return counts;
    }
    case 'transaction': {
      const t = event.transaction;
      const m = namesOf('method', record.methods?.[t.instrumentId] ?? UNKNOWN);
      const c = namesOf('country', country);
      if (t.type === 'chargeback') {
        const counts: Counts = { chargebacks: 1, chargebackValue: t.amount };
        counts[m.chargebacks] = 1;
        counts[c.chargebacks] = 1;
        return counts;
      }
      if (t.type === 'refund') return undefined;
      const counts: Counts = { transactions: 1, transactionValue: t.amount };
      counts[m.transactions] = 1;
      counts[m.transactionValue] = t.amount;
      counts[c.transactions] = 1;
      counts[c.transactionValue] = t.amount;
      return counts;
    }
    case 'score': {
      const { action, rules } = event.score;
      if (action === 'ALLOW') return { ALLOW: 1 };
      if (action === 'REVIEW') return { REVIEW: 1 };
      // The value a PREVENT stops: the customer's latest order, as of the decision.
      const counts: Counts = { PREVENT: 1, preventedValue: record.lastOrderValue ?? 0 };
      counts[namesOf('country', country).prevented] = 1;
      for (const rule of rules ?? []) counts[`reason.${rule.name}`] = (counts[`reason.${rule.name}`] ?? 0) + 1;
      return counts;
    }
    case 'label':
      if (event.label.label === 'FRAUDSTER') return { fraudsters: 1 };
      if (event.label.label === 'GENUINE') return { genuine: 1 };
      return undefined;
    default:
      return undefined;
  }
}

/** Adds b into a. */
export function addCounts(a: Counts, b: Counts): Counts {
  for (const name in b) a[name] = (a[name] ?? 0) + b[name]!;
  return a;
}

const rate = (n: number, total: number) => (total === 0 ? null : n / total);

/** The API figures of summed counters. */
export function figuresOf(c: Counts): OverviewFigures {
  const n = (name: string) => c[name] ?? 0;
  const decisions = { ALLOW: n('ALLOW'), REVIEW: n('REVIEW'), PREVENT: n('PREVENT') };
  const total = decisions.ALLOW + decisions.REVIEW + decisions.PREVENT;
  return {
    orders: n('orders'),
    orderValue: n('orderValue'),
    transactions: n('transactions'),
    transactionValue: n('transactionValue'),
    decisions,
    rates: {
      ALLOW: rate(decisions.ALLOW, total),
      REVIEW: rate(decisions.REVIEW, total),
      PREVENT: rate(decisions.PREVENT, total),
    },
    preventedValue: n('preventedValue'),
    fraudstersFound: n('fraudsters'),
    genuine: n('genuine'),
    fraudRate: rate(n('fraudsters'), n('fraudsters') + n('genuine')),
    chargebacks: n('chargebacks'),
    chargebackValue: n('chargebackValue'),
  };
}

/** The API figures of a columnar series (rollSeries): figuresOf, one array per figure. */
export function seriesFiguresOf(c: Record<FigureCounter, number[]>): Omit<OverviewSeries, 'start' | 'local'> {
  const n = c.ALLOW.length;
  const rates = {
    ALLOW: new Array<number | null>(n),
    REVIEW: new Array<number | null>(n),
    PREVENT: new Array<number | null>(n),
  };
  const fraudRate = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const total = c.ALLOW[i]! + c.REVIEW[i]! + c.PREVENT[i]!;
    rates.ALLOW[i] = rate(c.ALLOW[i]!, total);
    rates.REVIEW[i] = rate(c.REVIEW[i]!, total);
    rates.PREVENT[i] = rate(c.PREVENT[i]!, total);
    fraudRate[i] = rate(c.fraudsters[i]!, c.fraudsters[i]! + c.genuine[i]!);
  }
  return {
    orders: c.orders,
    orderValue: c.orderValue,
    transactions: c.transactions,
    transactionValue: c.transactionValue,
    decisions: { ALLOW: c.ALLOW, REVIEW: c.REVIEW, PREVENT: c.PREVENT },
    rates,
    preventedValue: c.preventedValue,
    fraudstersFound: c.fraudsters,
    genuine: c.genuine,
    fraudRate,
    chargebacks: c.chargebacks,
    chargebackValue: c.chargebackValue,
  };
}

/** Breakdown rows under a prefix (`method` or `country`), most transactions (then orders) first. */
export function breakdown(c: Counts, prefix: 'method' | 'country'): Breakdown[] {
  const rows = new Map<string, Breakdown>();
  for (const name in c) {
    if (!name.startsWith(`${prefix}.`)) continue;
    const dot = name.lastIndexOf('.');
    const key = name.slice(prefix.length + 1, dot);
    const figure = name.slice(dot + 1);
    let row = rows.get(key);
    if (!row) {
      row = { key, transactions: 0, transactionValue: 0, orders: 0, orderValue: 0, prevented: 0, chargebacks: 0 };
      rows.set(key, row);
    }
    if (figure in row && figure !== 'key') (row as unknown as Record<string, number>)[figure]! += c[name]!;
  }
  return [...rows.values()].sort(
    (a, b) => b.transactions - a.transactions || b.orders - a.orders || a.key.localeCompare(b.key),
  );
}

/** Rules behind PREVENT decisions, most frequent first. */
export function preventReasons(c: Counts, limit = 10): { reason: string; count: number }[] {
  return Object.entries(c)
    .filter(([name]) => name.startsWith('reason.'))
    .map(([name, count]) => ({ reason: name.slice('reason.'.length), count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, limit);
}

// ---- Time zones -------------------------------------------------------------------------------
// Buckets are UTC hours. A bucket belongs to the local day (or week, or hour) in which it starts.
// In a zone whose offset is a whole number of hours that is exact. In a zone with a 30- or 45-minute
// offset (Asia/Kolkata, Asia/Kathmandu) a local day is the 24 UTC hours that START within it, i.e.
// its edges sit up to 45 minutes after local midnight; the series says where each bucket starts in
// local time (`local`), so the shift is visible, never hidden. Daylight-saving days have 23 or 25 buckets.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for an unknown zone. */
export function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock parts of an instant in a zone. */
function localParts(f: Intl.DateTimeFormat, at: number) {
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, min: p.minute! };
}

/** Offset of the zone at an instant, in minutes (local - UTC). */
export function offsetMinutes(tz: string, at: number): number {
  const l = localParts(zoneFormatter(tz), at);
  const asUtc = Date.UTC(l.y, l.m - 1, l.d, l.h, l.min);
  return Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000);
}

const DAY = 86_400_000;
/** '00' … '59'. */
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

const offsetStrings = new Map<number, string>();
/** An offset in minutes as ±HH:MM. */
function fmtOffset(minutes: number): string {
  let text = offsetStrings.get(minutes);
  if (text === undefined) {
    const a = Math.abs(minutes);
    text = `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${TWO[a % 60]}`;
    offsetStrings.set(minutes, text);
  }
  return text;
}

// What a request would otherwise recompute for every bucket, kept once: the zone's offsets per UTC
// day (Intl, microseconds a call, hundreds of calls for 90 days) and the text of each date. Both are
// facts about the calendar that never change; the maps are emptied when they grow past a bound.
const MAX_CACHED = 100_000;
const dayOffsets = new Map<string, number | number[]>();
const dayStrings = new Map<number, string>();

/**
 * The zone's offset during a UTC day (days since the epoch): one number when it holds all day,
 * else one per hour. Offsets change at most twice a year and never twice within six hours, so
 * equal samples every six hours (and at 23:00) mean one offset all day.
 */
function offsetsOfDay(tz: string, day: number): number | number[] {
  const key = `${tz} ${day}`;
  let offsets = dayOffsets.get(key);
  if (offsets === undefined) {
    const start = day * DAY;
    const samples = [0, 6, 12, 18, 23].map((h) => offsetMinutes(tz, start + h * ROLLUP_BUCKET_MS));
    offsets = samples.every((o) => o === samples[0])
      ? samples[0]!
      : Array.from({ length: 24 }, (_, h) => offsetMinutes(tz, start + h * ROLLUP_BUCKET_MS));
    if (dayOffsets.size >= MAX_CACHED) dayOffsets.clear();
    dayOffsets.set(key, offsets);
  }
  return offsets;
}

/** YYYY-MM-DD of a day since the epoch. */
function dayString(day: number): string {
  let text = dayStrings.get(day);
  if (text === undefined) {
    text = new Date(day * DAY).toISOString().slice(0, 10);
    if (dayStrings.size >= MAX_CACHED) dayStrings.clear();
    dayStrings.set(day, text);
  }
  return text;
}

/** The zone's offset (minutes) at each of `count` hours from `first` (an hour boundary). */
export function hourlyOffsets(tz: string, first: number, count: number): number[] {
  const out = new Array<number>(count);
  if (tz === 'UTC') return out.fill(0);
  let i = 0;
  while (i < count) {
    const hour = first + i * ROLLUP_BUCKET_MS;
    const day = Math.floor(hour / DAY);
    const offsets = offsetsOfDay(tz, day);
    for (let h = Math.floor((hour - day * DAY) / ROLLUP_BUCKET_MS); h < 24 && i < count; h++, i++) {
      out[i] = typeof offsets === 'number' ? offsets : offsets[h]!;
    }
  }
  return out;
}

/** An instant as ISO 8601 in UTC, exactly as Date#toISOString writes it (hour boundaries without a Date). */
export function isoAt(at: number): string {
  const day = Math.floor(at / DAY);
  const ms = at - day * DAY;
  if (ms % ROLLUP_BUCKET_MS !== 0) return new Date(at).toISOString();
  return `${dayString(day)}T${TWO[ms / ROLLUP_BUCKET_MS]}:00:00.000Z`;
}

/**
 * The local day or week (Monday first) of a bucket starting at `hour`, offset `off` minutes, as a
 * number: days since the epoch of the local date, or weeks since the Monday before it.
 */
function periodNumber(hour: number, off: number, interval: 'day' | 'week'): number {
  const day = Math.floor((hour + off * 60_000) / DAY);
  // 1 January 1970 was a Thursday: day + 3 counts from the Monday before it.
  return interval === 'day' ? day : Math.floor((day + 3) / 7);
}

/** A series, columnar: per period its start (UTC instant), the zone's offset there and the sums. */
export interface Series {
  start: number[];
  /** Offset of the zone at start, minutes. */
  offset: number[];
  /** Per plain figure, the period sums aligned with start. */
  counts: Record<FigureCounter, number[]>;
}

/**
 * Rolls hourly figures in [from, to) into hours, local days or local weeks: one entry per period
 * touched by the range, empty periods included (a chart needs its zeros).
 */
export function rollSeries(
  hourly: HourlyFigures,
  from: number,
  to: number,
  interval: OverviewInterval,
  tz: string,
): Series {
  const first = Math.floor(from / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
  const count = Math.max(0, Math.ceil((to - first) / ROLLUP_BUCKET_MS));
  const offsets = hourlyOffsets(tz, first, count);
  const start: number[] = [];
  const offset: number[] = [];
  // The period of each hour of the range.
  const periodOf = new Int32Array(count);
  let current = Number.NaN;
  for (let i = 0; i < count; i++) {
    const hour = first + i * ROLLUP_BUCKET_MS;
    const key = interval === 'hour' ? i : periodNumber(hour, offsets[i]!, interval);
    if (key !== current) {
      current = key;
      start.push(hour);
      offset.push(offsets[i]!);
    }
    periodOf[i] = start.length - 1;
  }
  // The period of each stored hour (-1 outside the range), then one pass per figure.
  const { hours, figures } = hourly;
  const target = new Int32Array(hours.length);
  for (let j = 0; j < hours.length; j++) {
    const i = (hours[j]! - first) / ROLLUP_BUCKET_MS;
    target[j] = i >= 0 && i < count ? periodOf[i]! : -1;
  }
  const counts = {} as Record<FigureCounter, number[]>;
  for (const f of FIGURE_COUNTERS) {
    const sums = new Array<number>(start.length).fill(0);
    const values = figures[f];
    for (let j = 0; j < values.length; j++) if (target[j]! >= 0) sums[target[j]!]! += values[j]!;
    counts[f] = sums;
  }
  return { start, offset, counts };
}

/** An instant as local time with the given offset, e.g. 2026-11-02T00:30+05:30. */
export function localIsoAt(at: number, off: number): string {
  const local = at + off * 60_000;
  const day = Math.floor(local / DAY);
  const minutes = Math.floor((local - day * DAY) / 60_000);
  return `${dayString(day)}T${TWO[Math.floor(minutes / 60)]}:${TWO[minutes % 60]}${fmtOffset(off)}`;
}

/** Local midnight (as a UTC instant, hour-aligned per the rule above) of the day holding `at`. */
export function startOfLocalDay(tz: string, at: number): number {
  const off = offsetMinutes(tz, at);
  const local = new Date(at + off * 60_000);
  local.setUTCHours(0, 0, 0, 0);
  const instant = local.getTime() - off * 60_000;
  return Math.ceil(instant / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
}
