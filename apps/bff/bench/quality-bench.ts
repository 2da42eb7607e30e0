// `node --disable-warning=ExperimentalWarning apps/bff/bench/quality-bench.ts [-- --reviews N --claims C --queries Q]`:
// the team figures (GET …/quality, adapters/team-quality) on PostgreSQL (TEST_DATABASE_URL or the
// local server), in a database of its own that is dropped afterwards. One tenant holds N reviews
// (default 200,000) by 10 analysts over 90 days on 40,000 customers (a fifth not from the queue,
// labels on half, some customers decided twice), and C claims (default 100,000) in the audit log,
// four in five followed by a decision within the idle time, through the chaining trigger.
//   quality30dMs   the figures of 30 days (median and p99 of Q reads, each audited as in production)
//   quality92dMs   the figures of the longest range, 92 days
// The last line is one JSON object.
import { parseArgs } from 'node:util';
import { SqlReviewStore } from '../src/adapters/review-store/sql-review-store.ts';
import { SqlTeamQuality } from '../src/adapters/team-quality/sql-team-quality.ts';
import { migrate, openPostgres } from '../src/db/database.ts';
import type { AuditReader } from '../src/ports/audit-log.ts';
import { freshPostgresDatabase, postgresReachable, testDatabaseUrl } from '../test/support/backends.ts';

const { values } = parseArgs({
  options: {
    reviews: { type: 'string', default: '200000' },
    claims: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '20' },
  },
});
const REVIEWS = Number(values.reviews);
const CLAIMS = Number(values.claims);
const QUERIES = Number(values.queries);
const DAY = 86_400_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const round = (x: number) => Math.round(x * 10) / 10;

if (!(await postgresReachable())) {
  console.error(`PostgreSQL is not reachable at ${testDatabaseUrl}; set TEST_DATABASE_URL`);
  process.exit(1);
}
const fresh = await freshPostgresDatabase('redoubt_bench_quality');
const db = await openPostgres(fresh.url);
try {
  await migrate(db);
  const store = new SqlReviewStore(db);
  await store.ensureTenant('bench', 'Bench');
  const started = Date.now();
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 0');
    // Reviews spread over 90 days; queued_at given (the trigger fills it only when absent).
    await tx.query(
      `INSERT INTO reviews (tenant_id, id, customer_id, kind, actor_sub, actor_email, action, label, before, after, version, created_at, queued_at)
       SELECT 'bench', gen_random_uuid(), 'c' || (i % 40000), CASE WHEN i % 10 = 0 THEN 'batch' ELSE 'decision' END,
              'sub:' || (i % 10), 'analyst' || (i % 10) || '@bench.test',
              (ARRAY['ALLOW', 'REVIEW', 'PREVENT'])[1 + i % 3],
              CASE WHEN i % 2 = 0 THEN (ARRAY['FRAUDSTER', 'GENUINE'])[1 + (i / 2) % 2] END,
              '{"status": "open", "action": null, "label": null}', '{"status": "decided"}', 1,
              at, CASE WHEN i % 5 <> 0 THEN at - make_interval(mins => 1 + i % 240) END
       FROM generate_series(1, $1) AS i, LATERAL (SELECT now() - make_interval(secs => ($1 - i) * (90 * 86400.0 / $1))) t(at)`,
      [REVIEWS],
    );
    // Claims, each followed (four in five) by a decision within the default 30 idle minutes.
    await tx.query(
      `INSERT INTO audit_log (tenant_id, at, actor_sub, actor_email, actor_role, action, outcome, object_type, object_id, before, after)
       SELECT 'bench', at + make_interval(mins => k * 10), 'sub:' || (i % 10), 'analyst' || (i % 10) || '@bench.test', 'analyst',
              CASE WHEN k = 0 THEN 'queue.claim' ELSE 'review.decision' END, 'success', 'customer', 'c' || (i % 40000),
              NULL, jsonb_build_object('assignee', 'analyst' || (i % 10) || '@bench.test')
       FROM generate_series(1, $1) AS i, LATERAL (SELECT now() - make_interval(secs => ($1 - i) * (90 * 86400.0 / $1))) t(at),
            generate_series(0, 1) AS k
       WHERE k = 0 OR i % 5 <> 0
       ORDER BY i, k`,
      [CLAIMS],
    );
  });
  await db.query('ANALYZE reviews');
  await db.query('ANALYZE audit_log');
  console.log(`loaded ${REVIEWS} reviews and ${CLAIMS} claims in ${round((Date.now() - started) / 1000)} s`);

  const quality = new SqlTeamQuality(db);
  const lead: AuditReader = { sub: 'sub:lead', email: 'lead@bench.test', role: 'lead' };
  const measure = async (days: number) => {
    const times: number[] = [];
    let decisions = 0;
    for (let q = 0; q < QUERIES; q++) {
      const to = Date.now();
      const t0 = performance.now();
      const figures = await quality.figures('bench', { from: to - days * DAY, to, tz: 'Europe/London' }, lead);
      times.push(performance.now() - t0);
      decisions = figures.team.totals.decisions;
    }
    times.sort((a, b) => a - b);
    const result = { median: round(percentile(times, 0.5)), p99: round(percentile(times, 0.99)) };
    console.log(`${days} days (${decisions} decisions): median ${result.median} ms, p99 ${result.p99} ms`);
    return result;
  };
  await measure(7); // warm-up
  const d30 = await measure(30);
  const d92 = await measure(92);
  console.log(
    JSON.stringify({
      bench: 'quality',
      reviews: REVIEWS,
      claims: CLAIMS,
      quality30dMs: d30.median,
      quality30dP99Ms: d30.p99,
      quality92dMs: d92.median,
      quality92dP99Ms: d92.p99,
    }),
  );
} finally {
  await db.close();
  await fresh.drop();
}
