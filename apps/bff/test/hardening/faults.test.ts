// Faults against the real stores, under load (docs/faults.md): every answer during a fault is a
// success or a 503 naming the store (never a 500, never a hang); once the store is back the next
// requests work without a restart; no acknowledged write is lost and a retried one is stored once.
//   - PostgreSQL: the BFF's connections are terminated (pg_terminate_backend) again and again
//     while analysts read and write notes.
//   - Bigtable: the emulator is frozen (SIGSTOP: calls hang until their deadline, the worst case
//     for a caller) and resumed (SIGCONT) while customers are read and searched. A killed
//     emulator would come back empty (it keeps its tables in memory), so it is paused instead.
//   - Search: Elasticsearch (the real adapter and client over the client's mock transport)
//     answers 503 and refuses connections, then recovers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import type { RedoubtEvent } from '@redoubt/contracts';
import { routeApp } from '../support/route-app.ts';
import type { RouteApp } from '../support/route-app.ts';
import { ingestApp } from '../support/ingest-app.ts';
import type { IngestApp } from '../support/ingest-app.ts';
import { freshPostgresDatabase, needs, postgresReachable, testDatabaseUrl } from '../support/backends.ts';
import { CBTEMULATOR, bigtableEmulatorAvailable, startBigtableEmulator } from '../support/bigtable-emulator.ts';
import { openPostgres } from '../../src/db/database.ts';
import { BigtableProfileStore } from '../../src/adapters/profile-store/bigtable-profile-store.ts';
import { ElasticsearchSearchIndex } from '../../src/adapters/search-index/elasticsearch-search-index.ts';

const require = createRequire(import.meta.url);
const Mock = require('@elastic/elasticsearch-mock') as typeof import('@elastic/elasticsearch-mock').default;
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');

const T = '/api/tenants/acme-shop';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
const EVENTS: RedoubtEvent[] = [
  { eventId: 'c1', customerId: 'ann', timestamp: at(0), type: 'customer', customer: { name: 'Ann Archer' } },
  { eventId: 'c2', customerId: 'bob', timestamp: at(1), type: 'customer', customer: { name: 'Bob Baker' } },
  { eventId: 'd1', customerId: 'ann', timestamp: at(2), type: 'device', device: { deviceId: 'dev-1' } },
  { eventId: 'd2', customerId: 'bob', timestamp: at(3), type: 'device', device: { deviceId: 'dev-1' } },
];
const lines = (events: RedoubtEvent[]) => events.map((value, i) => ({ line: i + 1, value }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: string;
  retryAfter: string | undefined;
  ms: number;
}

/** The answer during a fault: a success, or a 503 naming `store` with Retry-After. */
function assertDegraded(answer: Answer, store: string, ok: number[], what: string): void {
  if (ok.includes(answer.status)) return;
  assert.equal(answer.status, 503, `${what}: ${answer.status} ${answer.body.slice(0, 300)}`);
  assert.match(answer.body, new RegExp(`The ${store} store is unavailable`), `${what}: ${answer.body}`);
  assert.ok(Number(answer.retryAfter) >= 1, `${what}: Retry-After ${answer.retryAfter}`);
}

/**
 * Resolves once the process is stopped (state T): a signal takes effect when the process is next
 * scheduled, and on a loaded machine a request sent at once was seen answered by the emulator.
 */
async function stopped(pid: number): Promise<void> {
  while (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'T') await sleep(5);
}

/** Polls until `request` answers `status` (the store is back and the breaker has probed it). */
async function recovers(request: () => Promise<Answer>, status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await request();
    if (answer.status === status) return Date.now() - started;
    if (Date.now() - started > withinMs)
      assert.fail(`not recovered in ${withinMs} ms: ${answer.status} ${answer.body.slice(0, 200)}`);
    await sleep(250);
  }
}

