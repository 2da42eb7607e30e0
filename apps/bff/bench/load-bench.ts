// `npm run bench:load [-- --seconds N --rate R --connections C --customers N --warmup S --overload]`:
// the analyst API under a realistic mix, over HTTP, for N seconds (default 60; the target is 300)
// at R requests a second (default 1,000): search 50 %, customer profile 20 %, depth-3 network
// 20 %, writes 10 % (notes with client-chosen ids, through CSRF, audit and PostgreSQL), spread
// over 10 analysts in each of the demo's two merchants, while a service principal per merchant
// ingests events (a batch every 500 ms, --ingest events/s in all, default 200) through the API.
// The BFF is its own process on the demo's data (bench/support/bff-process.ts: IAP assertions
// verified by the production verifier). Printed: requests/s, p50/p99/max, errors (non-2xx,
// socket errors, timeouts), and the BFF's RSS, event-loop delay and utilisation after the
// warm-up (default 15 s) and at the end; RSS growth is measured after a full GC at both points.
// --overload: afterwards, drives it well past capacity (200 connections, no rate) for 10 s and
// prints how many were shed (503 + Retry-After) and the latency of the requests served.
// The last line is one JSON object.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { RedoubtEvent } from '@redoubt/contracts';
import { DEMO_MERCHANTS } from '@redoubt/synthetic';
import { startBff } from './support/bff-client.ts';
import type { BffStats, Person } from './support/bff-client.ts';
import { Workload } from './support/workload.ts';
import type { SignedIn } from './support/workload.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '64' },
    customers: { type: 'string', default: '100000' },
    warmup: { type: 'string', default: '15' },
    ingest: { type: 'string', default: '200' },
    overload: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const INGEST_PER_SEC = Number(values.ingest);
const tenants = DEMO_MERCHANTS.map((m) => m.id);
const analysts: Person[] = tenants.flatMap((tenant) =>
  Array.from({ length: 10 }, (_, i) => ({ email: `analyst${i}@${tenant}.bench`, tenant, role: 'analyst' as const })),
);
const services: Person[] = tenants.map((tenant) => ({ email: `ingest@${tenant}.bench`, tenant, role: 'service' }));

console.log(`bench:load on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()[0]}`);
const bff = await startBff({ customers: Number(values.customers), people: [...analysts, ...services] });
console.log(`BFF on ${bff.base} (seed or reuse: ${bff.seedMs} ms)`);

// Assertions live 10 minutes (plugins/auth/iap-verifier.ts): signed again every 5 for long runs.
const signedIn: SignedIn[] = [];
const senders: SignedIn[] = [];
async function signAll(): Promise<void> {
  const a = await Promise.all(analysts.map(async (p) => ({ tenant: p.tenant, headers: await bff.headers(p.email) })));
  const s = await Promise.all(services.map(async (p) => ({ tenant: p.tenant, headers: await bff.headers(p.email) })));
  signedIn.splice(0, signedIn.length, ...a);
  senders.splice(0, senders.length, ...s);
}
await signAll();
const resign = setInterval(() => void signAll(), 5 * 60_000);
const workload = await Workload.discover(bff.base, signedIn, tenants);

// The mix, in tenths: 5 search, 2 customer, 2 network, 1 write.
const KINDS = ['search', 'search', 'search', 'search', 'search', 'customer', 'customer', 'network', 'network', 'write'];
let n = 0;
function next(request: autocannon.Request): autocannon.Request {
  const i = n++;
  const who = signedIn[i % signedIn.length]!;
  const { tenant } = who;
  switch (KINDS[(i * 7) % 10]) {
    case 'search':
      return { ...request, method: 'GET', path: workload.search(tenant, i), headers: who.headers, body: undefined };
    case 'customer':
      return {
        ...request,
        method: 'GET',
        path: `/api/tenants/${tenant}/customers/${workload.customer(tenant, i)}`,
        headers: who.headers,
        body: undefined,
      };
    case 'network':
      return {
        ...request,
        method: 'GET',
        path: `/api/tenants/${tenant}/customers/${workload.customer(tenant, i)}/network?depth=3`,
        headers: who.headers,
        body: undefined,
      };
    default:
      return {
        ...request,
        method: 'POST',
        path: `/api/tenants/${tenant}/customers/${workload.customer(tenant, i)}/notes`,
        headers: { ...who.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ id: randomUUID(), body: `bench note ${i}` }),
      };
  }
}

