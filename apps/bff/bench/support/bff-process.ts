// The BFF as its own process for the HTTP benchmarks (bench:api, bench:load): the production app
// (buildApp) on the embedded stores under a data folder, the demo's merchants and customers
// seeded there once (demo/seeder.ts; a later run reuses the folder), identity in IAP mode: the
// production verifier (plugins/auth/iap-verifier.ts) checks ES256 assertions against the public
// key the benchmark signs with (never the demo identity proxy). The people the benchmark signs in
// as are provisioned in the users table (PostgreSQL in PGlite) like any other.
//
// Started with child_process.fork by bench/support/bff-client.ts; environment:
//   BENCH_DATA_DIR, BENCH_CUSTOMERS, BENCH_JWKS (the public JWK set), BENCH_SECRET (REDOUBT_SECRET),
//   BENCH_PEOPLE (JSON [{ email, tenant, role }]), BENCH_SEED_WHILE_SERVING=1 (listen first, then
//   seed, as the demo's first start does: demo/index.ts; bench:seeding).
// Messages: it sends { ready, port, seedMs } once listening (seedMs 0 when seeding while serving,
// then { seeded, seedMs } once the seed is in); answers 'stats' with
// { stats: { rssMB, heapMB, eldP50Ms, eldP99Ms, eldMaxMs, elu } } (event-loop delay and
// utilisation since the previous 'stats'), and 'stop' by closing the app and exiting.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createLocalJWKSet } from 'jose';
import { DEMO_MERCHANTS } from '@redoubt/synthetic';
import type { JSONWebKeySet } from 'jose';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/app.ts';
import { Demo } from '../../src/demo/seeder.ts';
import type { Role } from '../../src/principal.ts';
import { TEST_AUDIENCE, TEST_ISSUER } from '../../test/support/identities.ts';
import { RAISED_LIMITS } from '../../test/support/route-app.ts';

const env = process.env;
const dataDir = env.BENCH_DATA_DIR!;
const customers = Number(env.BENCH_CUSTOMERS ?? '100000');
const jwks = JSON.parse(env.BENCH_JWKS!) as JSONWebKeySet;
const people = JSON.parse(env.BENCH_PEOPLE ?? '[]') as { email: string; tenant: string; role: Role }[];

const base = loadConfig({ REDOUBT_DATA_DIR: dataDir, REDOUBT_DASHBOARD_DIR: 'none', METRICS_PORT: '0' });
const config = {
  ...base,
  logLevel: 'warn',
  iap: { audience: TEST_AUDIENCE, issuer: TEST_ISSUER, jwksUrl: 'https://127.0.0.1:9/unused', allowedDomains: [] },
  secret: { current: env.BENCH_SECRET!, previous: undefined },
  demoIdentityProxy: false,
  demo: { seedCustomers: 0, trickle: false },
};

// A benchmark drives thousands of requests a second through a few dozen people.
const app = await buildApp({
  config,
  logger: { level: 'warn' },
  auth: { keys: createLocalJWKSet(jwks), limits: RAISED_LIMITS },
});

const seedWhileServing = env.BENCH_SEED_WHILE_SERVING === '1';
const demo = new Demo({
  dataDir,
  seedCustomers: customers,
  trickle: false,
  ingest: app.ingest,
  claimTenant: async (id, name) => {
    await app.reviews.ensureTenant(id, name);
    return true;
  },
  log: { info: (o, m) => app.log.warn(o, m), error: (o, m) => app.log.error(o, m) },
});
async function seed(): Promise<number> {
  const started = performance.now();
  demo.start(() => app.graphs.snapshot());
  await demo.settled();
  if (demo.status().state !== 'ready') throw new Error(`seeding failed: ${JSON.stringify(demo.status())}`);
  return Math.round(performance.now() - started);
}
const seedMs = seedWhileServing ? 0 : await seed();

// The people are granted their tenant before the seed creates it (the demo's claim is idempotent).
if (seedWhileServing) for (const m of DEMO_MERCHANTS) await app.reviews.ensureTenant(m.id, m.name);
const actor = { sub: 'bench:provisioning', email: 'provisioning@bench.local' };
for (const p of people) await app.users.grant(actor, p.email, p.tenant, p.role);

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let lastElu = performance.eventLoopUtilization();
const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;

process.on('message', (message) => {
  if (message === 'stats') {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const memory = process.memoryUsage();
    process.send!({
      stats: {
        rssMB: Math.round((memory.rss / 2 ** 20) * 10) / 10,
        heapMB: Math.round((memory.heapUsed / 2 ** 20) * 10) / 10,
        eldP50Ms: ms(delay.percentile(50)),
        eldP99Ms: ms(delay.percentile(99)),
        eldMaxMs: ms(delay.max),
        elu: Math.round(elu.utilization * 1000) / 1000,
      },
    });
    delay.reset();
  }
  if (message === 'gc') {
    globalThis.gc?.();
    process.send!({ gc: true });
  }
  if (message === 'stop') {
    void app.close().then(() => process.exit(0));
  }
});
process.send!({ ready: true, port, seedMs });
if (seedWhileServing) process.send!({ seeded: true, seedMs: await seed() });
