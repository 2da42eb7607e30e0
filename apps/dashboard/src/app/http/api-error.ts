import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError } from '@redoubt/contracts/api';

/**
 * The sentence to show a person for a failed request: the server's own `message` when it sent one
 * (with its request id, so support can find the log line), otherwise what went wrong on the wire.
 */
export function errorMessage(error: unknown): string {
  const response = asHttpError(error);
  if (!response) return error instanceof Error ? error.message : 'Something went wrong';
  const body = response.error as Partial<ApiError> | null;
  if (body && typeof body === 'object' && typeof body.message === 'string') {
    return body.requestId ? `${body.message} (request ${body.requestId})` : body.message;
  }
  if (response.status === 0) return 'Cannot reach the Redoubt server';
  return `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

/** The HTTP status of a failed request, or undefined when it never reached the server. */
export function errorStatus(error: unknown): number | undefined {
  return asHttpError(error)?.status || undefined;
}

// Resources wrap non-Error failures; HttpErrorResponse may arrive directly or as the cause.
function asHttpError(error: unknown): HttpErrorResponse | undefined {
  if (error instanceof HttpErrorResponse) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof HttpErrorResponse ? cause : undefined;
}
