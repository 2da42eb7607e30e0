// bench:replicas — propagation between two BFF replicas over the change feed (issue 17,
// docs/scale-out.md). Two buildApp() replicas in this process on one PostgreSQL database, the
// Bigtable emulator and a shared embedded search index; events are ingested through replica A's API
// at a fixed rate (default 2,000 events/s, batches of 100 over 4 tenants). For one customer of each
// batch, the time from A acknowledging the batch to that customer's new link being in the answer
// of a network query on B. Measured on Google's Pub/Sub emulator and, as the peer, on the
// in-process feed (same replicas, same stores: what the feed itself adds).
// Last line: one JSON object.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { RedoubtEvent } from '@redoubt/contracts';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { SqliteSearchIndex } from '../src/adapters/search-index/sqlite-search-index.ts';
import { SqlReviewStore } from '../src/adapters/review-store/sql-review-store.ts';
import { InProcessChangeFeed, InProcessTopic } from '../src/adapters/change-feed/in-process-change-feed.ts';
import { migrate, openDatabase } from '../src/db/database.ts';
import { baseConfig } from '../test/auth/fake-services.ts';
import { testIdentities } from '../test/support/identities.ts';
import { freshPostgresDatabase, postgresReachable } from '../test/support/backends.ts';
import { bigtableEmulatorAvailable, startBigtableEmulator } from '../test/support/bigtable-emulator.ts';
import { pubsubEmulatorAvailable, startPubSubEmulator } from '../test/support/pubsub-emulator.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    rate: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '100' },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const BATCH = Number(args.batch);
const WARMUP_MS = 2_000;
const TENANTS = ['t-alpha', 't-bravo', 't-charlie', 't-delta'];

if (!(await postgresReachable()) || !bigtableEmulatorAvailable() || !pubsubEmulatorAvailable()) {
  console.error('bench:replicas needs PostgreSQL (TEST_DATABASE_URL), the Bigtable emulator and the Pub/Sub emulator');
  process.exit(1);
}

const ids = await testIdentities();
const pg = await freshPostgresDatabase('redoubt_bench_replicas');
const [bigtable, pubsub] = await Promise.all([startBigtableEmulator(), startPubSubEmulator()]);
const root = await mkdtemp(join(tmpdir(), 'redoubt-bench-replicas-'));
{
  const db = await openDatabase({ ...(baseConfig as Config), databaseUrl: pg.url });
  await migrate(db);
  const store = new SqlReviewStore(db);
  for (const t of TENANTS) await store.ensureTenant(t, t);
  await db.close();
}
// Ten service principals sending in turn: each stays inside the per-principal write limit
// (plugins/security.ts, 240 a minute) at 20 batches a second.
const services = await Promise.all(
  Array.from({ length: 10 }, (_, i) =>
    ids.headers({ email: `bot${i}@merchant.test`, role: 'service', tenant: TENANTS }),
  ),
);
// Sixteen analysts querying in turn: each stays inside the per-principal graph-read limit
// (plugins/security.ts, 120 a minute) at 20 network queries a second.
const analysts = await Promise.all(
  Array.from({ length: 16 }, (_, i) =>
    ids.headers({ email: `analyst${i}@redoubt.test`, role: 'analyst', tenant: TENANTS }),
  ),
);
let queries = 0;

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

interface PhaseResult {
  feed: string;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  eventsPerSec: number;
  lost: number;
}

