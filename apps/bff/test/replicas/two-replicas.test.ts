// Two BFF replicas as one (issue 17, docs/scale-out.md): two buildApp() instances in this process,
// each with its own graph snapshot folder and its own Pub/Sub subscription, on one PostgreSQL
// database, the Bigtable emulator and Google's Pub/Sub emulator. Search is one embedded index
// shared by both (no Elasticsearch server can run on this machine). Events ingested through A show
// in B's network and live stream; presence crosses; a review on B reaches A's queue, graph and
// live stream; B closed and started again while A ingests catches up with nothing missing or
// doubled.
// Needs PostgreSQL and both emulators: skipped locally when one is missing, a failure in strict mode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { RedoubtEvent } from '@redoubt/contracts';
import { buildApp } from '../../src/app.ts';
import { SqliteSearchIndex } from '../../src/adapters/search-index/sqlite-search-index.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { openDatabase, migrate } from '../../src/db/database.ts';
import type { Config } from '../../src/config.ts';
import { baseConfig } from '../auth/fake-services.ts';
import { testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { freshPostgresDatabase, needs, postgresReachable } from '../support/backends.ts';
import { RAISED_LIMITS } from '../support/route-app.ts';
import { bigtableEmulatorAvailable, startBigtableEmulator } from '../support/bigtable-emulator.ts';
import { pubsubEmulatorAvailable, startPubSubEmulator } from '../support/pubsub-emulator.ts';

const TENANT = 'acme-shop';
const T = `/api/tenants/${TENANT}`;

const requirements = [
  needs('PostgreSQL', await postgresReachable(), 'TEST_DATABASE_URL or a local server'),
  needs('the Bigtable emulator', bigtableEmulatorAvailable(), 'BIGTABLE_EMULATOR_HOST or cbtemulator'),
  needs('the Pub/Sub emulator', pubsubEmulatorAvailable(), 'PUBSUB_EMULATOR_HOST or cloud-pubsub-emulator'),
];
const skip = requirements.find((r) => r.skip)?.skip;

const now = () => new Date().toISOString();
const customerEvent = (id: string, email: string): RedoubtEvent => ({
  eventId: `${id}-customer-${email}`,
  type: 'customer',
  customerId: id,
  timestamp: now(),
  customer: { name: id, email, country: 'GB' },
});
const scoreEvent = (id: string, score: number, action: 'ALLOW' | 'REVIEW' | 'PREVENT'): RedoubtEvent => ({
  eventId: `${id}-score-${score}`,
  type: 'score',
  customerId: id,
  timestamp: now(),
  score: { score, action, source: 'model' },
});

/** A server-sent-events reader over real HTTP. */
class Stream {
  readonly events: { type: string; customerId?: string; label?: string; viewers?: string[] }[] = [];
  readonly #controller = new AbortController();
  static async open(app: FastifyInstance, query: string, headers: Record<string, string>): Promise<Stream> {
    const { port } = app.server.address() as AddressInfo;
    const stream = new Stream();
    const response = await fetch(`http://127.0.0.1:${port}/api/live?${query}`, {
      headers,
      signal: stream.#controller.signal,
    });
    assert.equal(response.status, 200, await (response.status === 200 ? '' : response.text()));
    void stream.#read(response.body!);
    return stream;
  }
  async #read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data:'));
          buffer = buffer.slice(end + 2);
          if (data) this.events.push(JSON.parse(data.slice(5)));
        }
      }
    } catch {
      // aborted
    }
  }
  close() {
    this.#controller.abort();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('two BFF replicas on PostgreSQL, Bigtable and Pub/Sub', { skip }, () => {
  let ids: TestIdentities;
  let pg: { url: string; drop: () => Promise<void> };
  let bigtable: { host: string; stop: () => Promise<void> };
  let pubsub: { host: string; stop: () => Promise<void> };
  let search: SqliteSearchIndex;
  let root: string;
  const run = randomBytes(3).toString('hex');
  const open: FastifyInstance[] = [];

  const replica = async (name: 'a' | 'b'): Promise<FastifyInstance> => {
    const config: Config = {
      ...ids.configure({ ...(baseConfig as Config), dataDir: join(root, name) }),
      databaseUrl: pg.url,
      bigtable: { projectId: 'redoubt-test', instanceId: `replicas-${run}`, emulatorHost: bigtable.host },
      pubsub: { projectId: 'redoubt-test', topic: `changes-${run}`, emulatorHost: pubsub.host, replica: name },
    };
    const app = await buildApp({
      config,
      services: { users: ids.directory, searchIndex: search },
      // A sends batches as fast as they are answered while B closes and restarts (closing waits for
      // the live stream's socket, up to ~10 s): the per-principal write limit is not what this tests.
      auth: { ...ids.auth, limits: RAISED_LIMITS },
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    open.push(app);
    return app;
  };
  const ingest = async (app: FastifyInstance, events: RedoubtEvent[]) => {
    const res = await app.inject({
      method: 'POST',
      url: `${T}/events`,
      headers: {
        ...(await ids.headers({ email: 'bot@merchant.test', role: 'service', tenant: [TENANT] })),
        'content-type': 'application/x-ndjson',
      },
      payload: events.map((e) => JSON.stringify(e)).join('\n'),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { accepted: number };
  };
  const analyst = () => ids.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: TENANT });
  const colleague = () => ids.headers({ email: 'ben@redoubt.test', role: 'analyst', tenant: TENANT });
  const network = async (app: FastifyInstance, id: string) => {
    const res = await app.inject({ url: `${T}/customers/${id}/network?depth=2`, headers: await analyst() });
    return res.statusCode === 200 ? (res.json() as { nodes: { id: string; label?: string }[] }) : undefined;
  };

  before(async () => {
    ids = await testIdentities();
    pg = await freshPostgresDatabase('redoubt_replicas');
    [bigtable, pubsub] = await Promise.all([startBigtableEmulator(), startPubSubEmulator()]);
    root = await mkdtemp(join(tmpdir(), 'redoubt-replicas-'));
    search = new SqliteSearchIndex(join(root, 'search.db'));
    const db = await openDatabase({ ...(baseConfig as Config), databaseUrl: pg.url });
    await migrate(db);
    await new SqlReviewStore(db).ensureTenant(TENANT, 'Acme Shop');
    await db.close();
  });
  after(async () => {
    for (const app of open) await app.close().catch(() => undefined);
    await search?.close();
    await Promise.all([bigtable?.stop(), pubsub?.stop()]);
    await pg?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("events ingested through A appear in B's network and live stream; a review on B reaches A", async () => {
    const a = await replica('a');
    const b = await replica('b');
    for (const app of [a, b]) {
      const ready = await app.inject({ url: '/api/health/ready' });
      assert.equal(ready.statusCode, 200, ready.body);
      assert.ok(
        ready.json().checks.some((c: { name: string; status: string }) => c.name === 'feed' && c.status === 'up'),
      );
    }
    await ingest(a, [customerEvent('ann', 'ann@x.test')]);
    await until("ann in B's network", () => network(b, 'ann'));
    const onB = await Stream.open(b, `tenant=${TENANT}&watch=ann`, await colleague());
    const onA = await Stream.open(a, `tenant=${TENANT}&watch=ann`, await analyst());
    try {
      // Presence crosses replicas: each analyst sees the other, open on the other replica.
      const sees = (s: Stream, email: string) =>
        s.events.some((e) => e.type === 'presence' && e.customerId === 'ann' && e.viewers?.includes(email));
      await until('ben on B sees ann on A', () => sees(onB, 'ann@redoubt.test'));
      await until('ann on A sees ben on B', () => sees(onA, 'ben@redoubt.test'));
      // Bob shares Ann's email: a new link into the network B's analyst watches.
      await ingest(a, [customerEvent('bob', 'ann@x.test'), scoreEvent('bob', 70, 'REVIEW')]);
      const onBNetwork = await until("bob in B's network of ann", async () =>
        (await network(b, 'ann'))?.nodes.some((n) => n.id === 'c:bob'),
      );
      assert.equal(onBNetwork, true);
      await until("the link on B's stream", () => onB.events.some((e) => e.type === 'link' && e.customerId === 'bob'));

      // Bob is in the queue (score says REVIEW); an analyst on B decides him.
      const history = await b.inject({ url: `${T}/customers/bob/reviews`, headers: await analyst() });
      assert.equal(history.statusCode, 200, history.body);
      const decided = await b.inject({
        method: 'POST',
        url: `${T}/customers/bob/reviews`,
        headers: {
          ...(await analyst()),
          'if-match': history.headers['etag'] as string,
          'idempotency-key': `r-${run}`,
          'content-type': 'application/json',
        },
        payload: { action: 'PREVENT', label: 'FRAUDSTER', reason: 'linked-to-fraud' },
      });
      assert.equal(decided.statusCode, 201, decided.body);
      await until("the review on A's stream", () =>
        onA.events.some((e) => e.type === 'review' && e.customerId === 'bob'),
      );
      const bobOnA = (await network(a, 'ann'))?.nodes.find((n) => n.id === 'c:bob');
      assert.equal(bobOnA?.label, 'FRAUDSTER');
      const queueOnA = await a.inject({ url: `${T}/queue`, headers: await analyst() });
      assert.equal(queueOnA.statusCode, 200, queueOnA.body);
      assert.ok(!JSON.stringify(queueOnA.json()).includes('"bob"'), 'decided: out of the open queue on A too');
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('B closed and started again while A ingests catches up with nothing missing or doubled', async () => {
    const a = open[0]!;
    let b = open[1]!;
    let sending = true;
    let sent = 0;
    const sender = (async () => {
      for (let batch = 0; sending && batch < 400; batch++) {
        const events: RedoubtEvent[] = [];
        for (let i = 0; i < 20; i++) {
          const id = `k${batch}-${i}`;
          // Every fifth customer shares a device-like email with the one before: links across batches.
          events.push(customerEvent(id, i % 5 === 0 ? `shared${batch}@x.test` : `${id}@x.test`));
        }
        sent += (await ingest(a, events)).accepted;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await until('a few batches', () => sent >= 200);
    await b.close();
    await until('more batches while B is down', () => sent >= 600);
    b = await replica('b');
    await until('more batches after B is back', () => sent >= 1_000);
    sending = false;
    await sender;
    const stats = () => ({ a: a.graphs.get(TENANT).stats(), b: b.graphs.get(TENANT).stats() });
    await until(
      'B caught up with A',
      () => {
        const s = stats();
        return s.a.links === s.b.links && s.a.customers === s.b.customers;
      },
      60_000,
    ).catch((error: Error) => {
      const s = stats();
      const relay = JSON.stringify(b.changeRelay.stats);
      throw new Error(`${error.message}: A ${s.a.customers}/${s.a.links}, B ${s.b.customers}/${s.b.links}, ${relay}`);
    });
    const s = stats();
    // Nothing doubled: the same customers, identifiers and links as A, and every customer A
    // sent is in B's graph.
    assert.deepEqual(
      { customers: s.b.customers, identifiers: s.b.identifiers, links: s.b.links },
      { customers: s.a.customers, identifiers: s.a.identifiers, links: s.a.links },
    );
    assert.ok(s.b.customers >= sent, `${s.b.customers} customers on B for ${sent} sent`);
    for (const id of ['k0-0', 'k10-3', `k${Math.floor(sent / 20) - 1}-4`]) {
      assert.ok(await network(b, id), `${id} on B`);
    }
  });
});
