// `npm run bench:overview [-- --customers N --rounds R]`: the merchant overview on the embedded stores.
//   overviewP99Ms           GET /api/tenants/:t/overview, 90 days at hourly buckets (2,160 buckets)
//                           for a tenant whose rollups hold 10,000,000 events, through the whole app
//                           (identity, access, schema, rollup read, tz rolling, riskiest customers);
//                           p99 of 200 requests per round, median of the rounds
//   ingestWithRollupsRatio  ingest throughput with rollups on / off, the same batches, rounds
//                           interleaved so machine load hits both alike, the order alternating
//                           (on, off | off, on | …) after one unmeasured warm-up pair, so neither
//                           side pays the JIT's first run; ingestCpuRatio: the same from the
//                           process's CPU time (steadier than wall time on a shared machine)
// The 10,000,000 events are counted into the rollup rows directly (2,160 hourly rows of ~4,630 events
// each, spread over countries, payment methods and PREVENT reasons like real traffic); the overview
// never reads events, so storing the raw 10,000,000 events too would change nothing it reads
// (checked: the route reads rollups and the search index only). The last line is one JSON object.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEvents } from '@redoubt/synthetic';
import type { RedoubtEvent } from '@redoubt/contracts';
import { SqliteProfileStore } from '../src/adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../src/adapters/search-index/sqlite-search-index.ts';
import type { Counts, StoredEvent } from '../src/ports/profile-store.ts';
import { ROLLUP_BUCKET_MS } from '../src/ports/profile-store.ts';
import { GraphRegistry } from '../src/services/graphs.ts';
import { LiveBus } from '../src/services/live-bus.ts';
import { Ingest, parseNdjson } from '../src/services/ingest.ts';
import { ingestApp } from '../test/support/ingest-app.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '200' },
    events: { type: 'string', default: '10000000' },
  },
});
const ROUNDS = Number(values.rounds);
const TENANT = 'bench-shop';
const BATCH = 5000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
};
const round = (x: number, d = 2) => Number(x.toFixed(d));

console.log(`bench:overview on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}`);

// ---- ingest with rollups on vs off ------------------------------------------------------------
const bodies: string[] = [];
let eventCount = 0;
{
  let lines: string[] = [];
  let last = '';
  for (const event of generateEvents({ seed: 7, tenant: TENANT, customers: Number(values.customers) })) {
    if (event.customerId !== last && lines.length >= BATCH) {
      bodies.push(lines.join('\n'));
      lines = [];
    }
    last = event.customerId;
    lines.push(JSON.stringify(event));
    eventCount++;
  }
  if (lines.length) bodies.push(lines.join('\n'));
}

