// The merchant overview in the API's shape (libs/contracts/src/overview.ts) and as CSV. Figures
// come from hourly rollups (services/rollups.ts); this file only shapes them.
import type { Overview, OverviewInterval, RiskyCustomer } from '@redoubt/contracts/overview';
import type { RollupBucket } from '../ports/profile-store.ts';
import type { CustomerDoc } from '../ports/search-index.ts';
import type { NetworkRisk } from '@redoubt/contracts/api';
import {
  addCounts,
  addFigureCounts,
  breakdown,
  figuresOf,
  localIsoAt,
  preventReasons,
  rollSeries,
} from '../services/rollups.ts';
import type { SeriesBucket } from '../services/rollups.ts';

export interface OverviewInput {
  tenant: string;
  from: number;
  to: number;
  interval: OverviewInterval;
  tz: string;
  current: RollupBucket[];
  previous: RollupBucket[];
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

export function toOverview(input: OverviewInput): { overview: Overview; series: SeriesBucket[] } {
  const { tenant, from, to, interval, tz } = input;
  const series = rollSeries(input.current, from, to, interval, tz);
  const total = {};
  for (const b of input.current) addCounts(total, b.counts);
  // The previous period feeds the KPI comparisons only: its plain figures.
  const previousTotal = {};
  for (const b of input.previous) addFigureCounts(previousTotal, b.counts);
  const length = to - from;
  return {
    series,
    overview: {
      tenant,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      interval,
      tz,
      series: series.map((s) => ({
        start: new Date(s.start).toISOString(),
        local: localIsoAt(s.start, s.offset),
        figures: figuresOf(s.counts),
      })),
      totals: figuresOf(total),
      previous: {
        from: new Date(from - length).toISOString(),
        to: new Date(from).toISOString(),
        totals: figuresOf(previousTotal),
      },
      byPaymentMethod: breakdown(total, 'method'),
      byCountry: breakdown(total, 'country'),
      preventReasons: preventReasons(total),
      riskiest: input.riskiest,
    },
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
  for (const b of overview.series) {
    const f = b.figures;
    const cells = [
      b.start,
      b.local,
      f.orders,
      f.orderValue,
      f.transactions,
      f.transactionValue,
      f.decisions.ALLOW,
      f.decisions.REVIEW,
      f.decisions.PREVENT,
      f.rates.ALLOW,
      f.rates.REVIEW,
      f.rates.PREVENT,
      f.preventedValue,
      f.fraudstersFound,
      f.genuine,
      f.chargebacks,
      f.chargebackValue,
    ];
    yield `${cells.map(csvCell).join(',')}\r\n`;
  }
}
