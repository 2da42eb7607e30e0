// The merchant overview (GET /api/tenants/:tenant/overview): figures counted at ingest into hourly
// rollups (docs/rollups.md), summed here into the merchant's own days and weeks.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Action, Label } from '@redoubt/contracts/api';

export const OVERVIEW_INTERVALS = ['hour', 'day', 'week'] as const;
export const OverviewInterval = Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')]);
export type OverviewInterval = Static<typeof OverviewInterval>;

const Count = Type.Integer({ minimum: 0 });
const Money = Type.Integer({ description: 'Minor units (cents), summed across currencies as sent' });
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description: 'Share 0..1; null when there is nothing to divide by',
});

/** The figures of one bucket, or of a whole period. */
export const OverviewFigures = Type.Object({
  orders: Count,
  orderValue: Money,
  transactions: Count,
  transactionValue: Money,
  decisions: Type.Object({ ALLOW: Count, REVIEW: Count, PREVENT: Count }),
  rates: Type.Object({ ALLOW: Rate, REVIEW: Rate, PREVENT: Rate }),
  preventedValue: Money,
  fraudstersFound: Count,
  genuine: Count,
  /** FRAUDSTER labels among FRAUDSTER + GENUINE labels. */
  fraudRate: Rate,
  chargebacks: Count,
  chargebackValue: Money,
});
export type OverviewFigures = Static<typeof OverviewFigures>;

/**
 * The series, columnar: one array per figure, entry i of each belonging to the bucket that starts
 * at start[i] (local[i] in the requested time zone). The same figures as OverviewFigures.
 */
export const OverviewSeries = Type.Object({
  /** Start of each bucket (UTC instant). */
  start: Type.Array(Type.String({ format: 'date-time' })),
  /** The same starts in the requested time zone, e.g. 2026-11-02T00:00+05:30. */
  local: Type.Array(Type.String()),
  orders: Type.Array(Count),
  orderValue: Type.Array(Money),
  transactions: Type.Array(Count),
  transactionValue: Type.Array(Money),
  decisions: Type.Object({ ALLOW: Type.Array(Count), REVIEW: Type.Array(Count), PREVENT: Type.Array(Count) }),
  rates: Type.Object({ ALLOW: Type.Array(Rate), REVIEW: Type.Array(Rate), PREVENT: Type.Array(Rate) }),
  preventedValue: Type.Array(Money),
  fraudstersFound: Type.Array(Count),
  genuine: Type.Array(Count),
  fraudRate: Type.Array(Rate),
  chargebacks: Type.Array(Count),
  chargebackValue: Type.Array(Money),
});
export type OverviewSeries = Static<typeof OverviewSeries>;

export const Breakdown = Type.Object({
  key: Type.String(),
  transactions: Count,
  transactionValue: Money,
  orders: Count,
  orderValue: Money,
  prevented: Count,
  chargebacks: Count,
});
export type Breakdown = Static<typeof Breakdown>;

export const RiskyCustomer = Type.Object({
  customerId: Type.String(),
  score: Type.Union([Type.Number(), Type.Null()]),
  action: Type.Union([Action, Type.Null()]),
  label: Type.Union([Label, Type.Null()]),
  /** Links to the nearest FRAUDSTER; null when none within reach. */
  hops: Type.Union([Type.Integer(), Type.Null()]),
  /** Share of FRAUDSTERs in the customer's network. */
  networkShare: Type.Number(),
  /** 0..1, higher is riskier. */
  networkRisk: Type.Number(),
});
export type RiskyCustomer = Static<typeof RiskyCustomer>;

export const Overview = Type.Object({
  tenant: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  interval: OverviewInterval,
  tz: Type.String(),
  series: OverviewSeries,
  totals: OverviewFigures,
  previous: Type.Object({
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    totals: OverviewFigures,
  }),
  byPaymentMethod: Type.Array(Breakdown),
  byCountry: Type.Array(Breakdown),
  /** Rules behind PREVENT decisions, most frequent first. */
  preventReasons: Type.Array(Type.Object({ reason: Type.String(), count: Count })),
  riskiest: Type.Object({
    byScore: Type.Array(RiskyCustomer),
    byNetwork: Type.Array(RiskyCustomer),
  }),
});
export type Overview = Static<typeof Overview>;
