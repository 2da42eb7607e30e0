// The tenant audit log for its leads: a filtered page (newest first, signed cursors), the same rows
// streamed as CSV or JSON lines, and the hash chain's verification. Every read is itself audited.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AuditOutcome, AuditPage, AuditVerification } from '@redoubt/contracts/audit';
import { TenantParams, errorResponses } from '../schemas/common.ts';
import { actorOf, principalOf, roleIn } from '../principal.ts';
import { Forbidden, InvalidInput } from '../domain/errors.ts';
import type { AuditFilter, AuditReader } from '../ports/audit-log.ts';
import { auditCsv, auditJsonl } from '../views/audit.ts';

const Text = (description: string) => Type.String({ minLength: 1, maxLength: 320, description });

const FilterQuery = {
  actor: Type.Optional(Text("The actor's email, exactly")),
  action: Type.Optional(Text('An action, e.g. review.decide, note.add, audit.read')),
  customer: Type.Optional(Text('A customer id: rows about that customer')),
  outcome: Type.Optional(AuditOutcome),
  position: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'Rows at or before this chain position',
    }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'From (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'To (exclusive)' })),
};
export const AuditQuery = Type.Object(
  {
    ...FilterQuery,
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    after: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'The `next` of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
export const AuditExportQuery = Type.Object(FilterQuery, { additionalProperties: false });

type FilterQueryType = { [K in keyof AuditFilter]?: unknown };

/** The filter of a query (validated by the schema; the range checked here, naming the field). */
export function auditFilter(query: FilterQueryType): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of ['actor', 'action', 'customer', 'from', 'to'] as const) {
    const value = query[key];
    if (typeof value === 'string') filter[key] = value;
  }
  if (query.outcome === 'success' || query.outcome === 'failure') filter.outcome = query.outcome;
  if (typeof query.position === 'number') filter.position = query.position;
  if (filter.from !== undefined && filter.to !== undefined && Date.parse(filter.from) >= Date.parse(filter.to)) {
    throw new InvalidInput('/querystring/from', 'must be before to');
  }
  return filter;
}

function readerOf(request: FastifyRequest, tenant: string): AuditReader {
  const role = roleIn(principalOf(request), tenant);
  if (role !== 'lead') throw new Forbidden('AUDIT_ROLE', "Only the tenant's leads read its audit log");
  return { ...actorOf(request), role };
}

const Stream = (description: string) =>
  // A stream on the wire; described as the string it is to the client.
  Type.Unsafe<Readable>({ type: 'string', description });

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { audit } = app;

  app.get(
    '/api/tenants/:tenant/audit',
    {
      schema: {
        tags: ['audit'],
        summary: "The tenant's audit log, newest first, filtered; this read is audited too",
        params: TenantParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (request): Promise<AuditPage> => {
      const { tenant } = request.params;
      const { limit, after } = request.query;
      const reader = readerOf(request, tenant);
      return audit.list(tenant, auditFilter(request.query), after === undefined ? { limit } : { limit, after }, reader);
    },
  );

  for (const format of ['csv', 'jsonl'] as const) {
    app.get(
      `/api/tenants/:tenant/audit.${format}`,
      {
        schema: {
          tags: ['audit'],
          summary:
            format === 'csv'
              ? 'The filtered audit log as CSV, newest first, streamed; this export is audited'
              : 'The filtered audit log as JSON lines (one AuditEntry per line), newest first, streamed; this export is audited',
          params: TenantParams,
          querystring: AuditExportQuery,
          produces: [format === 'csv' ? 'text/csv' : 'application/x-ndjson'],
          response: {
            200: Stream(
              format === 'csv'
                ? 'text/csv; text cells that look like formulas (= + - @) are prefixed with an apostrophe'
                : 'application/x-ndjson',
            ),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const { tenant } = request.params;
        const filter = auditFilter(request.query);
        const rows = await audit.export(tenant, filter, format, readerOf(request, tenant));
        const day = new Date().toISOString().slice(0, 10);
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="${tenant}-audit-${day}.${format}"`)
          .send(Readable.from(format === 'csv' ? auditCsv(rows) : auditJsonl(rows)));
      },
    );
  }

  app.get(
    '/api/tenants/:tenant/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: "Walks the tenant's hash chain and its signed checkpoints; reports the first broken position",
        params: TenantParams,
        response: { 200: AuditVerification, ...errorResponses },
      },
    },
    async (request): Promise<AuditVerification> => {
      const { tenant } = request.params;
      return audit.verify(tenant, readerOf(request, tenant));
    },
  );
};
