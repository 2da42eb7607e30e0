// Domain errors: what went wrong, in the domain's words. Adapters, services and plugins throw
// these; they never pick HTTP statuses. plugins/errors.ts is the one place that maps each class
// to a status and to the one error shape ({ error, message, details?, requestId }).
// Declare each error once here; add a class (and its status in plugins/errors.ts) rather than
// reusing one with a new meaning.

export interface FieldError {
  /** JSON pointer into the request part, e.g. /body/note or /query/after. */
  field: string;
  reason: string;
}

export abstract class DomainError extends Error {
  /** Stable machine-readable code that clients may switch on, e.g. BAD_CURSOR. */
  abstract readonly code: string;
  readonly details: FieldError[] | undefined;
  /** Seconds the client should wait before retrying (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: { details?: FieldError[]; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

// 400: the request is malformed; details name the field.
export class InvalidInput extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(field: string, reason: string, message = `${field} ${reason}`) {
    super(message, { details: [{ field, reason }] });
  }
}

export class BadCursor extends DomainError {
  readonly code = 'BAD_CURSOR';
  constructor(field: string) {
    super('The cursor is not one this server issued', { details: [{ field, reason: 'is not a valid cursor' }] });
  }
}

// 401
export class Unauthenticated extends DomainError {
  readonly code: string = 'UNAUTHENTICATED';
  constructor(message = 'Sign-in required') {
    super(message);
  }
}

export class InvalidIdentity extends Unauthenticated {
  override readonly code = 'INVALID_IDENTITY';
}

// 403: the caller is known but may not do this. `code` says which rule refused it.
/** Every rule that can refuse a known caller, listed once. */
export type ForbiddenCode =
  | 'FORBIDDEN'
  | 'NO_ACCESS_RULE'
  | 'NOT_PROVISIONED'
  | 'NOT_TENANT_ADMIN'
  | 'CROSS_ORIGIN'
  | 'XSRF_TOKEN_MISSING'
  | 'XSRF_TOKEN_INVALID'
  | 'HOST_NOT_ALLOWED'
  | 'NOT_YOUR_CLAIM'
  | 'REVIEW_ROLE'
  | 'AUDIT_ROLE';

export class Forbidden extends DomainError {
  readonly code: ForbiddenCode;
  constructor(code: ForbiddenCode, message: string) {
    super(message);
    this.code = code;
  }
}

// 404
export class NotFound extends DomainError {
  readonly code: string = 'NOT_FOUND';
  constructor(message = 'Not found', options: { details?: FieldError[] } = {}) {
    super(message, options);
  }
}

export class CustomerNotFound extends NotFound {
  override readonly code = 'CUSTOMER_NOT_FOUND';
  readonly tenant: string;
  readonly customerId: string;
  constructor(tenant: string, customerId: string) {
    super(`No customer "${customerId}" in tenant "${tenant}"`);
    this.tenant = tenant;
    this.customerId = customerId;
  }
}

/** Two customers exist but no chain of shared identifiers links them (within the depth asked). */
export class PathNotFound extends NotFound {
  override readonly code = 'NO_PATH';
  constructor(from: string, to: string) {
    super(`No chain of shared identifiers links "${from}" and "${to}"`);
  }
}

/** No customer with that label is reachable from the customer (within the depth and node budget asked). */
export class NearestLabelNotFound extends NotFound {
  override readonly code = 'NO_PATH';
  constructor(from: string, label: string, maxDepth: number) {
    super(`No ${label} within ${maxDepth} hops of "${from}"`);
  }
}

export class TenantNotFound extends NotFound {
  override readonly code = 'TENANT_NOT_FOUND';
  readonly tenant: string;
  /** field: where the request named the tenant (e.g. /params/tenant), reported in details. */
  constructor(tenant: string, field?: string) {
    super(`No tenant "${tenant}"`, field ? { details: [{ field, reason: 'is not a known tenant' }] } : {});
    this.tenant = tenant;
  }
}

// 409: the request conflicts with what is stored (e.g. an id reused with another body).
/** Every way a write can conflict with what is stored, listed once. */
export type ConflictCode =
  | 'NOTE_ID_TAKEN'
  | 'SAVED_SEARCH_ID_TAKEN'
  | 'KIND_MISMATCH'
  | 'PLATFORM_ADMIN_HOLDS_NO_TENANT_ROLE'
  | 'SELF_CHANGE'
  | 'UNDO_REFUSED'
  | 'INVALID_TRANSITION';

export class Conflict extends DomainError {
  readonly code: ConflictCode;
  constructor(code: ConflictCode, message: string, details?: FieldError[]) {
    super(message, details ? { details } : {});
    this.code = code;
  }
}

// 412 / 428: optimistic concurrency (If-Match).
export class VersionMismatch extends DomainError {
  readonly code = 'VERSION_MISMATCH';
  /** What the client needs to show what changed (sent as the body's `current`). */
  readonly current: unknown;
  constructor(message: string, current: unknown) {
    super(message);
    this.current = current;
  }
}

export class VersionRequired extends DomainError {
  readonly code = 'VERSION_REQUIRED';
  constructor(message = 'Send If-Match with the version you last read') {
    super(message);
  }
}

// 413 / 415
export class PayloadTooLarge extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export class UnsupportedMediaType extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

// 422: understood, well-formed, but not acceptable (e.g. an Idempotency-Key reused with another body).
/** Every well-formed request that cannot be acted on, listed once. */
export type UnprocessableCode = 'IDEMPOTENCY_KEY_REUSED' | 'REASON_REQUIRED' | 'ASSIGNEE_REQUIRED';

export class Unprocessable extends DomainError {
  readonly code: UnprocessableCode;
  constructor(code: UnprocessableCode, message: string, details?: FieldError[]) {
    super(message, details ? { details } : {});
    this.code = code;
  }
}

// 429
export class RateLimited extends DomainError {
  readonly code = 'RATE_LIMITED';
}

// 503: a backing store did not answer. The message names the store, never the driver's text.
// 'identity-keys': IAP's signing keys; 'ingest': one of the stores an ingest batch writes to;
// 'feed': the change feed between replicas (ports/change-feed.ts).
export type StoreName =
  'search' | 'profiles' | 'reviews' | 'directory' | 'graph' | 'audit' | 'identity-keys' | 'ingest' | 'feed';

export class StoreUnavailable extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly store: StoreName;
  constructor(
    store: StoreName,
    cause?: unknown,
    retryAfterSeconds = 5,
    message = `The ${store} store is unavailable; try again shortly`,
  ) {
    super(message, { cause, retryAfterSeconds });
    this.store = store;
  }
}

// 502: a backing store answered, but refused or failed this request in a way a retry will not
// fix (a rejected query, bad credentials). Like StoreUnavailable, it names the store only: the
// driver's message, status and headers stay in the server log (the error's cause).
export class StoreFailed extends DomainError {
  readonly code = 'STORE_FAILED';
  readonly store: StoreName;
  constructor(store: StoreName, cause?: unknown) {
    super(`The ${store} store could not answer this request`, { cause });
    this.store = store;
  }
}

// 503: the server is shedding load or shutting down.
export class Overloaded extends DomainError {
  readonly code = 'OVERLOADED';
}
