// Bounded retries with backoff (retry.ts) and guardStore's use of them: reads listed as safe to
// repeat are retried on "unavailable" failures only, within the attempts and the budget, never
// while the circuit breaker is open; writes are never retried.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoreFailed, StoreUnavailable } from '../domain/errors.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { guardStore } from './store-errors.ts';
import { backoffMs, withRetries } from './retry.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const badQuery = () => Object.assign(new Error('syntax error at or near "x"'), { code: '42601' });

/** A fake clock: sleeping moves it on, so budgets are exact and the test does not wait. */
function clock() {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
    advance: (ms: number) => (t += ms),
  };
}

class Store {
  reads = 0;
  writes = 0;
  failures = 0;
  error: () => Error = refused;
  async read(): Promise<string> {
    this.reads++;
    if (this.failures-- > 0) throw this.error();
    return 'rows';
  }
  async write(): Promise<void> {
    this.writes++;
    if (this.failures-- > 0) throw this.error();
  }
}

describe('retries', () => {
  it('waits a random share of a doubling step, capped', () => {
    const options = { baseMs: 50, maxMs: 400, random: () => 0.999 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffMs(n, options)),
      [49, 99, 199, 399, 399],
    );
    assert.equal(backoffMs(3, { ...options, random: () => 0 }), 0);
  });

  it('retries a read that fails as unavailable, and gives up after the attempts', async () => {
    const c = clock();
    const store = new Store();
    const guarded = guardStore('reviews', store, new CircuitBreaker('reviews', { now: c.now }), {
      reads: ['read'],
      retry: { now: c.now, sleep: c.sleep, random: () => 0.5 },
    });
    store.failures = 2;
    assert.equal(await guarded.read(), 'rows');
    assert.equal(store.reads, 3);
    assert.deepEqual(c.waits, [25, 50]);

    store.failures = 5;
    await assert.rejects(guarded.read(), StoreUnavailable);
    assert.equal(store.reads, 6, 'three attempts in all');
  });

  it('never retries a write, a refused query, or past the budget', async () => {
    const c = clock();
    const store = new Store();
    const guarded = guardStore('reviews', store, new CircuitBreaker('reviews', { now: c.now }), {
      reads: ['read'],
      retry: { now: c.now, sleep: c.sleep, random: () => 0.5 },
    });
    store.failures = 1;
    await assert.rejects(guarded.write(), StoreUnavailable);
    assert.equal(store.writes, 1, 'a write that failed may have committed: not repeated');

    store.failures = 1;
    store.error = badQuery;
    await assert.rejects(guarded.read(), StoreFailed);
    assert.equal(store.reads, 1, 'the store answered: asking again gets the same refusal');

    // A call that waited out a deadline has spent the budget: its failure is final.
    store.error = refused;
    store.failures = 1;
    const slow = withRetries(
      async () => {
        c.advance(2_000);
        return store.read();
      },
      () => true,
      { now: c.now, sleep: c.sleep },
    );
    await assert.rejects(slow, /ECONNREFUSED/);
    assert.equal(store.reads, 2);
  });

  it('counts a retried read once towards the breaker, and stops retrying when other calls open it', async () => {
    const c = clock();
    const store = new Store();
    const breaker = new CircuitBreaker('reviews', { failures: 2, spanMs: 0, now: c.now });
    const guarded = guardStore('reviews', store, breaker, {
      reads: ['read'],
      retry: { now: c.now, sleep: c.sleep, random: () => 0.5 },
    });
    store.failures = 100;
    await assert.rejects(guarded.read(), StoreUnavailable);
    assert.equal(store.reads, 3);
    assert.equal(breaker.state, 'closed', 'three attempts, one failed call');

    // While this read waits to retry, other calls fail and open the breaker: no further attempt.
    const other = guardStore('reviews', new Store(), breaker);
    const opening = guardStore('reviews', store, breaker, {
      reads: ['read'],
      retry: {
        now: c.now,
        random: () => 0.5,
        sleep: async (ms) => {
          await c.sleep(ms);
          breaker.failed(new StoreUnavailable('reviews'));
        },
      },
    });
    await assert.rejects(opening.read(), StoreUnavailable);
    assert.equal(store.reads, 4, 'the breaker opened during the wait');
    assert.equal(breaker.state, 'open');
    await assert.rejects(async () => other.read(), StoreUnavailable);
    assert.equal(store.reads, 4, 'an open breaker does not call the store');
  });
});
