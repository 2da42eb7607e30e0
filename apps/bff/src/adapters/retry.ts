// Bounded retries with backoff for store calls that are safe to repeat (idempotent reads), used by
// guardStore (store-errors.ts) for the methods each adapter lists as reads. Only "unavailable"
// failures are retried (a refused query would be refused again); each wait is a random share of an
// exponential step ("full jitter", so callers that failed together do not come back together);
// and no retry starts once RETRY_DEFAULTS.budgetMs has passed since the first attempt, so a call
// that waited out its store's deadline (5-15 s) is not repeated and a request stays far under the
// route's 30 s (app.ts requestTimeout). Thresholds: docs/faults.md.

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait's upper bound; doubles each time... */
  baseMs: number;
  /** ...up to this. */
  maxMs: number;
  /** No retry starts later than this after the first attempt began. */
  budgetMs: number;
  /** A number in [0, 1) (Math.random; tests pass their own). */
  random: () => number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const RETRY_DEFAULTS: RetryOptions = {
  attempts: 3,
  baseMs: 50,
  maxMs: 400,
  budgetMs: 2_000,
  random: Math.random,
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The wait before retry number `retry` (1, 2, …): uniform in [0, min(maxMs, baseMs·2^(retry-1))). */
export function backoffMs(retry: number, options: Pick<RetryOptions, 'baseMs' | 'maxMs' | 'random'>): number {
  return Math.floor(options.random() * Math.min(options.maxMs, options.baseMs * 2 ** (retry - 1)));
}

/**
 * `call()`, called again after a jittered wait while it fails with an error `retryable` accepts,
 * at most `attempts` times in all and only while the budget lasts; the last error otherwise.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  const o = { ...RETRY_DEFAULTS, ...options };
  const started = o.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= o.attempts || !retryable(error)) throw error;
      const wait = backoffMs(attempt, o);
      if (o.now() - started + wait > o.budgetMs) throw error;
      await o.sleep(wait);
    }
  }
}