async function phase(feed: 'pubsub' | 'in-process'): Promise<PhaseResult> {
  const run = randomBytes(3).toString('hex');
  const search = new SqliteSearchIndex(join(root, `search-${run}.db`));
  const topic = new InProcessTopic();
  const replica = async (name: string): Promise<FastifyInstance> => {
    const config: Config = {
      ...ids.configure({ ...(baseConfig as Config), dataDir: join(root, `${run}-${name}`) }),
      databaseUrl: pg.url,
      bigtable: { projectId: 'redoubt-bench', instanceId: `bench-${run}`, emulatorHost: bigtable.host },
      ...(feed === 'pubsub' && {
        pubsub: { projectId: 'redoubt-bench', topic: `changes-${run}`, emulatorHost: pubsub.host, replica: name },
      }),
    };
    return buildApp({
      config,
      services: {
        users: ids.directory,
        searchIndex: search,
        ...(feed === 'in-process' && { changeFeed: new InProcessChangeFeed(topic, name) }),
      },
      auth: ids.auth,
      logger: false,
    });
  };
  const a = await replica('a');
  const b = await replica('b');
  await a.ready();
  await b.ready();

  // probe customer -> times of A's acknowledgement and of the network answer on B that shows it.
  const acked = new Map<string, number>();
  const visible = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  const settle = (id: string) => {
    const ack = acked.get(id);
    const seen = visible.get(id);
    if (ack === undefined || seen === undefined) return;
    // B can apply it before A's acknowledgement has come back: that counts as 0.
    latencies.push(Math.max(0, seen - ack));
    acked.delete(id);
    visible.delete(id);
  };
  // Probes are registered only once measuring: the warm-up's batches are not counted.
  const probes = new Map<string, { tenant: string; email: string }>();
  for (const tenant of TENANTS) {
    b.live.subscribe(tenant, (change) => {
      if (change.type !== 'link') return;
      const probe = probes.get(change.customerId);
      if (!probe) return;
      void b
        .inject({
          url: `/api/tenants/${tenant}/customers/${change.customerId}/network?depth=1`,
          headers: analysts[queries++ % analysts.length],
        })
        .then((res) => {
          const shown =
            res.statusCode === 200 &&
            (res.json() as { nodes: { id: string }[] }).nodes.some((n) => n.id === `email:${probe.email}`);
          if (!shown) return;
          visible.set(change.customerId, performance.now());
          settle(change.customerId);
        });
    });
  }

  const batches = Math.round((SECONDS * RATE) / BATCH);
  const intervalMs = (1000 * BATCH) / RATE;
  const started = performance.now();
  let measuredFrom = 0;
  let measuredAccepted = 0;
  const inflight: Promise<void>[] = [];
  for (let k = 0; k < batches; k++) {
    const due = started + k * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!measuring && performance.now() - started >= WARMUP_MS) {
      measuring = true;
      measuredFrom = performance.now();
    }
    const tenant = TENANTS[k % TENANTS.length]!;
    const timestamp = new Date().toISOString();
    const events: RedoubtEvent[] = [];
    for (let i = 0; i < BATCH; i++) {
      const id = `${run}-${k}-${i}`;
      events.push({
        eventId: `${id}-c`,
        type: 'customer',
        customerId: id,
        timestamp,
        customer: { name: id, email: `${id}@x.test`, country: 'GB' },
      });
    }
    const probeId = `${run}-${k}-0`;
    if (measuring) probes.set(probeId, { tenant, email: `${probeId}@x.test` });
    const inMeasure = measuring;
    inflight.push(
      a
        .inject({
          method: 'POST',
          url: `/api/tenants/${tenant}/events`,
          headers: { ...services[k % services.length], 'content-type': 'application/x-ndjson' },
          payload: events.map((e) => JSON.stringify(e)).join('\n'),
        })
        .then((res) => {
          if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
          const n = (res.json() as { accepted: number }).accepted;
          if (inMeasure) {
            measuredAccepted += n;
            acked.set(probeId, performance.now());
            settle(probeId);
          }
        }),
    );
  }
  await Promise.all(inflight);
  const sendEnded = performance.now();
  const expected = probes.size;
  const end = Date.now() + 10_000;
  while (latencies.length < expected && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const sorted = [...latencies].sort((x, y) => x - y);
  await a.close();
  await b.close();
  await search.close();
  return {
    feed,
    p50: round(quantile(sorted, 0.5)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? NaN),
    samples: sorted.length,
    eventsPerSec: Math.round(measuredAccepted / ((sendEnded - measuredFrom) / 1000)),
    lost: expected - sorted.length,
  };
}

try {
  console.log(
    `bench:replicas — ${RATE} events/s for ${SECONDS} s (batches of ${BATCH}, ${TENANTS.length} tenants), ` +
      `${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`,
  );
  const peer = await phase('in-process');
  console.log(
    `in-process feed (peer): propagation p50 ${peer.p50} ms, p99 ${peer.p99} ms, max ${peer.max} ms; ` +
      `${peer.samples} samples, ${peer.lost} not seen; ${peer.eventsPerSec} events/s ingested`,
  );
  const result = await phase('pubsub');
  console.log(
    `Pub/Sub emulator: propagation p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms; ` +
      `${result.samples} samples, ${result.lost} not seen; ${result.eventsPerSec} events/s ingested`,
  );
  console.log(
    JSON.stringify({
      bench: 'replicas',
      propagationP50Ms: result.p50,
      propagationP99Ms: result.p99,
      eventsPerSec: result.eventsPerSec,
      propagationMaxMs: result.max,
      samples: result.samples,
      notSeen: result.lost,
      inProcessP50Ms: peer.p50,
      inProcessP99Ms: peer.p99,
    }),
  );
} finally {
  await Promise.all([bigtable.stop(), pubsub.stop()]);
  await pg.drop();
  await rm(root, { recursive: true, force: true });
}
