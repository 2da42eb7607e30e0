// The merchant overview: figures over time from the hourly rollups (never from events), the
// previous period of the same length, and the riskiest customers now. Merchants of the tenant and
// staff (access.ts); the CSV is the same series, streamed.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OVERVIEW_INTERVALS, Overview, OverviewInterval } from '@redoubt/contracts/overview';
import type { RiskyCustomer } from '@redoubt/contracts/overview';
import { TenantParams, errorResponses } from '../schemas/common.ts';
import { InvalidInput } from '../domain/errors.ts';
import { networkRisk } from '../services/reviews.ts';
import { DAY_MS, timeRange } from '../schemas/time-range.ts';
import { overviewCsv, toOverview, toRiskyCustomer } from '../views/overview.ts';

/** Longest range per interval: hourly series stay a few thousand points (90 days = 2,160). */
export const MAX_RANGE_DAYS: Record<OverviewInterval, number> = { hour: 92, day: 400, week: 800 };
const DEFAULT_DAYS = 7;
/** Customers in each riskiest list; network risk is ranked among the top scores. */
const RISKIEST = 10;
const NETWORK_CANDIDATES = 50;

export const OverviewQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start (inclusive); default: 7 days before to' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive); default: now' })),
    interval: Type.Optional(OverviewInterval),
    tz: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_+/-]+$',
        description: 'IANA time zone whose days and weeks the series follows; default UTC',
      }),
    ),
  },
  { additionalProperties: false },
);
// `interval` is checked here too: the CSV route's typed query sees it as unknown (its stream reply).
type OverviewQueryType = { from?: string; to?: string; interval?: unknown; tz?: string };
const isInterval = (value: unknown): value is OverviewInterval =>
  (OVERVIEW_INTERVALS as readonly unknown[]).includes(value);

/** Parses and checks the range; every refusal names its field. */
export function overviewRange(query: OverviewQueryType, now = Date.now()) {
  const interval = query.interval ?? 'day';
  if (!isInterval(interval)) throw new InvalidInput('/querystring/interval', 'must be hour, day or week');
  const { from, to, tz } = timeRange(query, DEFAULT_DAYS, now);
  const max = MAX_RANGE_DAYS[interval];
  if (to - from > max * DAY_MS) {
    throw new InvalidInput(
      '/querystring/to',
      `is more than ${max} days after from (the limit for interval=${interval})`,
    );
  }
  return { from, to, interval, tz };
}

export const overviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { profiles, searchIndex: search, graphs } = app;

  const build = async (tenant: string, query: OverviewQueryType) => {
    const { from, to, interval, tz } = overviewRange(query);
    const length = to - from;
    // The series reads the hourly plain figures only; breakdowns and reasons come summed (whole
    // days from day rows where the store keeps them); the previous period is its plain totals.
    const [hourly, totals, previousTotals, top] = await Promise.all([
      profiles.rollupFigures(tenant, from, to),
      profiles.rollupTotals(tenant, from, to),
      profiles.rollupTotals(tenant, from - length, from, { figuresOnly: true }),
      search.search(tenant, { sort: 'score', size: NETWORK_CANDIDATES }),
    ]);
    const graph = graphs.get(tenant);
    const ranked: RiskyCustomer[] = top.hits.map((h) => toRiskyCustomer(h.doc, networkRisk(graph, h.doc.id)));
    const byNetwork = ranked
      .filter((r) => r.networkRisk > 0)
      .sort((a, b) => b.networkRisk - a.networkRisk || (b.score ?? 0) - (a.score ?? 0))
      .slice(0, RISKIEST);
    return toOverview({
      tenant,
      from,
      to,
      interval,
      tz,
      hourly,
      totals,
      previousTotals,
      riskiest: { byScore: ranked.slice(0, RISKIEST), byNetwork },
    });
  };

  app.get(
    '/api/tenants/:tenant/overview',
    {
      schema: {
        tags: ['overview'],
        summary: "The merchant's figures over time, against the previous period, and the riskiest customers now",
        params: TenantParams,
        querystring: OverviewQuery,
        response: { 200: Overview, ...errorResponses },
      },
    },
    async (request): Promise<Overview> => build(request.params.tenant, request.query),
  );

  app.get(
    '/api/tenants/:tenant/overview.csv',
    {
      schema: {
        tags: ['overview'],
        summary: 'The overview series as CSV (one row per bucket), streamed',
        params: TenantParams,
        querystring: OverviewQuery,
        produces: ['text/csv'],
        response: {
          // A stream on the wire; described as the string it is to the client.
          200: Type.Unsafe<Readable>({
            type: 'string',
            description: 'text/csv; text cells that look like formulas are prefixed with an apostrophe',
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const overview = await build(tenant, request.query);
      const day = overview.from.slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${tenant}-overview-${day}-${overview.interval}.csv"`)
        .send(Readable.from(overviewCsv(overview)));
    },
  );
};
