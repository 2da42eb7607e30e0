// `npm run bench:live [-- --streams 1000 --tenants 10 --rate 5000 --seconds 20]`: open event
// streams of GET /api/live across tenants (one person each, one watched customer each) while
// events are ingested through POST /api/tenants/:tenant/events at `rate` per second. The clients
// run in a worker thread (their own event loop) over real HTTP; the server is the real app on
// embedded stores (test/support/ingest-app.ts).
//   deliveryP50Ms / deliveryP99Ms  event timestamp (set when the batch is sent) -> client read
//   rssGrowthMB                    BFF process RSS at the end minus after the streams opened
// The last line is one JSON object. The 2,000-node Chromium layout figure is not measured here.
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { RedoubtEvent } from '@redoubt/contracts';
import { ingestApp } from '../test/support/ingest-app.ts';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    tenants: { type: 'string', default: '10' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
  },
});
const STREAMS = Number(values.streams);
const TENANTS = Number(values.tenants);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
// One batch per tenant every half second: each tenant's sender is its own service principal, well
// inside the per-principal write limit (plugins/security.ts, 240 a minute).
const TICK_MS = 500;
/** Share of ingested events that land on a watched customer (analysts watch few of many). */
const WATCHED_SHARE = 0.1;

const tenants = Array.from({ length: TENANTS }, (_, i) => `bench-${String(i).padStart(2, '0')}`);
const t = await ingestApp(tenants);
await t.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
const services = new Map<string, Record<string, string>>();
for (const tenant of tenants) {
  services.set(tenant, await t.headers({ email: `ingest-${tenant}@merchant.test`, role: 'service', tenant }));
}

let eventSeq = 0;
const customerEvent = (id: string, email: string): RedoubtEvent => ({
  eventId: `e${eventSeq++}`,
  type: 'customer',
  customerId: id,
  timestamp: new Date().toISOString(),
  customer: { name: id, email, country: 'GB' },
});
const deviceEvent = (id: string): RedoubtEvent => ({
  eventId: `e${eventSeq++}`,
  type: 'device',
  customerId: id,
  timestamp: new Date().toISOString(),
  device: { deviceId: `d${eventSeq}` },
});

async function post(tenant: string, events: RedoubtEvent[]): Promise<void> {
  const response = await fetch(`${base}/api/tenants/${tenant}/events`, {
    method: 'POST',
    headers: { ...services.get(tenant), 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  if (response.status !== 200) throw new Error(`ingest ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

// The watched customers (one per stream) and background customers, before the clock starts.
const perTenant = Math.ceil(STREAMS / TENANTS);
for (const tenant of tenants) {
  const events: RedoubtEvent[] = [];
  for (let i = 0; i < perTenant; i++) events.push(customerEvent(`w${i}`, `w${i}@bench.test`));
  for (let i = 0; i < 2_000; i++) events.push(customerEvent(`b${i}`, `b${i}@bench.test`));
  await post(tenant, events);
}

const streams: { url: string; headers: Record<string, string> }[] = [];
for (let i = 0; i < STREAMS; i++) {
  const tenant = tenants[i % TENANTS]!;
  const watched = `w${Math.floor(i / TENANTS)}`;
  streams.push({
    url: `${base}/api/live?tenant=${tenant}&watch=${watched}`,
    headers: await t.headers({ email: `bench${i}@redoubt.test`, role: 'analyst', tenant }),
  });
}

const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const latencies = [];
let open = 0, ended = 0, received = 0;
const requests = [];
for (const s of workerData.streams) {
  const req = http.get(s.url, { headers: s.headers, agent: false }, (res) => {
    if (res.statusCode !== 200) { ended++; res.resume(); return; }
    open++;
    parentPort.postMessage({ open });
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\\n\\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.includes('event: link')) continue;
        const data = block.slice(block.indexOf('data: ') + 6);
        const at = Date.parse(JSON.parse(data).at);
        latencies.push(Date.now() - at);
        received++;
      }
    });
    res.on('close', () => ended++);
  });
  req.on('error', () => ended++);
  requests.push(req);
}
parentPort.on('message', (m) => {
  if (m === 'reset') { latencies.length = 0; received = 0; }
  if (m === 'stop') {
    parentPort.postMessage({ latencies, open, ended, received });
    for (const r of requests) r.destroy();
  }
});
`;
const worker = new Worker(clientCode, { eval: true, workerData: { streams } });
await new Promise<void>((resolve, reject) => {
  worker.on('error', reject);
  worker.on('message', (m: { open?: number }) => {
    if (m.open === STREAMS) resolve();
  });
});
const hub = t.app.liveStreams;
console.error(`${hub.streamCount} streams open`);

// Ingest at RATE per second: every tick, one batch per tenant.
const perTick = Math.round((RATE * TICK_MS) / 1000 / TENANTS);
let sent = 0;
let watchedSent = 0;
async function tick(): Promise<void> {
  await Promise.all(
    tenants.map((tenant) => {
      const events: RedoubtEvent[] = [];
      for (let i = 0; i < perTick; i++) {
        if (Math.random() < WATCHED_SHARE) {
          events.push(deviceEvent(`w${Math.floor(Math.random() * perTenant)}`));
          watchedSent++;
        } else events.push(deviceEvent(`b${Math.floor(Math.random() * 2_000)}`));
      }
      sent += events.length;
      return post(tenant, events);
    }),
  );
}
// Warm-up, then the measured run.
for (let i = 0; i < 4; i++) await tick();
worker.postMessage('reset');
sent = 0;
watchedSent = 0;
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
let behind = 0;
for (let i = 0; i < (SECONDS * 1000) / TICK_MS; i++) {
  const due = started + (i + 1) * TICK_MS;
  await tick();
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  else behind++;
}
const elapsed = (performance.now() - started) / 1000;
await new Promise((r) => setTimeout(r, 1_000));
globalThis.gc?.();
const rssAfter = process.memoryUsage().rss;
const result = await new Promise<{ latencies: number[]; open: number; ended: number; received: number }>((resolve) => {
  worker.once('message', resolve);
  worker.postMessage('stop');
});
await worker.terminate();
const sorted = result.latencies.sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
console.error(
  `ingested ${sent} events in ${elapsed.toFixed(1)} s (${Math.round(sent / elapsed)}/s, ${behind} ticks late); ` +
    `${watchedSent} on watched customers, ${result.received} link events delivered; dropped ${hub.dropped}`,
);
await t.close();
console.log(
  JSON.stringify({
    bench: 'live',
    streams: STREAMS,
    tenants: TENANTS,
    eventsPerSec: Math.round(sent / elapsed),
    delivered: result.received,
    deliveryP50Ms: pct(50),
    deliveryP99Ms: pct(99),
    dropped: hub.dropped,
    rssGrowthMB: Math.round(((rssAfter - rssBefore) / 2 ** 20) * 10) / 10,
  }),
);
process.exit(0);