describe(
  'faults: PostgreSQL connections terminated during reads and writes',
  needs('PostgreSQL', await postgresReachable(), 'TEST_DATABASE_URL'),
  () => {
    let t: RouteApp;
    let database: string;
    let analyst: Record<string, string>;
    let lead: Record<string, string>;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });

    before(async () => {
      const high = 1_000_000;
      t = await routeApp({
        prefix: 'redoubt-faults-',
        // Five callers in a tight loop are well past an analyst's per-minute budget.
        limits: { readsPerMinute: high, writesPerMinute: high },
        open: async () => {
          const fresh = await freshPostgresDatabase('redoubt_faults');
          database = new URL(fresh.url).pathname.slice(1);
          return { db: await openPostgres(fresh.url), drop: fresh.drop };
        },
      });
      await t.app.ingest.ingest('acme-shop', lines(EVENTS));
      analyst = await t.headers({ email: 'ana@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
      lead = await t.headers({ email: 'lea@redoubt.test', role: 'lead', tenant: 'acme-shop' });
      await admin.connect();
    });
    after(async () => {
      await admin.end();
      await t?.close();
    });

    const send = async (method: 'GET' | 'POST', url: string, headers = analyst, payload?: object) => {
      const started = performance.now();
      const res = await t.app.inject({ method, url, headers, ...(payload && { payload }) });
      return {
        status: res.statusCode,
        body: res.body,
        retryAfter: res.headers['retry-after'] as string | undefined,
        ms: performance.now() - started,
      };
    };
    /** Terminates every connection of the BFF's pool to the test database. */
    const terminate = async () =>
      (
        await admin.query<{ n: string }>(
          `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
           WHERE datname = $1 AND application_name = 'redoubt-bff' AND pid <> pg_backend_pid()`,
          [database],
        )
      ).rows[0]!.n;

    it('reads and writes succeed or answer 503 naming the store; nothing acknowledged is lost; a retry stores once', async () => {
      const acknowledged = new Set<string>();
      const failed = new Map<string, string>();
      const statuses: Record<number, number> = {};
      let running = true;
      let terminated = 0;
      const count = (a: Answer) => (statuses[a.status] = (statuses[a.status] ?? 0) + 1);

      const reader = async () => {
        while (running) {
          const a = await send('GET', `${T}/customers/ann/notes?limit=200`);
          count(a);
          assertDegraded(a, 'reviews', [200], 'read notes');
          // A client backs off on a 503 (Retry-After; shorter here to keep the test short).
          if (a.status === 503) await sleep(50);
        }
      };
      const writer = async (n: number) => {
        for (let i = 0; running && i < 40; i++) {
          const id = randomUUID();
          const body = `note ${n}-${i}`;
          const a = await send('POST', `${T}/customers/ann/notes`, analyst, { id, body });
          count(a);
          assertDegraded(a, 'reviews', [201], 'write a note');
          if (a.status === 201) acknowledged.add(id);
          else {
            failed.set(id, body);
            await sleep(50);
          }
        }
      };
      const killer = async () => {
        for (let i = 0; i < 12; i++) {
          await sleep(150);
          terminated += Number(await terminate());
        }
        running = false;
      };
      await Promise.all([reader(), reader(), writer(1), writer(2), writer(3), killer()]);
      assert.ok(terminated >= 3, `connections terminated: ${terminated}`);
      assert.ok((statuses[503] ?? 0) > 0, `the fault was seen: ${JSON.stringify(statuses)}`);
      assert.ok(acknowledged.size > 0, `writes acknowledged during the fault: ${JSON.stringify(statuses)}`);

      // Back without a restart (the breaker lets a probe through after its cool-down).
      const ms = await recovers(() => send('GET', `${T}/customers/ann/notes?limit=200`), 200, 10_000);
      // A failed write may have committed before its connection died: resending it is safe.
      for (const [id, body] of failed) {
        const a = await send('POST', `${T}/customers/ann/notes`, analyst, { id, body });
        assert.ok([200, 201].includes(a.status), `resend ${id}: ${a.status} ${a.body}`);
      }
      const notes = (
        JSON.parse((await send('GET', `${T}/customers/ann/notes?limit=200`)).body) as {
          notes: { id: string }[];
        }
      ).notes.map((n) => n.id);
      for (const id of acknowledged) assert.ok(notes.includes(id), `acknowledged note ${id} lost`);
      assert.equal(new Set(notes).size, notes.length, 'no note twice');
      assert.equal(notes.length, acknowledged.size + failed.size);
      // The audit chain took no half-written row.
      const verify = await send('GET', `${T}/audit/verify`, lead);
      assert.equal(verify.status, 200, verify.body);
      assert.equal((JSON.parse(verify.body) as { ok: boolean }).ok, true, verify.body);
      console.log(
        `postgres: terminated ${terminated} connections; answers ${JSON.stringify(statuses)}; recovered in ${ms} ms; ` +
          `${acknowledged.size} acknowledged, ${failed.size} resent`,
      );
    });
  },
);

