// `npm run bench:seeding [-- --customers N --users U --think-ms T]`: does the demo's first-start
// seeding leave room for requests? The BFF (bench/support/bff-process.ts, IAP mode) listens first
// and seeds N customers (default 100,000, the demo's default) into a fresh folder afterwards, as
// the demo does (demo/index.ts). Meanwhile U signed-in users (default 4) each ask the trivial
// authenticated route, GET /api/me, then wait T ms (default 20) and ask again, until the seed is
// in; then the same for 5 s with the seed done (the baseline). Latency per request as the client
// sees it. Target (issue 16): p99 during the seed ≤ 100 ms. The last line is one JSON object.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEMO_MERCHANTS } from '@redoubt/synthetic';
import { startBff } from './support/bff-client.ts';
import type { Person } from './support/bff-client.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    users: { type: 'string', default: '4' },
    'think-ms': { type: 'string', default: '20' },
  },
});
const USERS = Number(values.users);
const THINK_MS = Number(values['think-ms']);
const tenant = DEMO_MERCHANTS[0]!.id;
const people: Person[] = Array.from({ length: USERS }, (_, i) => ({
  email: `analyst${i}@${tenant}.bench`,
  tenant,
  role: 'analyst' as const,
}));

console.log(`bench:seeding on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()[0]}`);
const bff = await startBff({ customers: Number(values.customers), people, seedWhileServing: true });
const headers = await Promise.all(people.map((p) => bff.headers(p.email)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Drive {
  latencies: number[];
  statuses: Record<number, number>;
}

/** Each user asks /api/me, waits THINK_MS, and again, until `until` settles. */
async function drive(until: Promise<unknown>): Promise<Drive> {
  let done = false;
  void until.then(() => (done = true));
  const out: Drive = { latencies: [], statuses: {} };
  await Promise.all(
    headers.map(async (h) => {
      while (!done) {
        const started = performance.now();
        const response = await fetch(`${bff.base}/api/me`, { headers: h });
        await response.arrayBuffer();
        out.latencies.push(performance.now() - started);
        out.statuses[response.status] = (out.statuses[response.status] ?? 0) + 1;
        await sleep(THINK_MS);
      }
    }),
  );
  return out;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10 : 0;
};
const summary = (d: Drive) => ({
  requests: d.latencies.length,
  p50Ms: percentile(d.latencies, 50),
  p99Ms: percentile(d.latencies, 99),
  maxMs: Math.round(Math.max(0, ...d.latencies)),
  statuses: d.statuses,
});

await bff.stats();
const during = await drive(bff.seeded);
const seedMs = await bff.seeded;
const loop = await bff.stats();
console.log(
  `seeding ${seedMs} ms:`,
  JSON.stringify(summary(during)),
  `BFF ELU ${loop.elu}, loop delay p99 ${loop.eldP99Ms} ms, max ${loop.eldMaxMs} ms`,
);
const after = await drive(sleep(5_000));
console.log('after the seed:', JSON.stringify(summary(after)));
await bff.stop();

const s = summary(during);
console.log(
  JSON.stringify({
    bench: 'seeding',
    customers: Number(values.customers),
    seedMs,
    trivialP50Ms: s.p50Ms,
    trivialP99Ms: s.p99Ms,
    trivialMaxMs: s.maxMs,
    requests: s.requests,
    errors: during.latencies.length - (during.statuses[200] ?? 0),
    loopDelayP99Ms: loop.eldP99Ms,
    afterP99Ms: summary(after).p99Ms,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  }),
);
process.exit(0);
