// The team's work figures for the tenant's leads (docs/audit.md, "Team figures"): per analyst and per
// day over a range of at most 92 days, in a time zone's days. The read is audited.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TeamQuality } from '@redoubt/contracts/audit';
import { TenantParams, errorResponses } from '../schemas/common.ts';
import { actorOf, principalOf, roleIn } from '../principal.ts';
import { Forbidden, InvalidInput } from '../domain/errors.ts';
import { DAY_MS, timeRange } from '../schemas/time-range.ts';
import type { QualityRange } from '../ports/team-quality.ts';

/** Longest range: a quarter of daily figures per analyst. */
export const MAX_QUALITY_DAYS = 92;
const DEFAULT_DAYS = 7;

export const QualityQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start (inclusive); default: 7 days before to' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive); default: now' })),
    tz: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_+/-]+$',
        description: 'IANA time zone whose days the figures are counted in; default UTC',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The range of a query; every refusal names its field. */
export function qualityRange(query: { from?: string; to?: string; tz?: string }, now = Date.now()): QualityRange {
  const { from, to, tz } = timeRange(query, DEFAULT_DAYS, now);
  if (to - from > MAX_QUALITY_DAYS * DAY_MS) {
    throw new InvalidInput('/querystring/to', `is more than ${MAX_QUALITY_DAYS} days after from`);
  }
  return { from, to, tz };
}

export const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tenants/:tenant/quality',
    {
      schema: {
        tags: ['audit'],
        summary:
          "The team's figures per analyst and per day: decisions, time from queue to decision (median, p90), " +
          'lapsed claims, labels overturned by someone else, agreement on customers reviewed twice; audited',
        params: TenantParams,
        querystring: QualityQuery,
        response: { 200: TeamQuality, ...errorResponses },
      },
    },
    async (request): Promise<TeamQuality> => {
      const { tenant } = request.params;
      // The access table lets only the tenant's leads in (access.ts); said again where the data is read.
      const role = roleIn(principalOf(request), tenant);
      if (role !== 'lead') throw new Forbidden('AUDIT_ROLE', "Only the tenant's leads read its team figures");
      return app.quality.figures(tenant, qualityRange(request.query), { ...actorOf(request), role });
    },
  );
};
