// The circuit breaker behind guardStore: opens after consecutive unavailable failures, fails fast
// naming the store with Retry-After, lets one probe through after the cool-down, closes on its
// success. The store's fakes throw the errors real drivers throw (a refused connection).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFound, StoreFailed, StoreUnavailable } from '../domain/errors.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { guardStore } from './store-errors.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    return error;
  }
}

function store(clock: { t: number }) {
  const state = { down: true, calls: 0 };
  const adapter = {
    async read(): Promise<string> {
      state.calls++;
      if (state.down) throw refused();
      return 'row';
    },
    async missing(): Promise<never> {
      state.calls++;
      throw new NotFound('No such row');
    },
    async refused(): Promise<never> {
      state.calls++;
      throw Object.assign(new Error('syntax error at or near "FROM"'), { code: '42601' });
    },
    closed: false,
    async close() {
      this.closed = true;
    },
  };
  const breaker = new CircuitBreaker('profiles', { failures: 3, spanMs: 1_000, coolDownMs: 5_000, now: () => clock.t });
  return { state, breaker, guarded: guardStore('profiles', adapter, breaker), adapter };
}

/** Three failures over a second: a store that stays down. */
async function failThrice(guarded: { read(): Promise<string> }, clock: { t: number }) {
  for (let i = 0; i < 3; i++) {
    await outcome(() => guarded.read());
    if (i < 2) clock.t += 500;
  }
}

describe('circuit breaker', () => {
  it('opens after consecutive unavailable failures and then answers at once without calling the store', async () => {
    const clock = { t: 0 };
    const { state, breaker, guarded } = store(clock);
    for (let i = 0; i < 3; i++) assert.ok((await outcome(() => guarded.read())) instanceof StoreUnavailable);
    assert.equal(breaker.state, 'closed', 'failures at one instant (one event) do not open it');
    clock.t += 1_000;
    assert.ok((await outcome(() => guarded.read())) instanceof StoreUnavailable);
    assert.equal(state.calls, 4);
    assert.equal(breaker.state, 'open');
    clock.t += 1_200;
    const fast = await outcome(() => guarded.read());
    assert.ok(fast instanceof StoreUnavailable);
    assert.equal(fast.store, 'profiles');
    assert.match(fast.message, /profiles store is unavailable/);
    assert.equal(fast.retryAfterSeconds, 4, 'Retry-After: the cool-down left, rounded up');
    assert.equal(state.calls, 4, 'the open breaker did not call the store');
    assert.equal(breaker.opened, 1);
  });

  it('lets one probe through after the cool-down: failure reopens, success closes', async () => {
    const clock = { t: 0 };
    const { state, breaker, guarded } = store(clock);
    await failThrice(guarded, clock);
    clock.t += 5_000;
    const probe = outcome(() => guarded.read());
    // While the probe is out, everyone else still fails fast.
    assert.ok((await outcome(() => guarded.read())) instanceof StoreUnavailable);
    assert.ok((await probe) instanceof StoreUnavailable);
    assert.equal(state.calls, 4, 'only the probe reached the store');
    assert.equal(breaker.state, 'open', 'a failed probe reopens');
    assert.equal(breaker.opened, 2);
    state.down = false;
    clock.t += 4_000;
    assert.ok((await outcome(() => guarded.read())) instanceof StoreUnavailable, 'still cooling down');
    clock.t += 1_000;
    assert.equal(await guarded.read(), 'row');
    assert.equal(breaker.state, 'closed');
    assert.equal(await guarded.read(), 'row');
  });

  it('counts any answer of the store as alive, and never holds back close()', async () => {
    const clock = { t: 0 };
    const { breaker, guarded, adapter } = store(clock);
    for (let round = 0; round < 3; round++) {
      await outcome(() => guarded.read());
      clock.t += 1_000;
      await outcome(() => guarded.read());
      assert.ok((await outcome(() => guarded.missing())) instanceof NotFound);
      assert.ok((await outcome(() => guarded.refused())) instanceof StoreFailed);
    }
    assert.equal(breaker.state, 'closed', 'never three unavailable failures in a row');
    await failThrice(guarded, clock);
    assert.equal(breaker.state, 'open');
    await guarded.close();
    assert.equal(adapter.closed, true);
  });
});
