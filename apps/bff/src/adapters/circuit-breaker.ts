// A circuit breaker per store connection (used by guardStore, store-errors.ts). A dead store
// costs each request its whole timeout (pg 5 s to connect, Bigtable and Elasticsearch 10 s a
// call); after FAILURES "unavailable" failures in a row the breaker opens and every call fails at
// once with StoreUnavailable naming the store (503, Retry-After: the seconds left), without
// touching the store. The failures must also span SPAN_MS: one event failing every call in
// flight at once (all of PostgreSQL's connections terminated, which the pool replaces at once)
// is not a dead store. After the cool-down the next call goes through as the probe (a readiness
// ping is one: /api/health/ready keeps probing with no traffic) while the others still fail
// fast; its success closes the breaker, its failure opens it again. Any answer from the store
// (a row, a NotFound, a refused query) counts as alive. Thresholds: docs/faults.md.
import { StoreUnavailable } from '../domain/errors.ts';
import type { DomainError, StoreName } from '../domain/errors.ts';

export interface BreakerOptions {
  /** Consecutive unavailable failures that open the breaker... */
  failures: number;
  /** ...from the first to the last of them at least this long. */
  spanMs: number;
  /** How long an open breaker fails fast before letting a probe through. */
  coolDownMs: number;
  now: () => number;
}

export const BREAKER_DEFAULTS: BreakerOptions = {
  failures: 5,
  spanMs: 1_000,
  coolDownMs: 5_000,
  now: () => Date.now(),
};

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  readonly store: StoreName;
  readonly #options: BreakerOptions;
  #failures = 0;
  #firstFailureAt = 0;
  #openedAt: number | undefined;
  #probing = false;
  /** Times the breaker opened since start (metrics, tests). */
  opened = 0;

  constructor(store: StoreName, options: Partial<BreakerOptions> = {}) {
    this.store = store;
    this.#options = { ...BREAKER_DEFAULTS, ...options };
  }

  get state(): BreakerState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#probing || this.#options.now() - this.#openedAt >= this.#options.coolDownMs ? 'half-open' : 'open';
  }

  /** Before a call: throws StoreUnavailable while open; lets one probe through after the cool-down. */
  admit(): void {
    if (this.#openedAt === undefined) return;
    const left = this.#openedAt + this.#options.coolDownMs - this.#options.now();
    if (left > 0 || this.#probing) {
      throw new StoreUnavailable(this.store, undefined, Math.max(1, Math.ceil(left / 1000)));
    }
    this.#probing = true;
  }

  /** After a call the store answered (with rows or with a refusal). */
  succeeded(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
  }

  /** After a call that failed with `error` (already a domain error, store-errors.ts). */
  failed(error: DomainError): void {
    if (!(error instanceof StoreUnavailable)) return this.succeeded();
    const now = this.#options.now();
    if (this.#failures++ === 0) this.#firstFailureAt = now;
    const sustained = this.#failures >= this.#options.failures && now - this.#firstFailureAt >= this.#options.spanMs;
    if (this.#probing || sustained) {
      if (this.#openedAt === undefined || this.#probing) this.opened++;
      this.#openedAt = now;
      this.#probing = false;
    }
  }
}
