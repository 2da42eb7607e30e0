// The team's work figures for the tenant's leads (docs/audit.md, "Team figures"): per analyst and per
// day over a range of at most 92 days, in a time zone's days. The read is audited.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TeamQuality } from '@redoubt/contracts/audit';
import { TenantParams, errorResponses } from '../schemas/common.ts';
import { actorOf, principalOf, roleIn } from '../principal.ts';
import { Forbidden, InvalidInput } from '../domain/errors.ts';
import { zoneFormatter } from '../services/rollups.ts';
import type { QualityRange } from '../ports/team-quality.ts';

const DAY = 86_400_000;
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
  const tz = query.tz ?? 'UTC';
  try {
    zoneFormatter(tz);
  } catch {
    throw new InvalidInput('/querystring/tz', 'is not a known time zone');
  }
  const to = query.to === undefined ? now : Date.parse(query.to);
  const from = query.from === undefined ? to - DEFAULT_DAYS * DAY : Date.parse(query.from);
  if (Number.isNaN(to)) throw new InvalidInput('/querystring/to', 'is not a date-time');
  if (Number.isNaN(from)) throw new InvalidInput('/querystring/from', 'is not a date-time');
  if (from >= to) throw new InvalidInput('/querystring/from', 'must be before to');
  if (to - from > MAX_QUALITY_DAYS * DAY) {
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
