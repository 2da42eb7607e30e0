// `npm run bench:api [-- --customers N --seconds S --connections C --rounds R --fresh --profile --only ROUTE]`:
// what analysts wait on, over HTTP. The BFF runs in its own process (bench/support/bff-process.ts):
// the production app on the embedded stores with the demo's N customers (default 100,000; seeded
// once into a folder under the temp dir and reused by later runs, --fresh seeds again), and
// identity in IAP mode: every request carries an ES256 assertion that the production verifier
// checks (not the demo proxy), for 10 analysts per demo merchant. autocannon drives, with C
// connections (default 10) for S seconds (default 8) per route, after a warm-up:
//   search    GET …/customers/search, enriched from the profile store: name prefixes as typed,
//             exact emails, facet filters, sorted by score (the dashboard's mix)
//   customer  GET …/customers/:id (the profile)
//   network   GET …/customers/:id/network?depth=3 (default node cap, 500)
//   trivial   GET /api/me (identity, access, the tenants' names)
// over customers found through the API first. R rounds (default 3); each figure is the median of
// the rounds, the line before the last gives every round (the spread). --profile writes a CPU
// profile of the BFF (--cpu-prof) into the current folder. The last line is one JSON object.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEMO_MERCHANTS } from '@redoubt/synthetic';
import { startBff } from './support/bff-client.ts';
import type { Person } from './support/bff-client.ts';
import { Workload } from './support/workload.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    fresh: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const tenants = DEMO_MERCHANTS.map((m) => m.id);
const people: Person[] = tenants.flatMap((tenant) =>
  Array.from({ length: 10 }, (_, i) => ({ email: `analyst${i}@${tenant}.bench`, tenant, role: 'analyst' as const })),
);

console.log(`bench:api on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()[0]}`);
const bff = await startBff({
  customers: Number(values.customers),
  people,
  fresh: values.fresh,
  execArgv: values.profile ? ['--cpu-prof', '--cpu-prof-dir=.'] : [],
});
console.log(`BFF on ${bff.base} (seed or reuse: ${bff.seedMs} ms)`);
const headers = await Promise.all(people.map((p) => bff.headers(p.email)));
const signedIn = people.map((p, i) => ({ tenant: p.tenant, headers: headers[i]! }));

// Customers and queries, found through the API as an analyst would.
const workload = await Workload.discover(bff.base, signedIn, tenants);
for (const tenant of tenants) console.log(`${tenant}: ${workload.count(tenant)} customers to ask for`);

const allRoutes: Record<string, (n: number, tenant: string) => string> = {
  search: (n, tenant) => workload.search(tenant, n),
  customer: (n, tenant) => `/api/tenants/${tenant}/customers/${workload.customer(tenant, n)}`,
  network: (n, tenant) => `/api/tenants/${tenant}/customers/${workload.customer(tenant, n)}/network?depth=3`,
  trivial: () => '/api/me',
};
// --only ROUTE: one route alone (for profiling); the JSON line then lacks the others' figures.
const routes = values.only ? { [values.only]: allRoutes[values.only]! } : allRoutes;

// Every route answers 200 for each kind of request before the clock starts.
for (const [name, pathOf] of Object.entries(routes)) {
  for (let n = 0; n < 10; n++) {
    const s = signedIn[n % signedIn.length]!;
    const response = await fetch(bff.base + pathOf(n, s.tenant), { headers: s.headers });
    if (response.status !== 200) throw new Error(`${name} ${pathOf(n, s.tenant)}: ${response.status}`);
    await response.arrayBuffer();
  }
}

async function drive(name: string, seconds: number) {
  let n = 0;
  const result = await autocannon({
    url: bff.base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const s = signedIn[n % signedIn.length]!;
          const path = routes[name]!(n++, s.tenant);
          return { ...request, path, headers: s.headers };
        },
      },
    ],
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`${name}: ${bad} failed of ${result.requests.total} (${JSON.stringify(result.statusCodeStats)})`);
  return { rps: Math.round(result.requests.average), p99Ms: result.latency.p99, p50Ms: result.latency.p50 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

for (const name of Object.keys(routes)) await drive(name, 2); // warm-up (JIT, caches)
const rounds: Record<string, { rps: number; p99Ms: number; p50Ms: number }[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const name of Object.keys(routes)) {
    await bff.stats();
    const figures = await drive(name, SECONDS);
    const stats = await bff.stats();
    (rounds[name] ??= []).push(figures);
    console.log(
      `round ${r + 1} ${name.padEnd(8)} ${String(figures.rps).padStart(6)} req/s  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms` +
        `  (BFF ELU ${stats.elu}, loop delay p99 ${stats.eldP99Ms} ms, RSS ${stats.rssMB} MB)`,
    );
  }
}
await bff.stop();

const med = (name: string, key: 'rps' | 'p99Ms') => median((rounds[name] ?? []).map((x) => x[key]));
const spread = (name: string, key: 'rps' | 'p99Ms') => {
  const xs = (rounds[name] ?? []).map((x) => x[key]);
  return [Math.min(...xs), Math.max(...xs)];
};
console.log(
  JSON.stringify({
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    spread: Object.fromEntries(
      Object.keys(routes).map((name) => [name, { rps: spread(name, 'rps'), p99Ms: spread(name, 'p99Ms') }]),
    ),
  }),
);
console.log(
  JSON.stringify({
    bench: 'api',
    searchRps: med('search', 'rps'),
    searchP99Ms: med('search', 'p99Ms'),
    customerRps: med('customer', 'rps'),
    customerP99Ms: med('customer', 'p99Ms'),
    networkRps: med('network', 'rps'),
    networkP99Ms: med('network', 'p99Ms'),
    trivialRps: med('trivial', 'rps'),
  }),
);
process.exit(0);