describe(
  'faults: the Bigtable emulator stops and resumes during reads, then is killed and restarted',
  needs('Bigtable emulator', bigtableEmulatorAvailable(), `install ${CBTEMULATOR}`),
  () => {
    let emulator: Awaited<ReturnType<typeof startBigtableEmulator>>;
    let profiles: BigtableProfileStore;
    let t: IngestApp;
    let analyst: Record<string, string>;

    before(async () => {
      emulator = await startBigtableEmulator({ own: true });
      // A short deadline keeps the test short; production's is 10 s (bigtable-profile-store.ts).
      profiles = await BigtableProfileStore.open({
        projectId: 'faults',
        instanceId: 'faults',
        emulatorHost: emulator.host,
        timeoutMs: 2_000,
      });
      t = await ingestApp(['acme-shop'], { services: { profiles } });
      await t.ingest('acme-shop', EVENTS);
      analyst = await t.analyst('acme-shop');
    });
    after(async () => {
      emulator?.process?.kill('SIGCONT');
      await t?.close();
      await profiles?.close();
      await emulator?.stop();
    });

    const get = async (url: string): Promise<Answer> => {
      const started = performance.now();
      const res = await t.app.inject({ method: 'GET', url, headers: analyst });
      return {
        status: res.statusCode,
        body: res.body,
        retryAfter: res.headers['retry-after'] as string | undefined,
        ms: performance.now() - started,
      };
    };

    it('answers 503 naming the profiles store (fast once the breaker is open), searches flagged partial, and recovers', async () => {
      assert.equal((await get(`${T}/customers/ann`)).status, 200);
      emulator.process!.kill('SIGSTOP');
      await stopped(emulator.process!.pid!);
      try {
        // Two rounds of calls that each wait out their deadline: failures over more than a second.
        for (let round = 0; round < 2; round++) {
          const during = await Promise.all(Array.from({ length: 4 }, () => get(`${T}/customers/ann`)));
          for (const a of during) assertDegraded(a, 'profiles', [], 'profile while Bigtable is stopped');
        }
        // The breaker is open: the next ones do not wait for a deadline.
        const fast = await get(`${T}/customers/bob`);
        assertDegraded(fast, 'profiles', [], 'profile with the breaker open');
        assert.ok(fast.ms < 200, `fast 503 in ${fast.ms.toFixed(0)} ms`);
        // Search answers from the index, flagged partial: the profile columns are missing.
        const search = await get(`${T}/customers/search?q=dev-1`);
        assert.equal(search.status, 200, search.body);
        const body = JSON.parse(search.body) as { partial: boolean; hits: { id: string }[] };
        assert.equal(body.partial, true);
        assert.deepEqual(body.hits.map((h) => h.id).sort(), ['ann', 'bob']);
      } finally {
        emulator.process!.kill('SIGCONT');
      }
      const ms = await recovers(() => get(`${T}/customers/ann`), 200, 15_000);
      const search = JSON.parse((await get(`${T}/customers/search?q=dev-1`)).body) as { partial: boolean };
      assert.equal(search.partial, false);
      console.log(`bigtable: recovered in ${ms} ms after SIGCONT`);
    });

    it('killed: reads answer 503 naming the profiles store, writes fail with 503; restarted on the same port: serves and writes again', async () => {
      const post = async (event: RedoubtEvent): Promise<Answer> => {
        const started = performance.now();
        const res = await t.app.inject({
          method: 'POST',
          url: `${T}/events`,
          headers: { ...(await t.service()), 'content-type': 'application/json' },
          payload: event,
        });
        return {
          status: res.statusCode,
          body: res.body,
          retryAfter: res.headers['retry-after'] as string | undefined,
          ms: performance.now() - started,
        };
      };
      const device = (n: number): RedoubtEvent => ({
        eventId: `k${n}`,
        customerId: 'ann',
        timestamp: at(10 + n),
        type: 'device',
        device: { deviceId: `dev-k${n}` },
      });
      assert.equal((await get(`${T}/customers/ann`)).status, 200);
      const { port } = emulator;
      const exited = new Promise((resolve) => emulator.process!.once('exit', resolve));
      emulator.process!.kill('SIGKILL');
      await exited;
      // The client retries refused connections until the deadline (2 s here): two rounds of calls
      // that each wait it out, so the breaker opens and the next calls fail at once.
      for (let round = 0; round < 2; round++) {
        const [reads, writes] = await Promise.all([
          Promise.all([0, 1, 2].map(() => get(`${T}/customers/ann`))),
          Promise.all([0, 1].map((i) => post(device(round * 2 + i)))),
        ]);
        for (const a of reads) assertDegraded(a, 'profiles', [], 'profile while Bigtable is down');
        // An ingest batch fails whole, saying it was not stored and may be resent.
        for (const w of writes) {
          assert.equal(w.status, 503, w.body);
          assert.match(w.body, /not recorded as stored/);
        }
      }
      const fast = await get(`${T}/customers/ann`);
      assertDegraded(fast, 'profiles', [], 'profile with the breaker open');
      assert.ok(fast.ms < 200, `fast 503 in ${fast.ms.toFixed(0)} ms`);

      // The same address again. The emulator kept its tables in memory: it comes back empty, so
      // they are provisioned again (Terraform's job in production, where a restart loses nothing).
      emulator = await startBigtableEmulator({ own: true, port });
      const provision = await BigtableProfileStore.open({
        projectId: 'faults',
        instanceId: 'faults',
        emulatorHost: emulator.host,
      });
      await provision.close();
      // The BFF's own client reconnects and its breaker probes the store back: no restart.
      const ms = await recovers(() => post(device(9)), 200, 20_000);
      const profile = await get(`${T}/customers/ann`);
      assert.equal(profile.status, 200, profile.body);
      // What the emulator lost is lost: ann's row holds only what was written since the restart.
      const body = JSON.parse(profile.body) as { identifiers: Record<string, string[]> };
      assert.deepEqual(body.identifiers.device, ['dev-k9']);
      console.log(`bigtable: writes answered again ${ms} ms after the emulator restarted`);
    });
  },
);