// Ingestion beside the analysts: each merchant's service principal sends a batch every 500 ms.
let eventSeq = 0;
let ingested = 0;
let ingestErrors = 0;
const runId = Date.now().toString(36);
async function ingestTick(): Promise<void> {
  const perBatch = Math.max(1, Math.round(INGEST_PER_SEC / 2 / tenants.length));
  await Promise.all(
    senders.map(async ({ tenant, headers }) => {
      const events: RedoubtEvent[] = [];
      for (let i = 0; i < perBatch; i++) {
        const seq = eventSeq++;
        events.push({
          eventId: `load-${runId}-${seq}`,
          type: 'device',
          customerId: decodeURIComponent(workload.customer(tenant, seq)),
          timestamp: new Date().toISOString(),
          device: { deviceId: `load-device-${seq % 5000}` },
        });
      }
      try {
        const response = await fetch(`${bff.base}/api/tenants/${tenant}/events`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-ndjson' },
          body: events.map((e) => JSON.stringify(e)).join('\n'),
        });
        await response.arrayBuffer();
        if (response.status === 200) ingested += events.length;
        else ingestErrors++;
      } catch {
        ingestErrors++;
      }
    }),
  );
}
const ingestTimer = setInterval(() => void ingestTick(), 500);

const drive = (seconds: number, options: { rate?: number; connections: number; servedOnly?: boolean }) =>
  autocannon({
    url: bff.base,
    connections: options.connections,
    duration: seconds,
    ...(options.rate && { overallRate: options.rate }),
    // Past capacity: the latency of the requests served, not of the fast 503s.
    ...(options.servedOnly && { excludeErrorStats: true }),
    timeout: 10,
    requests: [{ setupRequest: next }],
  });

const settled = async (): Promise<BffStats> => {
  await bff.gc();
  await bff.stats(); // resets the delay histogram
  await new Promise((r) => setTimeout(r, 1_000));
  return bff.stats();
};

console.log(`warm-up ${values.warmup} s at ${RATE} req/s`);
await drive(Number(values.warmup), { rate: RATE, connections: Number(values.connections) });
const before = await settled();
console.log(`after warm-up: ${JSON.stringify(before)}`);
ingested = 0;
await bff.stats();
const result = await drive(SECONDS, { rate: RATE, connections: Number(values.connections) });
const during = await bff.stats();
const after = await settled();
console.log(`during the run (BFF): ${JSON.stringify(during)}`);
console.log(`after the run: ${JSON.stringify(after)}`);
const errors = result.non2xx + result.errors + result.timeouts;
const rps = Math.round(result.requests.total / result.duration);
console.log(
  `${result.requests.total} requests in ${result.duration.toFixed(1)} s: ${rps} req/s, p50 ${result.latency.p50} ms, ` +
    `p99 ${result.latency.p99} ms, max ${result.latency.max} ms, errors ${errors} ` +
    `(${JSON.stringify(result.statusCodeStats)}); ${ingested} events ingested beside (${ingestErrors} failed batches)`,
);

let overload: Record<string, number> | undefined;
if (values.overload) {
  const o = await drive(10, { connections: 200, servedOnly: true });
  const shed = o.statusCodeStats['503']?.count ?? 0;
  overload = {
    requests: o.requests.total,
    served: o['2xx'],
    shed,
    otherErrors: o.non2xx - shed + o.errors + o.timeouts,
    p50Ms: o.latency.p50,
    p99Ms: o.latency.p99,
  };
  console.log(`overload (200 connections, no rate): ${JSON.stringify(overload)}`);
}
clearInterval(ingestTimer);
clearInterval(resign);
await bff.stop();

console.log(
  JSON.stringify({
    maxMs: result.latency.max,
    eldP99MsBefore: before.eldP99Ms,
    eldP99MsDuring: during.eldP99Ms,
    eluDuring: during.elu,
    rssMBBefore: before.rssMB,
    rssMBAfter: after.rssMB,
    ingestedEvents: ingested,
    ...(overload && { overload }),
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  }),
);
console.log(
  JSON.stringify({
    bench: 'load',
    rps,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors,
    rssGrowthMB: Math.round((after.rssMB - before.rssMB) * 10) / 10,
    seconds: SECONDS,
  }),
);
process.exit(0);
