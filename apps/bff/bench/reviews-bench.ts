// `npm run bench:reviews [-- --queued N --writes W --analysts A --presses P]`: the review write
// path and the queue's `next` on PostgreSQL (TEST_DATABASE_URL or the local server), in a database
// of its own that is dropped afterwards.
//   writesPerSec, writeP99Ms  reviews (decision + label, If-Match, Idempotency-Key, audit row,
//                             outbox row, one transaction each) from `analysts` concurrent writers
//   nextP99Ms                 `next` (claim the oldest free customer, SKIP LOCKED, audit + outbox)
//                             with `analysts` analysts pressing together over `queued` customers
// Targets on this machine: >= 500 writes/s, write p99 <= 50 ms, next p99 <= 50 ms.
// The last line is one JSON object.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { SqlReviewStore } from '../src/adapters/review-store/sql-review-store.ts';
import { migrate, openPostgres } from '../src/db/database.ts';
import type { Reviewer } from '../src/ports/review-store.ts';
import { freshPostgresDatabase, postgresReachable, testDatabaseUrl } from '../test/support/backends.ts';

const { values } = parseArgs({
  options: {
    queued: { type: 'string', default: '100000' },
    writes: { type: 'string', default: '4000' },
    analysts: { type: 'string', default: '20' },
    presses: { type: 'string', default: '50' },
  },
});
const QUEUED = Number(values.queued);
const WRITES = Number(values.writes);
const ANALYSTS = Number(values.analysts);
const PRESSES = Number(values.presses);
const TENANT = 'bench-shop';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const round = (x: number) => Math.round(x * 100) / 100;

if (!(await postgresReachable())) {
  console.error(`PostgreSQL is not reachable at ${testDatabaseUrl}; set TEST_DATABASE_URL`);
  process.exit(1);
}
const fresh = await freshPostgresDatabase('redoubt_bench_reviews');
const db = await openPostgres(fresh.url);
try {
  await migrate(db);
  const store = new SqlReviewStore(db);
  await store.ensureTenant(TENANT, 'Bench Shop');
  const analysts: Reviewer[] = Array.from({ length: ANALYSTS }, (_, i) => ({
    sub: `bench:${i}`,
    email: `analyst${i}@bench.test`,
    role: 'analyst',
  }));

  // The queue: QUEUED customers, oldest first by one second each, scores spread 0–99.
  const start = Date.now() - QUEUED * 1000;
  for (let from = 0; from < QUEUED; from += 10_000) {
    const chunk = Array.from({ length: Math.min(10_000, QUEUED - from) }, (_, k) => {
      const i = from + k;
      return { customerId: `q${i}`, score: i % 100, reason: 'score says REVIEW', at: start + i * 1000 };
    });
    await store.enqueue(TENANT, chunk);
  }
  // Vacuumed as well as analysed: otherwise autovacuum takes up the 100,000 new rows during the
  // measured writes, on the same two cores.
  await db.query('VACUUM (ANALYZE) review_state');

  // Writes: each writer decides its own customers (w0, w1, …: not queued), version 0 → 1.
  const writeLatencies: number[] = [];
  let nextWrite = 0;
  const labels = ['FRAUDSTER', 'GENUINE', 'POTENTIALLY_FRAUDULENT', 'POTENTIALLY_GENUINE'] as const;
  const writer = async (who: Reviewer) => {
    for (;;) {
      const i = nextWrite++;
      if (i >= WRITES) return;
      const t0 = performance.now();
      await store.review(
        TENANT,
        who,
        `w${i}`,
        0,
        { action: i % 2 ? 'PREVENT' : 'ALLOW', label: labels[i % 4], reason: 'confirmed-fraud', note: 'bench' },
        { key: `write-${i}`, route: 'POST /customers/:id/reviews' },
      );
      writeLatencies.push(performance.now() - t0);
    }
  };
  // Warm-up, not measured: every analyst at once, so every pooled connection is open and has
  // prepared its statements (db/database.ts), and the code is compiled, before the clock starts,
  // as in a BFF that has been running (the first writes of a cold process take several times longer).
  await Promise.all(
    analysts.map(async (who, a) => {
      for (let i = 0; i < 25; i++) {
        const id = `warm${a}-${i}`;
        await store.review(TENANT, who, id, 0, { label: 'GENUINE' }, { key: id, route: 'warm' });
      }
      await store.next(TENANT, who, 'age');
      await store.next(TENANT, who, 'score');
    }),
  );
  const w0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(analysts.map(writer));
  const writeSeconds = (performance.now() - w0) / 1000;
  // This process's CPU per write (the store's code and the pg client; the server's is the rest).
  const cpu = process.cpuUsage(cpu0);
  const clientCpuMsPerWrite = (cpu.user + cpu.system) / 1000 / WRITES;
  writeLatencies.sort((a, b) => a - b);

  // next: every analyst presses PRESSES times together; no customer may be served twice.
  const nextLatencies: number[] = [];
  const served = new Set<string>();
  let duplicates = 0;
  const presser = async (who: Reviewer) => {
    for (let i = 0; i < PRESSES; i++) {
      const t0 = performance.now();
      const got = await store.next(TENANT, who, i % 2 ? 'score' : 'age');
      nextLatencies.push(performance.now() - t0);
      if (!got) throw new Error('the queue ran dry');
      if (served.has(got.customerId)) duplicates++;
      served.add(got.customerId);
    }
  };
  const n0 = performance.now();
  await Promise.all(analysts.map(presser));
  const nextSeconds = (performance.now() - n0) / 1000;
  nextLatencies.sort((a, b) => a - b);

  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `writes: ${WRITES} by ${ANALYSTS} writers in ${writeSeconds.toFixed(2)} s → ${Math.round(WRITES / writeSeconds)}/s, ` +
      `p50 ${percentile(writeLatencies, 0.5).toFixed(2)} ms, p99 ${percentile(writeLatencies, 0.99).toFixed(2)} ms, ` +
      `client CPU ${clientCpuMsPerWrite.toFixed(2)} ms per write`,
  );
  console.log(
    `next: ${nextLatencies.length} presses by ${ANALYSTS} analysts over ${QUEUED} queued in ${nextSeconds.toFixed(2)} s, ` +
      `p50 ${percentile(nextLatencies, 0.5).toFixed(2)} ms, p99 ${percentile(nextLatencies, 0.99).toFixed(2)} ms, served twice: ${duplicates}`,
  );
  if (duplicates > 0) throw new Error(`${duplicates} customers were served twice`);
  console.log(
    JSON.stringify({
      bench: 'reviews',
      writesPerSec: Math.round(WRITES / writeSeconds),
      writeP99Ms: round(percentile(writeLatencies, 0.99)),
      nextP99Ms: round(percentile(nextLatencies, 0.99)),
      writeP50Ms: round(percentile(writeLatencies, 0.5)),
      nextP50Ms: round(percentile(nextLatencies, 0.5)),
      clientCpuMsPerWrite: round(clientCpuMsPerWrite),
      queued: QUEUED,
      analysts: ANALYSTS,
    }),
  );
} finally {
  await db.close();
  await fresh.drop();
}
