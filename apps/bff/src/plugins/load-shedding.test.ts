// Load shedding (plugins/load-shedding.ts) through the app, with the loop blocked on purpose:
// past capacity new requests get a fast 503 OVERLOADED with Retry-After while the health probes
// and the requests already accepted answer; a busy loop with few requests waiting (start-up,
// the demo's seeding) sheds nothing; once the loop is free again everything is served.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { TestIdentities } from '../../test/support/identities.ts';
import { fakeApp } from '../../test/support/route-app.ts';

const SAMPLE_MS = 20;
const HOLD_MS = 300;
const MIN_IN_FLIGHT = 4;

/** Keeps the event loop busy, as a long synchronous job (a snapshot, a big batch) would. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('load shedding', () => {
  let app: FastifyInstance;
  let headers: Record<string, string>;

  before(async () => {
    let ids: TestIdentities;
    ({ app, ids } = await fakeApp({
      loadShedding: {
        sampleMs: SAMPLE_MS,
        holdMs: HOLD_MS,
        maxDelayMs: 100,
        maxUtilization: 0.8,
        minInFlight: MIN_IN_FLIGHT,
      },
    }));
    // The sampler runs while the server listens (never during start-up).
    await app.listen({ host: '127.0.0.1', port: 0 });
    headers = await ids.headers({ email: 'ana@acme.test', role: 'analyst', tenant: 'acme-shop' });
  });

  after(async () => {
    await app?.close();
  });

  const burst = (n: number) =>
    Promise.all(Array.from({ length: n }, () => app.inject({ method: 'GET', url: '/api/me', headers })));

  /** Waits until the sampler says the load is back under the thresholds. */
  const calm = async () => {
    for (let i = 0; i < 100 && app.loadShedding.state().overloaded; i++) await sleep(SAMPLE_MS);
    assert.equal(app.loadShedding.state().overloaded, false, 'still overloaded after 2 s of calm');
  };

  test('past capacity: fast 503 with Retry-After for new requests, probes and accepted requests answer', async () => {
    await calm();
    block(400);
    await sleep(SAMPLE_MS * 2); // one window sees the blocked loop
    assert.equal(app.loadShedding.state().overloaded, true);

    const [answers, live, ready] = await Promise.all([
      burst(30),
      app.inject({ method: 'GET', url: '/api/health/live' }),
      app.inject({ method: 'GET', url: '/api/health/ready' }),
    ]);
    const shed = answers.filter((a) => a.statusCode === 503);
    const served = answers.filter((a) => a.statusCode === 200);
    assert.equal(shed.length + served.length, answers.length, 'only 200 or 503');
    assert.ok(shed.length >= 20, `shed ${shed.length} of 30`);
    // The first requests found fewer than MIN_IN_FLIGHT in progress: accepted, and they finish.
    assert.ok(served.length >= MIN_IN_FLIGHT, `served ${served.length}`);
    for (const a of shed) {
      assert.equal(a.headers['retry-after'], '1');
      const body = a.json();
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'requestId']);
      assert.equal(body.error, 'Service Unavailable');
      assert.match(body.message, /over capacity/);
    }
    assert.equal(live.statusCode, 200);
    assert.equal(ready.statusCode, 200);
    assert.equal(app.loadShedding.state().inFlight, 0, 'every accepted request finished');
  });

  test('recovers: once the loop is free again every request is served', async () => {
    block(400);
    await sleep(SAMPLE_MS * 2);
    assert.equal(app.loadShedding.state().overloaded, true);
    await calm();
    const answers = await burst(30);
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      answers.map(() => 200),
    );
  });

  test('a busy loop with few requests waiting (start-up, demo seeding) sheds nothing', async () => {
    await calm();
    const before = app.loadShedding.state().shed;
    for (let round = 0; round < 3; round++) {
      block(300);
      await sleep(SAMPLE_MS * 2);
      assert.equal(app.loadShedding.state().overloaded, true);
      const answers = await burst(MIN_IN_FLIGHT - 1);
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        answers.map(() => 200),
      );
    }
    assert.equal(app.loadShedding.state().shed, before);
  });
});
