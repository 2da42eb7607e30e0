// What a store's driver throws never leaves its adapter: Elasticsearch's ResponseError (status,
// `caused_by` text, response headers), pg's DatabaseError (SQL, constraint names), gRPC errors from
// Bigtable, node:sqlite's errors. guardStore() wraps an adapter so each of its calls either
// succeeds, throws a domain error the adapter chose (BadCursor, Conflict…), or throws one of:
//   StoreUnavailable (503, Retry-After): the store did not answer or asked us to back off
//                                       (connection refused, timeout, 429, 5xx, UNAVAILABLE…);
//   StoreFailed (502): the store answered but refused the request (400, 401, 403, a bad query).
// Both name the store only; the driver's error is kept as `cause` for the server log.
// See docs/decisions/0005-tenant-isolation.md.
import { DomainError, StoreFailed, StoreUnavailable } from '../domain/errors.ts';
import type { StoreName } from '../domain/errors.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { withRetries } from './retry.ts';
import type { RetryOptions } from './retry.ts';

/** Transport errors of @elastic/transport that mean "no answer". */
const ES_UNAVAILABLE = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'RequestAbortedError']);
/** gRPC status codes (Bigtable) that mean "try again later": DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE. */
const GRPC_UNAVAILABLE = new Set([4, 8, 10, 14]);
/** SQLSTATE classes (PostgreSQL, PGlite): connection, rollback (serialization), resources, operator intervention. */
const SQL_UNAVAILABLE = ['08', '40', '53', '57'];
/** node:sqlite primary result codes: BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN. */
const SQLITE_UNAVAILABLE = new Set([5, 6, 7, 10, 13, 14]);
/** Socket-level failures. */
const NET_UNAVAILABLE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;

interface DriverError {
  name?: unknown;
  code?: unknown;
  errcode?: unknown;
  statusCode?: unknown;
  meta?: { statusCode?: unknown };
  message?: unknown;
}

/** True when the driver error means the store is (perhaps briefly) not answering. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as DriverError;
  if (typeof e.name === 'string' && ES_UNAVAILABLE.has(e.name)) return true;
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.meta?.statusCode;
  if (typeof status === 'number') return status === 429 || status >= 500;
  if (typeof e.code === 'number') return GRPC_UNAVAILABLE.has(e.code);
  if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') return SQLITE_UNAVAILABLE.has(e.errcode & 0xff);
  if (typeof e.code === 'string') {
    if (NET_UNAVAILABLE.test(e.code)) return true;
    if (/^[0-9A-Z]{5}$/.test(e.code)) return SQL_UNAVAILABLE.includes(e.code.slice(0, 2));
  }
  // pg's pool and client time-outs, closed connections and closed node:sqlite files are told by
  // their message only.
  return (
    typeof e.message === 'string' && /time(d)? ?out|terminated|not queryable|closed|not open|finalized/i.test(e.message)
  );
}

/** The domain error for anything a store call threw. */
export function storeError(store: StoreName, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return isUnavailable(error) ? new StoreUnavailable(store, error) : new StoreFailed(store, error);
}

export interface GuardOptions<T> {
  /**
   * Methods safe to repeat (reads): one that fails with StoreUnavailable while the breaker stays
   * closed is called again after a jittered backoff, within a budget (retry.ts). Writes are never
   * listed: a write that timed out may have committed.
   */
  reads?: readonly (keyof T & string)[];
  retry?: Partial<RetryOptions>;
}

/**
 * The adapter, with every method's failures turned into domain errors (see above), a circuit
 * breaker in front (circuit-breaker.ts: a dead store answers fast 503s until a probe succeeds),
 * and bounded retries of its reads (`options.reads`). Methods run on the adapter itself, so its
 * private fields keep working; getters and plain properties pass through; close() is never held back.
 */
export function guardStore<T extends object>(
  store: StoreName,
  adapter: T,
  breaker: CircuitBreaker = new CircuitBreaker(store),
  options: GuardOptions<T> = {},
): T {
  const reads = new Set<PropertyKey>(options.reads ?? []);
  // A retried read is one call to the breaker: only its last failure counts, or one dropped
  // connection would count three times towards opening it.
  const retryable = (error: unknown) => error instanceof StoreUnavailable && breaker.state === 'closed';
  const wrapped = new Map<PropertyKey, unknown>();
  /** The breaker told how the call ended, the driver's error turned into a domain error. */
  const settle = (result: unknown): unknown => {
    if (!(result instanceof Promise)) {
      breaker.succeeded();
      return result;
    }
    return result.then(
      (answer: unknown) => {
        breaker.succeeded();
        return answer;
      },
      (error: unknown) => {
        const domain = storeError(store, error);
        breaker.failed(domain);
        return Promise.reject(domain);
      },
    );
  };
  return new Proxy(adapter, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'constructor') return value;
      let guarded = wrapped.get(property);
      if (!guarded) {
        const method = value as (...args: unknown[]) => unknown;
        const passThrough = property === 'close';
        guarded = (...args: unknown[]) => {
          if (!passThrough) breaker.admit();
          if (reads.has(property)) {
            let last: DomainError | undefined;
            const attempt = async () => {
              // Other calls may have opened the breaker during the wait: then the last failure stands.
              if (last && breaker.state !== 'closed') throw last;
              try {
                return await method.apply(target, args);
              } catch (error) {
                throw (last = storeError(store, error));
              }
            };
            return settle(withRetries(attempt, retryable, options.retry));
          }
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (error) {
            const domain = storeError(store, error);
            breaker.failed(domain);
            throw domain;
          }
          return settle(result);
        };
        wrapped.set(property, guarded);
      }
      return guarded;
    },
  });
}
