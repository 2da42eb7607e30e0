// Load shedding (plugins/load-shedding.ts) through the app, with the loop blocked on purpose:
// past capacity new requests get a fast 503 OVERLOADED with Retry-After while the health probes
// and the requests already accepted answer; a busy loop with few requests waiting (start-up,
// the demo's seeding) sheds nothing; once the loop is free again everything is served. Then over
// real sockets (test/support/busy-server.ts): many clients against a route that burns the CPU
// synchronously, with and without shedding, side by side.
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { LoadSheddingOptions, LoadState } from './load-shedding.ts';
import type { TestIdentities } from '../../test/support/identities.ts';
import { fakeApp } from '../../test/support/route-app.ts';

const SAMPLE_MS = 20;
const HOLD_MS = 300;
const MIN_WAITING = 4;

/** Keeps the event loop busy, as a long synchronous job (a snapshot, a big batch) would. */
function block(ms: number): void {
  const warm = performance.now() + 1_000;
  const until = warm + ms;
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
        minWaiting: MIN_WAITING,
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
    // The first requests found fewer than MIN_WAITING in progress: accepted, and they finish.
    assert.ok(served.length >= MIN_WAITING, `served ${served.length}`);
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
      const answers = await burst(MIN_WAITING - 1);
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        answers.map(() => 200),
      );
    }
    assert.equal(app.loadShedding.state().shed, before);
  });
});

/** A busy server in a worker thread (test/support/busy-server.ts). */
async function busyServer(workMs: number, shedding: Partial<LoadSheddingOptions>) {
  const worker = new Worker(new URL('../../test/support/busy-server.ts', import.meta.url), {
    workerData: { workMs, shedding },
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    base: `http://127.0.0.1:${port}`,
    state: () =>
      new Promise<LoadState>((resolve) => {
        worker.once('message', (m: { state: LoadState }) => resolve(m.state));
        worker.postMessage('state');
      }),
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/**
 * `clients` closed-loop clients on their own keep-alive connections for 1 s of warm-up then `ms`,
 * and a liveness probe every 100 ms: the latencies of the requests answered after the warm-up
 * (the first backlog is accepted before a window has measured it), the shed count, and the
 * probes' statuses. node:http rather than fetch: the clients share the machine with the server
 * and must cost it little.
 */
async function drive(base: string, clients: number, ms: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 1 });
  const get = (path: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(`${base}${path}`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response));
        })
        .on('error', reject);
    });
  const served: number[] = [];
  const other: number[] = [];
  const probes: number[] = [];
  let shed = 0;
  let retryAfter: string | undefined;
  const warm = performance.now() + 1_000;
  const until = warm + ms;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      const response = await get('/work');
      if (response.statusCode === 200) {
        if (started > warm) served.push(performance.now() - started);
      } else if (response.statusCode === 503) {
        shed++;
        retryAfter = response.headers['retry-after'];
        await sleep(10); // a short pause, so the test's own clients stay cheap
      } else other.push(response.statusCode!);
    }
  };
  const probe = async () => {
    while (performance.now() < until) {
      probes.push((await get('/api/health/live')).statusCode!);
      await sleep(100);
    }
  };
  await Promise.all([...Array.from({ length: clients }, client), probe()]);
  agent.destroy();
  const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;
  return { served: served.length, servedP99: Math.round(p99(served)), shed, other, probes, retryAfter };
}

describe('load shedding past capacity over HTTP (a synchronous route, many clients)', () => {
  // 64 clients against a route taking 10 ms of CPU: ~640 ms of work waiting in the sockets at any
  // time. Thresholds as the defaults, but sampled and held more often to fit a short test.
  const CLIENTS = 64;
  const WORK_MS = 10;
  const shedding = { sampleMs: 50, holdMs: 500, minWaiting: 4 };

  test('sheds with 503 and Retry-After, keeps the accepted latency bounded, and probes answer', async () => {
    const withShedding = await busyServer(WORK_MS, shedding);
    const without = await busyServer(WORK_MS, { ...shedding, maxUtilization: 2 });
    try {
      const off = await drive(without.base, CLIENTS, 2_000);
      const on = await drive(withShedding.base, CLIENTS, 2_000);
      const figures = JSON.stringify({
        on: { ...on, probes: on.probes.length },
        off: { ...off, probes: off.probes.length },
      });
      assert.deepEqual([...on.other, ...off.other], [], figures);
      // Without shedding every request waits behind the whole backlog (~CLIENTS × WORK_MS).
      assert.equal(off.shed, 0, figures);
      assert.ok(off.servedP99 >= (CLIENTS * WORK_MS) / 2, figures);
      // With it, a turn of the loop serves at most minWaiting requests: the rest get a fast 503.
      assert.ok(on.shed > 0, figures);
      assert.equal(on.retryAfter, '1', figures);
      assert.ok(on.served > 0, figures);
      assert.ok(on.servedP99 <= off.servedP99 / 2, figures);
      assert.ok(on.probes.length > 0 && on.probes.every((s) => s === 200), figures);
      assert.equal((await withShedding.state()).shed, on.shed, figures);
    } finally {
      await withShedding.close();
      await without.close();
    }
  });
});
