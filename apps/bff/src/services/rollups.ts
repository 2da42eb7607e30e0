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

/**
 * What one event adds to its hour's rollup, given the customer row after the event was applied
 * (customer-events.ts applyEvent): the country and payment method types come from that row.
 * Counter names: plain figures, `method.<type>.<figure>`, `country.<CC>.<figure>`, `reason.<rule>`.
 */
export function countsOf(event: RedoubtEvent, record: CustomerRecord): Counts | undefined {
  const country = record.country ?? UNKNOWN;
  switch (event.type) {
    case 'order': {
      const c = event.order.shippingAddress?.country ?? country;
      return {
        orders: 1,
        orderValue: event.order.price,
        [`country.${c}.orders`]: 1,
        [`country.${c}.orderValue`]: event.order.price,
      };
    }
    case 'transaction': {
      const t = event.transaction;
      const method = record.methods?.[t.instrumentId] ?? UNKNOWN;
      if (t.type === 'chargeback') {
        return {
          chargebacks: 1,
          chargebackValue: t.amount,
          [`method.${method}.chargebacks`]: 1,
          [`country.${country}.chargebacks`]: 1,
        };
      }
      if (t.type === 'refund') return undefined;
      return {
        transactions: 1,
        transactionValue: t.amount,
        [`method.${method}.transactions`]: 1,
        [`method.${method}.transactionValue`]: t.amount,
        [`country.${country}.transactions`]: 1,
        [`country.${country}.transactionValue`]: t.amount,
      };
    }
    case 'score': {
      const { action, rules } = event.score;
      const counts: Counts = { [action]: 1 };
      if (action === 'PREVENT') {
        // The value a PREVENT stops: the customer's latest order, as of the decision.
        counts.preventedValue = record.lastOrderValue ?? 0;
        counts[`country.${country}.prevented`] = 1;
        for (const rule of rules ?? []) counts[`reason.${rule.name}`] = (counts[`reason.${rule.name}`] ?? 0) + 1;
      }
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

function fmtOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * The zone's offset at each of `count` hours from `first`. Intl is slow (microseconds a call) and
 * offsets change at most twice a year, never twice within six hours: ask every sixth hour and
 * fill between equal samples, asking hour by hour only around a change.
 */
export function hourlyOffsets(tz: string, first: number, count: number): number[] {
  const out = new Array<number>(count);
  if (tz === 'UTC') return out.fill(0);
  const STEP = 6;
  let left = offsetMinutes(tz, first);
  for (let i = 0; i < count; i += STEP) {
    const j = Math.min(i + STEP, count - 1);
    const right = j > i ? offsetMinutes(tz, first + j * ROLLUP_BUCKET_MS) : left;
    for (let k = i; k < i + STEP && k < count; k++) {
      out[k] = left === right ? left : offsetMinutes(tz, first + k * ROLLUP_BUCKET_MS);
    }
    left = right;
  }
  return out;
}

const DAY = 86_400_000;

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
  const counts = {} as Record<FigureCounter, number[]>;
  for (const f of FIGURE_COUNTERS) counts[f] = new Array<number>(start.length).fill(0);
  const { hours, figures } = hourly;
  for (let j = 0; j < hours.length; j++) {
    const i = (hours[j]! - first) / ROLLUP_BUCKET_MS;
    if (i < 0 || i >= count) continue;
    const p = periodOf[i]!;
    for (const f of FIGURE_COUNTERS) counts[f][p]! += figures[f][j]!;
  }
  return { start, offset, counts };
}

/** An instant as local time with the given offset, e.g. 2026-11-02T00:30+05:30. */
export function localIsoAt(at: number, off: number): string {
  return `${new Date(at + off * 60_000).toISOString().slice(0, 16)}${fmtOffset(off)}`;
}

/** Local midnight (as a UTC instant, hour-aligned per the rule above) of the day holding `at`. */
export function startOfLocalDay(tz: string, at: number): number {
  const off = offsetMinutes(tz, at);
  const local = new Date(at + off * 60_000);
  local.setUTCHours(0, 0, 0, 0);
  const instant = local.getTime() - off * 60_000;
  return Math.ceil(instant / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
}
