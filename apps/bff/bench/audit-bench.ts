// `npm run bench:audit [-- --rows N --tenants T --rounds R]`: the audit log on PostgreSQL
// (TEST_DATABASE_URL or the local server), in a database of its own that is dropped afterwards.
// N rows (default 1,000,000) across T tenants are generated with one INSERT … SELECT
// generate_series per tenant, through the chaining trigger (migration 011) like every write.
//   queryP99Ms        a filtered page (actor, action, customer, outcome or a date range; 50 rows,
//                     every other one a second page by cursor), each read audited as in production
//   verifyMs          verify every tenant's chain: N rows
//   exportRowsPerSec  one tenant's whole log as CSV through the streamed export
// Each figure is the median over R rounds, with the spread (min–max) printed beside it.
// Targets on this machine: query p99 <= 100 ms, verify <= 10 s, export >= 50,000 rows/s.
// The last line is one JSON object.
import { parseArgs } from 'node:util';
import { SqlAuditLog } from '../src/adapters/audit-log/sql-audit-log.ts';
import { SqlReviewStore } from '../src/adapters/review-store/sql-review-store.ts';
import { ephemeralSigner } from '../src/adapters/cursors.ts';
import { migrate, openPostgres } from '../src/db/database.ts';
import type { AuditFilter, AuditReader } from '../src/ports/audit-log.ts';
import { auditCsv } from '../src/views/audit.ts';
import { freshPostgresDatabase, postgresReachable, testDatabaseUrl } from '../test/support/backends.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    tenants: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    queries: { type: 'string', default: '200' },
  },
});
const ROWS = Number(values.rows);
const TENANTS = Number(values.tenants);
const ROUNDS = Number(values.rounds);
const QUERIES = Number(values.queries);
const ACTORS = 20;
const ACTIONS = ['review.decide', 'review.label', 'note.add', 'queue.claim', 'queue.release', 'cluster.apply'];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 100) / 100;
const spread = (xs: number[]) => `median ${round(median(xs))} (${round(Math.min(...xs))}–${round(Math.max(...xs))})`;

if (!(await postgresReachable())) {
  console.error(`PostgreSQL is not reachable at ${testDatabaseUrl}; set TEST_DATABASE_URL`);
  process.exit(1);
}
const fresh = await freshPostgresDatabase('redoubt_bench_audit');
const db = await openPostgres(fresh.url);
try {
  await migrate(db);
  const store = new SqlReviewStore(db);
  const tenants = Array.from({ length: TENANTS }, (_, i) => `bench-${i}`);
  for (const t of tenants) await store.ensureTenant(t, t);
  const perTenant = Math.floor(ROWS / TENANTS);
  const started = Date.now();
  for (const t of tenants) {
    // One statement per tenant; the trigger chains each row under the tenant's lock. It runs past
    // the pool's 10 s statement timeout, lifted for this transaction.
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL statement_timeout = 0');
      await tx.query(
        `INSERT INTO audit_log (tenant_id, at, actor_sub, actor_email, actor_role, action, outcome, object_type, object_id, request_id, client_ip, before, after)
       SELECT $1, now() - make_interval(secs => ($2 - i) * 30), 'sub:' || (i % ${ACTORS}), 'analyst' || (i % ${ACTORS}) || '@bench.test',
              'analyst', (ARRAY['${ACTIONS.join("','")}'])[1 + i % ${ACTIONS.length}],
              CASE WHEN i % 50 = 0 THEN 'failure' ELSE 'success' END, 'customer', 'c' || (i % 20000), 'req-' || i, '10.0.0.1',
              jsonb_build_object('label', NULL, 'version', i % 7), jsonb_build_object('label', 'FRAUDSTER', 'version', i % 7 + 1)
       FROM generate_series(1, $2) AS i`,
        [t, perTenant],
      );
    });
  }
  await db.query('ANALYZE audit_log');
  const loadSec = (Date.now() - started) / 1000;
  console.log(
    `loaded ${perTenant * TENANTS} rows across ${TENANTS} tenants in ${round(loadSec)} s (${Math.round((perTenant * TENANTS) / loadSec)} rows/s through the trigger)`,
  );

  const log = new SqlAuditLog(db, { cursorSigner: ephemeralSigner(), checkpointSigner: ephemeralSigner() });
  const lead: AuditReader = { sub: 'sub:lead', email: 'lead@bench.test', role: 'lead' };
  const now = Date.now();
  const filters = (i: number): AuditFilter => {
    switch (i % 5) {
      case 0:
        return { actor: `analyst${i % ACTORS}@bench.test` };
      case 1:
        return { action: ACTIONS[i % ACTIONS.length]! };
      case 2:
        return { customer: `c${(i * 7919) % 20000}` };
      case 3:
        return { actor: `analyst${i % ACTORS}@bench.test`, outcome: 'failure' };
      default: {
        const to = now - (i % 100) * 3_600_000;
        return { from: new Date(to - 86_400_000).toISOString(), to: new Date(to).toISOString() };
      }
    }
  };

  const p99s: number[] = [];
  const verifies: number[] = [];
  const exports: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const times: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const tenant = tenants[i % TENANTS]!;
      const filter = filters(i + r * QUERIES);
      const t0 = performance.now();
      const first = await log.list(tenant, filter, { limit: 50 }, lead);
      times.push(performance.now() - t0);
      if (i % 2 === 0 && first.next) {
        const t1 = performance.now();
        await log.list(tenant, filter, { limit: 50, after: first.next }, lead);
        times.push(performance.now() - t1);
      }
    }
    times.sort((a, b) => a - b);
    p99s.push(percentile(times, 0.99));
    console.log(
      `round ${r + 1}: ${times.length} filtered pages, median ${round(percentile(times, 0.5))} ms, p99 ${round(percentile(times, 0.99))} ms`,
    );

    const v0 = performance.now();
    let checked = 0;
    for (const t of tenants) {
      const v = await log.verify(t);
      if (!v.ok) throw new Error(`chain of ${t} broken: ${JSON.stringify(v.broken)}`);
      checked += v.checked;
    }
    verifies.push(performance.now() - v0);
    console.log(`round ${r + 1}: verified ${checked} rows in ${round(verifies.at(-1)!)} ms`);

    const e0 = performance.now();
    let rows = 0;
    let bytes = 0;
    for await (const line of auditCsv(await log.export(tenants[r % TENANTS]!, {}, 'csv', lead))) {
      rows++;
      bytes += line.length;
    }
    rows--; // the header
    const perSec = rows / ((performance.now() - e0) / 1000);
    exports.push(perSec);
    console.log(
      `round ${r + 1}: exported ${rows} rows (${Math.round(bytes / 1e6)} MB of CSV) at ${Math.round(perSec)} rows/s`,
    );
  }
  console.log(`query p99 ms: ${spread(p99s)}; verify ms: ${spread(verifies)}; export rows/s: ${spread(exports)}`);
  console.log(
    JSON.stringify({
      bench: 'audit',
      rows: perTenant * TENANTS,
      tenants: TENANTS,
      rounds: ROUNDS,
      queryP99Ms: round(median(p99s)),
      verifyMs: Math.round(median(verifies)),
      exportRowsPerSec: Math.round(median(exports)),
    }),
  );
} finally {
  await db.close();
  await fresh.drop();
}