describe('faults: search fails and recovers (Elasticsearch adapter over the mock transport)', () => {
  let t: IngestApp;
  let analyst: Record<string, string>;
  const mock = new Mock();
  let mode: 'up' | 'unavailable' | 'refused' = 'up';
  let searches = 0;

  before(async () => {
    mock.add({ method: 'HEAD', path: '/customers' }, () => '');
    mock.add({ method: 'GET', path: '/customers/_mapping' }, () => ({
      customers: {
        mappings: {
          properties: { nameTerms: { type: 'keyword' }, suggestTerms: {}, identifiersByKind: {} },
        },
      },
    }));
    mock.add({ method: 'POST', path: '/customers/_search' }, () => {
      searches++;
      if (mode === 'unavailable')
        return new errors.ResponseError({ body: {}, statusCode: 503, headers: {}, warnings: null, meta: {} as never });
      if (mode === 'refused') return new errors.ConnectionError('connect ECONNREFUSED 10.0.0.9:9200');
      return { hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: {} };
    });
    const searchIndex = await ElasticsearchSearchIndex.open({
      node: 'http://es.test:9200',
      client: { Connection: mock.getConnection() as never, maxRetries: 0 },
    });
    t = await ingestApp(['acme-shop'], { services: { searchIndex } });
    analyst = await t.analyst('acme-shop');
  });
  after(() => t?.close());

  const search = async (): Promise<Answer> => {
    const started = performance.now();
    const res = await t.app.inject({ method: 'GET', url: `${T}/customers/search?q=ann`, headers: analyst });
    return {
      status: res.statusCode,
      body: res.body,
      retryAfter: res.headers['retry-after'] as string | undefined,
      ms: performance.now() - started,
    };
  };

  it('answers 503 naming the search store, stops calling it once the breaker opens, and recovers', async () => {
    assert.equal((await search()).status, 200);
    for (const failure of ['unavailable', 'refused'] as const) {
      mode = failure;
      const before = searches;
      let spared = 0;
      // 25 searches over 1.5 s or more: the breaker opens once failures have lasted a second. Each
      // search is tried up to 3 times while the breaker is closed (a read, adapters/retry.ts).
      for (let i = 0; i < 25; i++) {
        const calls = searches;
        assertDegraded(await search(), 'search', [], `search while ${failure}`);
        if (searches === calls) spared++;
        await sleep(60);
      }
      const reached = searches - before;
      assert.ok(reached >= 5, `the store was called: ${reached} calls`);
      assert.ok(spared >= 5, `the open breaker spared the store: ${spared} of 25 searches did not call it`);
      mode = 'up';
      const ms = await recovers(search, 200, 10_000);
      console.log(`search (${failure}): recovered in ${ms} ms`);
    }
  });
});