async function ingestRun(rollups: boolean): Promise<{ perSecond: number; cpuMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-bench-overview-'));
  const profiles = new SqliteProfileStore(join(dir, 'profiles.db'));
  const search = new SqliteSearchIndex(join(dir, 'search.db'));
  const graphs = new GraphRegistry({ dir: undefined, profiles });
  const ingest = new Ingest({ profiles, search, graphs, live: new LiveBus(), rollups });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let accepted = 0;
  for (const body of bodies) accepted += (await ingest.ingest(TENANT, parseNdjson(body))).accepted;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (accepted !== eventCount) throw new Error(`stored ${accepted} of ${eventCount}`);
  const buckets = await profiles.rollups(TENANT, 0, Date.now() + 86_400_000);
  if (rollups !== buckets.length > 0) throw new Error(`rollups ${rollups ? 'missing' : 'written while off'}`);
  await search.close();
  await profiles.close();
  await rm(dir, { recursive: true, force: true });
  return { perSecond: eventCount / seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

console.log(`ingest: ${eventCount.toLocaleString()} events of ${values.customers} customers per run, embedded stores`);
const on: number[] = [];
const off: number[] = [];
const cpuRatios: number[] = [];
await ingestRun(true);
await ingestRun(false);
for (let r = 0; r < ROUNDS; r++) {
  const first = r % 2 === 0;
  const a = await ingestRun(first);
  const b = await ingestRun(!first);
  const [withRollups, without] = first ? [a, b] : [b, a];
  on.push(withRollups.perSecond);
  off.push(without.perSecond);
  cpuRatios.push(without.cpuMs / withRollups.cpuMs);
  console.log(
    `  round ${r + 1} (${first ? 'on first' : 'off first'}): rollups on ${Math.round(withRollups.perSecond).toLocaleString()} events/s ` +
      `(${Math.round(withRollups.cpuMs)} ms CPU), off ${Math.round(without.perSecond).toLocaleString()} events/s (${Math.round(without.cpuMs)} ms CPU)`,
  );
}
const ratios = on.map((x, i) => x / off[i]!);
console.log(
  `  -> median on ${Math.round(median(on)).toLocaleString()} / off ${Math.round(median(off)).toLocaleString()} events/s; ` +
    `ratio per round ${ratios.map((r) => r.toFixed(3)).join(', ')}; CPU ratio per round ${cpuRatios.map((r) => r.toFixed(3)).join(', ')}`,
);

// ---- overview latency ---------------------------------------------------------------------------
const t = await ingestApp([TENANT]);
const HOURS = 90 * 24;
const end = Math.floor(Date.now() / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
const start = end - HOURS * ROLLUP_BUCKET_MS;
const total = Number(values.events);
{
  // Real customers for the riskiest lists (search index + graph), through the real ingest path.
  const service = await t.service();
  let lines: string[] = [];
  for (const e of generateEvents({ seed: 11, tenant: TENANT, customers: 2000, end })) {
    lines.push(JSON.stringify(e));
    if (lines.length >= BATCH) {
      await t.app.inject({
        method: 'POST',
        url: `/api/tenants/${TENANT}/events`,
        headers: { ...service, 'content-type': 'application/x-ndjson' },
        payload: lines.join('\n'),
      });
      lines = [];
    }
  }
  if (lines.length)
    await t.app.inject({
      method: 'POST',
      url: `/api/tenants/${TENANT}/events`,
      headers: { ...service, 'content-type': 'application/x-ndjson' },
      payload: lines.join('\n'),
    });
  // The bulk: each hour's counts as one carrier event (see the header).
  const countries = ['GB', 'FR', 'DE', 'IE', 'ES', 'NL', 'NG', 'US'];
  const methods = ['card', 'wallet', 'bank', 'paypal'];
  const reasons = Array.from({ length: 12 }, (_, i) => `rule_${i}`);
  const perHour = Math.floor(total / HOURS);
  const carriers: StoredEvent[] = [];
  for (let h = 0; h < HOURS; h++) {
    const at = start + h * ROLLUP_BUCKET_MS;
    const n = h === HOURS - 1 ? total - perHour * (HOURS - 1) : perHour;
    const orders = Math.round(n * 0.3);
    const tx = Math.round(n * 0.3);
    const decisions = n - orders - tx;
    const counts: Counts = {
      orders,
      orderValue: orders * 5400,
      transactions: tx,
      transactionValue: tx * 5400,
      ALLOW: Math.round(decisions * 0.9),
      REVIEW: Math.round(decisions * 0.07),
      PREVENT: decisions - Math.round(decisions * 0.9) - Math.round(decisions * 0.07),
      preventedValue: 123_456,
      fraudsters: 3,
      genuine: 20,
      chargebacks: 2,
      chargebackValue: 9000,
    };
    countries.forEach((c, i) => {
      counts[`country.${c}.orders`] = Math.round(orders / 8) + i;
      counts[`country.${c}.orderValue`] = (Math.round(orders / 8) + i) * 5400;
      counts[`country.${c}.transactions`] = Math.round(tx / 8);
      counts[`country.${c}.prevented`] = i;
    });
    methods.forEach((m) => {
      counts[`method.${m}.transactions`] = Math.round(tx / 4);
      counts[`method.${m}.transactionValue`] = Math.round(tx / 4) * 5400;
    });
    reasons.forEach((r, i) => (counts[`reason.${r}`] = i + 1));
    const event: RedoubtEvent = {
      eventId: `carrier-${h}`,
      type: 'login',
      customerId: 'bench-carrier',
      timestamp: new Date(at).toISOString(),
      login: { success: true, mechanism: 'password' },
    };
    carriers.push({ eventId: event.eventId, customerId: event.customerId, type: 'login', at, event, counts });
  }
  await t.services.profiles.write(TENANT, carriers, []);
}
const merchant = await t.headers({ email: 'owner@bench-shop.test', role: 'merchant', tenant: TENANT });
const url =
  `/api/tenants/${TENANT}/overview?interval=hour&tz=Europe/London` +
  `&from=${new Date(start).toISOString()}&to=${new Date(end).toISOString()}`;
const check = await t.app.inject({ method: 'GET', url, headers: merchant });
if (check.statusCode !== 200) throw new Error(check.body);
const body = check.json();
const counted =
  body.totals.orders +
  body.totals.transactions +
  body.totals.decisions.ALLOW +
  body.totals.decisions.REVIEW +
  body.totals.decisions.PREVENT;
console.log(
  `overview: ${body.series.start.length} hourly buckets, ${counted.toLocaleString()} events counted, ${check.body.length.toLocaleString()} bytes`,
);
const p99s: number[] = [];
const medians: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const times: number[] = [];
  for (let i = 0; i < Number(values.requests); i++) {
    const t0 = performance.now();
    const response = await t.app.inject({ method: 'GET', url, headers: merchant });
    times.push(performance.now() - t0);
    if (response.statusCode !== 200) throw new Error(response.body);
  }
  p99s.push(percentile(times, 0.99));
  medians.push(median(times));
  console.log(
    `  round ${r + 1}: median ${median(times).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms over ${times.length} requests`,
  );
}
await t.close();

console.log(
  JSON.stringify({
    bench: 'overview',
    overviewP99Ms: round(median(p99s)),
    overviewP99SpreadMs: [round(Math.min(...p99s)), round(Math.max(...p99s))],
    overviewMedianMs: round(median(medians)),
    buckets: body.series.start.length,
    tenantEvents: counted,
    ingestWithRollupsRatio: round(median(ratios), 3),
    ingestRatioSpread: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
    ingestCpuRatio: round(median(cpuRatios), 3),
    ingestCpuRatioSpread: [round(Math.min(...cpuRatios), 3), round(Math.max(...cpuRatios), 3)],
    ingestEventsPerSecOn: Math.round(median(on)),
    ingestEventsPerSecOff: Math.round(median(off)),
    ingestEventsPerRun: eventCount,
    rounds: ROUNDS,
    loadAverage: round(loadavg()[0]!),
    node: process.version,
  }),
);
