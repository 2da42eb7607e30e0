// One error shape for every failure: { error, message, details?, current?, requestId }.
// The one place that maps domain errors (domain/errors.ts) to HTTP statuses; status texts come
// from node:http. Client mistakes (4xx) say what was wrong, naming the field; server faults never
// leak internals.
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import {
  BadCursor,
  Conflict,
  DomainError,
  Forbidden,
  InvalidInput,
  NotFound,
  Overloaded,
  PayloadTooLarge,
  RateLimited,
  StoreFailed,
  StoreUnavailable,
  Unauthenticated,
  Unprocessable,
  UnsupportedMediaType,
  VersionMismatch,
  VersionRequired,
} from '../domain/errors.ts';

type DomainErrorClass = abstract new (...args: never[]) => DomainError;

/** Status of each domain error class; subclasses (InvalidIdentity, CustomerNotFound, …) take their parent's. */
export const DOMAIN_STATUSES: ReadonlyMap<DomainErrorClass, number> = new Map<DomainErrorClass, number>([
  [InvalidInput, 400],
  [BadCursor, 400],
  [Unauthenticated, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [VersionMismatch, 412],
  [PayloadTooLarge, 413],
  [UnsupportedMediaType, 415],
  [Unprocessable, 422],
  [VersionRequired, 428],
  [RateLimited, 429],
  [StoreFailed, 502],
  [StoreUnavailable, 503],
  [Overloaded, 503],
]);

/** The status for a domain error, or undefined for a class with no entry above (answered as 500). */
export function statusOf(error: DomainError): number | undefined {
  for (const [type, status] of DOMAIN_STATUSES) if (error instanceof type) return status;
  return undefined;
}

const statusText = (status: number): string => STATUS_CODES[status] ?? 'Error';

export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
      if ('validation' in error && error.validation) {
        const details = error.validation.map((v) => {
          const missing = (v.params as { missingProperty?: string }).missingProperty;
          const extra = (v.params as { additionalProperty?: string }).additionalProperty;
          const path = `/${error.validationContext ?? 'body'}${v.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`;
          return { field: path, reason: extra ? 'is not allowed' : (v.message ?? 'is invalid') };
        });
        return reply.status(400).send({
          error: statusText(400),
          message: details.map((d) => `${d.field} ${d.reason}`).join('; '),
          details,
          requestId: request.id,
        });
      }
      let status: number;
      if (error instanceof DomainError) {
        const mapped = statusOf(error);
        if (mapped === undefined)
          request.log.error({ code: error.code }, 'domain error has no status in plugins/errors.ts');
        status = mapped ?? 500;
        if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      } else {
        // Fastify's own errors (bad JSON 400, body too large 413, unknown media type 415) carry a status.
        status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      }
      if (status >= 500) {
        // A shed request is the load shedder's decision, counted and logged there (plugins/load-shedding.ts).
        if (!(error instanceof Overloaded)) request.log.error({ err: error }, 'request failed');
        // A domain error's message is written for clients (StoreUnavailable, StoreFailed name the
        // store only); anything else may carry a driver's text and gets the generic one.
        const told = error instanceof DomainError;
        return reply.status(status).send({
          error: statusText(status),
          message: told ? error.message : 'Something went wrong on our side; quote the request id.',
          requestId: request.id,
        });
      }
      request.log.info({ code: error.code, message: error.message }, 'request rejected');
      return reply.status(status).send({
        error: statusText(status),
        message: error.message,
        ...(error instanceof DomainError && error.details ? { details: error.details } : {}),
        ...(error instanceof VersionMismatch ? { current: error.current } : {}),
        requestId: request.id,
      });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: statusText(404),
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
        requestId: request.id,
      }),
    );
  },
  { name: 'errors' },
);
