// One error shape for every failure: { error, message, details?, requestId }.
// Client mistakes (4xx) say what was wrong, naming the field; server faults never leak internals.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';

export interface FieldError {
  /** JSON pointer into the request part, e.g. /body/note or /query/size. */
  field: string;
  reason: string;
}

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(
    statusCode: number,
    code: string,
    message: string,
    details?: FieldError[],
    headers?: Record<string, string>,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export default fp(
  async (app) => {
    app.setErrorHandler(
      (error: FastifyError & { details?: FieldError[]; headers?: Record<string, string> }, request, reply) => {
        if (error.validation) {
          const details = error.validation.map((v) => {
            const missing = (v.params as { missingProperty?: string }).missingProperty;
            const extra = (v.params as { additionalProperty?: string }).additionalProperty;
            const path = `/${error.validationContext ?? 'body'}${v.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`;
            return { field: path, reason: extra ? 'is not allowed' : (v.message ?? 'is invalid') };
          });
          return reply.status(400).send({
            error: 'Bad Request',
            message: details.map((d) => `${d.field} ${d.reason}`).join('; '),
            details,
            requestId: request.id,
          });
        }
        const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
        if (error.headers) reply.headers(error.headers);
        if (status >= 500) {
          request.log.error({ err: error }, 'request failed');
          return reply.status(status).send({
            error: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
            message: status === 503 ? error.message : 'Something went wrong on our side; quote the request id.',
            requestId: request.id,
          });
        }
        request.log.info({ code: error.code, message: error.message }, 'request rejected');
        return reply.status(status).send({
          error: reasons[status] ?? 'Error',
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
          requestId: request.id,
        });
      },
    );
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: 'Not Found',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
        requestId: request.id,
      }),
    );
  },
  { name: 'errors' },
);
