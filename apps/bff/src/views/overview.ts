// The merchant overview in the API's shape (libs/contracts/src/overview.ts) and as CSV. Figures
// come from hourly rollups (services/rollups.ts); this file only shapes them.
import type { Overview, OverviewInterval, RiskyCustomer } from '@redoubt/contracts/overview';
import type { Counts, HourlyFigures } from '../ports/profile-store.ts';
import type { CustomerDoc } from '../ports/search-index.ts';
import type { NetworkRisk } from '@redoubt/contracts/api';
import {
  breakdown,
  figuresOf,
  isoAt,
  localIsoAt,
  preventReasons,
  rollSeries,
  seriesFiguresOf,
} from '../services/rollups.ts';

export interface OverviewInput {
  tenant: string;
  from: number;
  to: number;
  interval: OverviewInterval;
  tz: string;
  /** The hourly plain figures of [from, to) (ProfileStore.rollupFigures). */
  hourly: HourlyFigures;
  /** Every counter of [from, to) summed (ProfileStore.rollupTotals). */
  totals: Counts;
  /** The plain figures of the previous period summed (for the KPI comparisons). */
  previousTotals: Counts;
  riskiest: { byScore: RiskyCustomer[]; byNetwork: RiskyCustomer[] };
}

/** A customer in the riskiest lists: ids, score and network figures only (no names or contact details). */
export function toRiskyCustomer(doc: CustomerDoc, risk: NetworkRisk): RiskyCustomer {
  return {
    customerId: doc.id,
    score: doc.score ?? null,
    action: doc.action ?? null,
    label: doc.label ?? null,
    hops: risk.hops,
    networkShare: risk.componentShare,
    networkRisk: risk.rank,
  };
}

export function toOverview(input: OverviewInput): Overview {
  const { tenant, from, to, interval, tz, totals } = input;
  const series = rollSeries(input.hourly, from, to, interval, tz);
  const length = to - from;
  return {
    tenant,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    interval,
    tz,
    series: {
      start: series.start.map(isoAt),
      local: series.start.map((at, i) => localIsoAt(at, series.offset[i]!)),
      ...seriesFiguresOf(series.counts),
    },
    totals: figuresOf(totals),
    previous: {
      from: new Date(from - length).toISOString(),
      to: new Date(from).toISOString(),
      totals: figuresOf(input.previousTotals),
    },
    byPaymentMethod: breakdown(totals, 'method'),
    byCountry: breakdown(totals, 'country'),
    preventReasons: preventReasons(totals),
    riskiest: input.riskiest,
  };
}

export const CSV_COLUMNS = [
  'start',
  'local',
  'orders',
  'order_value',
  'transactions',
  'transaction_value',
  'allow',
  'review',
  'prevent',
  'allow_rate',
  'review_rate',
  'prevent_rate',
  'prevented_value',
  'fraudsters_found',
  'genuine',
  'chargebacks',
  'chargeback_value',
] as const;

/**
 * One CSV cell. A text cell a spreadsheet would read as a formula (= + - @, tab, carriage return
 * first) gets a leading apostrophe; cells with a comma, quote or line break are quoted.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  if (/[",\n\r]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** The series as CSV lines (header first), one bucket at a time, for a streamed answer. */
export function* overviewCsv(overview: Overview): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  const s = overview.series;
  for (let i = 0; i < s.start.length; i++) {
    const cells = [
      s.start[i]!,
      s.local[i]!,
      s.orders[i]!,
      s.orderValue[i]!,
      s.transactions[i]!,
      s.transactionValue[i]!,
      s.decisions.ALLOW[i]!,
      s.decisions.REVIEW[i]!,
      s.decisions.PREVENT[i]!,
      s.rates.ALLOW[i] ?? null,
      s.rates.REVIEW[i] ?? null,
      s.rates.PREVENT[i] ?? null,
      s.preventedValue[i]!,
      s.fraudstersFound[i]!,
      s.genuine[i]!,
      s.chargebacks[i]!,
      s.chargebackValue[i]!,
    ];
    yield `${cells.map(csvCell).join(',')}\r\n`;
  }
}
