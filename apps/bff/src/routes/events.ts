// POST /api/tenants/:tenant/events: one event (application/json) or an NDJSON batch of up to
// 10,000 (application/x-ndjson). Every bad line gets an error naming its line, the field (JSON
// pointer) and the reason; the good lines are stored. Resending stores nothing twice.
// Who may call it (service principals only) is the auth plugin's rule, not this file's.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IngestError, IngestReport, MAX_BATCH_EVENTS, MAX_LISTED_ERRORS } from '@redoubt/contracts';
import { ErrorBody, TenantParams, errorResponses } from '../schemas/common.ts';
import { InvalidInput, PayloadTooLarge, StoreUnavailable, TenantNotFound } from '../domain/errors.ts';
import type { BatchLine } from '../services/ingest.ts';
import { tenantDirectory } from '../services/tenants.ts';
import { parseNdjson } from '../services/ingest.ts';

/** Every line of the batch was rejected: the report plus the usual error fields. */
const IngestRejection = Type.Object({
  ...ErrorBody.properties,
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  errors: Type.Array(IngestError, { maxItems: MAX_LISTED_ERRORS }),
  omittedErrors: Type.Optional(Type.Integer({ minimum: 1 })),
});

/**
 * Largest ingest body: an NDJSON batch of 10,000 events fits. Every other route keeps the 64 KiB
 * default of app.ts BODY_LIMIT.
 */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;

export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { ingest } = app;
  // True when the tenant exists (the tenants table); events for others are refused.
  const tenantExists = tenantDirectory(app.reviews);
  // NDJSON arrives as text; it is split and parsed line by line so errors can name the line.
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/tenants/:tenant/events',
    {
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags: ['events'],
        summary: 'Ingest one event (JSON) or a batch (NDJSON, up to 10,000 lines)',
        description:
          'Events are customer, order, transaction, paymentMethod, device, login, label and score (schemas Event.*). ' +
          'Idempotent by eventId. 200: at least one line was stored or already known; 400: every line was rejected.',
        params: TenantParams,
        body: {
          content: {
            'application/json': {
              schema: Type.Union([
                Type.Object({}, { additionalProperties: true, description: 'One event' }),
                Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_EVENTS, description: 'A batch as a JSON array' }),
              ]),
            },
            'application/x-ndjson': {
              schema: Type.String({ description: 'One event per line' }),
            },
          },
        },
        // 400: every line rejected (the report), or a request refused before any line was read (the one
        // error shape: a bad tenant, an empty or malformed body), which has no report to send.
        response: {
          ...errorResponses,
          200: IngestReport,
          400: Type.Union([IngestRejection, ErrorBody]),
          413: ErrorBody,
          415: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      if (!(await tenantExists(tenant))) {
        throw new TenantNotFound(tenant, '/params/tenant');
      }
      const body = request.body as unknown;
      const lines: BatchLine[] =
        typeof body === 'string'
          ? parseNdjson(body)
          : Array.isArray(body)
            ? body.map((value, i) => ({ line: i + 1, value }))
            : [{ line: 1, value: body }];
      if (lines.length === 0) {
        throw new InvalidInput('/body', 'is empty', 'The body holds no events');
      }
      if (lines.length > MAX_BATCH_EVENTS) {
        throw new PayloadTooLarge(
          `A batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${lines.length}. Split it.`,
        );
      }
      let report;
      try {
        report = await ingest.ingest(tenant, lines);
      } catch (error) {
        // A store failed mid-batch: the batch was not recorded as stored (see services/ingest.ts),
        // so the sender's retry is the repair.
        request.log.error({ err: error }, 'ingestion failed');
        throw new StoreUnavailable(
          'ingest',
          error,
          5,
          'A store is unavailable; this batch was not recorded as stored. Resend it (event ids make that safe).',
        );
      }
      // A batch of 10,000 bad lines must not become a multi-megabyte answer: list the first
      // MAX_LISTED_ERRORS errors and count the rest.
      const listed = report.errors.slice(0, MAX_LISTED_ERRORS);
      const omitted = report.errors.length - listed.length;
      const capped = { ...report, errors: listed, ...(omitted > 0 && { omittedErrors: omitted }) };
      if (report.accepted + report.duplicates > 0) return capped;
      const first = report.errors[0]!;
      return reply.status(400).send({
        error: 'Bad Request',
        message:
          `All ${report.rejected} event(s) were rejected; first: line ${first.line} ${first.field} ${first.reason}` +
          (omitted > 0 ? ` (${listed.length} errors listed, ${omitted} more not listed)` : ''),
        details: listed.map((e) => ({ field: e.field, reason: `line ${e.line}: ${e.reason}` })),
        requestId: request.id,
        ...capped,
      });
    },
  );
};
