// `npm run bench:ingest [-- --customers N --emulator-customers M]`: ingestion throughput, NDJSON
// text in -> parsed, validated, deduplicated, merged into customer rows, stored, indexed, linked.
//   eventsPerSec          embedded defaults: node:sqlite ProfileStore + FTS5 SearchIndex + graph engine
//   emulatorEventsPerSec  Bigtable emulator (cbtemulator, started here) ProfileStore + PostgreSQL
//                         tenant check + the same index and graph
// The last line is one JSON object.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEvents } from '@redoubt/synthetic';
import { SqliteProfileStore } from '../src/adapters/profile-store/sqlite-profile-store.ts';
import { BigtableProfileStore } from '../src/adapters/profile-store/bigtable-profile-store.ts';
import { SqliteSearchIndex } from '../src/adapters/search-index/sqlite-search-index.ts';
import { SqlReviewStore } from '../src/adapters/review-store/sql-review-store.ts';
import { migrate, openPostgres } from '../src/db/database.ts';
import type { ProfileStore } from '../src/ports/profile-store.ts';
import { GraphRegistry } from '../src/services/graphs.ts';
import { LiveBus } from '../src/services/live-bus.ts';
import { Ingest, parseNdjson } from '../src/services/ingest.ts';
import { tenantDirectory } from '../src/services/tenants.ts';
import { freshPostgresDatabase, postgresReachable } from '../test/support/backends.ts';
import { bigtableEmulatorAvailable, startBigtableEmulator } from '../test/support/bigtable-emulator.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '40000' },
    'emulator-customers': { type: 'string', default: '3000' },
    batch: { type: 'string', default: '5000' },
  },
});
const TENANT = 'bench-shop';
const BATCH = Number(values.batch);

/** NDJSON batches of whole customers, built before the clock starts. */
function batches(customers: number): { bodies: string[]; events: number } {
  const bodies: string[] = [];
  let lines: string[] = [];
  let last = '';
  let events = 0;
  for (const event of generateEvents({ seed: 7, tenant: TENANT, customers })) {
    if (event.customerId !== last && lines.length >= BATCH) {
      bodies.push(lines.join('\n'));
      lines = [];
    }
    last = event.customerId;
    lines.push(JSON.stringify(event));
    events++;
  }
  if (lines.length) bodies.push(lines.join('\n'));
  return { bodies, events };
}

async function run(
  profiles: ProfileStore,
  dir: string,
  customers: number,
  tenantExists: (t: string) => Promise<boolean>,
): Promise<{ events: number; seconds: number; perSec: number; perCpuSec: number }> {
  const search = new SqliteSearchIndex(join(dir, 'search.db'));
  const graphs = new GraphRegistry({ dir: join(dir, 'graph'), profiles });
  const ingest = new Ingest({ profiles, search, graphs, live: new LiveBus() });
  const { bodies, events } = batches(customers);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let accepted = 0;
  for (const body of bodies) {
    if (!(await tenantExists(TENANT))) throw new Error('tenant missing');
    const report = await ingest.ingest(TENANT, parseNdjson(body));
    if (report.rejected) throw new Error(`rejected: ${JSON.stringify(report.errors[0])}`);
    accepted += report.accepted;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (accepted !== events) throw new Error(`stored ${accepted} of ${events} events`);
  const stats = graphs.get(TENANT).stats();
  console.log(
    `  ${events.toLocaleString()} events of ${customers.toLocaleString()} customers in ${seconds.toFixed(2)} s; ` +
      `graph ${stats.customers.toLocaleString()} customers, ${stats.links.toLocaleString()} links; ` +
      `index ${(await search.count(TENANT)).toLocaleString()} documents`,
  );
  await search.close();
  return { events, seconds, perSec: Math.round(events / seconds), perCpuSec: Math.round(events / cpuSeconds) };
}

console.log(`bench:ingest on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}`);

console.log('embedded defaults (node:sqlite ProfileStore + FTS5 SearchIndex + graph engine):');
const dir = await mkdtemp(join(tmpdir(), 'redoubt-bench-'));
const embedded = new SqliteProfileStore(join(dir, 'profiles.db'));
const embeddedResult = await run(embedded, dir, Number(values.customers), async () => true);
await embedded.close();
await rm(dir, { recursive: true, force: true });
console.log(
  `  -> ${embeddedResult.perSec.toLocaleString()} events/s (${embeddedResult.perCpuSec.toLocaleString()} per CPU-second of this process)`,
);

let emulatorPerSec: number | null = null;
if (bigtableEmulatorAvailable() && (await postgresReachable())) {
  console.log('Bigtable emulator ProfileStore + PostgreSQL tenant check (+ FTS5 index and graph):');
  const emulator = await startBigtableEmulator();
  const pg = await freshPostgresDatabase('redoubt_bench');
  const db = await openPostgres(pg.url);
  const dir2 = await mkdtemp(join(tmpdir(), 'redoubt-bench-'));
  try {
    await migrate(db);
    const reviews = new SqlReviewStore(db);
    await reviews.ensureTenant(TENANT, 'Bench Shop');
    const bigtable = await BigtableProfileStore.open({
      projectId: 'bench',
      instanceId: 'bench',
      emulatorHost: emulator.host,
      tablePrefix: `b${Date.now().toString(36)}_`,
    });
    const result = await run(bigtable, dir2, Number(values['emulator-customers']), tenantDirectory(reviews));
    emulatorPerSec = result.perSec;
    console.log(`  -> ${result.perSec.toLocaleString()} events/s`);
    await bigtable.close();
    await reviews.close();
  } finally {
    await pg.drop();
    await emulator.stop();
    await rm(dir2, { recursive: true, force: true });
  }
} else {
  console.log('Bigtable emulator or PostgreSQL not available: emulator figure skipped');
}

console.log(
  JSON.stringify({
    bench: 'ingest',
    eventsPerSec: embeddedResult.perSec,
    emulatorEventsPerSec: emulatorPerSec,
    // Wall-clock figures depend on what else runs on the machine; this one much less.
    eventsPerCpuSec: embeddedResult.perCpuSec,
    loadAverage: Number(loadavg()[0].toFixed(2)),
    events: embeddedResult.events,
    node: process.version,
  }),
);
