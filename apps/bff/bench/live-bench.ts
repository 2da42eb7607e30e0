// `npm run bench:live [-- --streams 1000 --tenants 10 --rate 5000 --seconds 20 --network-runs 3
//   --sends spread|burst]`:
// 1. Delivery: open event streams of GET /api/live across tenants (one person each, one watched
//    customer each) while events are ingested through POST /api/tenants/:tenant/events at `rate`
//    per second. The clients run in a worker thread (their own event loop) over real HTTP; the
//    server is the real app on embedded stores (test/support/ingest-app.ts).
//      deliveryP50Ms / deliveryP99Ms  event timestamp (set when the batch is sent) -> client read
//      rssGrowthMB                    BFF process RSS at the end minus after the warm-up (after a GC)
//      rssAnonGrowthMB, rssFileGrowthMB  its anonymous and file-backed parts (/proc/self/status)
//      heapGrowthMB, externalGrowthMB the same for V8's heap and external memory
//      graphGrowthMB                  the same for the graphs' own bytes (GraphEngine.stats().bytes):
//                                     every event adds a device, so the graph grows by design
//    Batches are spread over each tick (tenant j at j/tenants of it); `--sends burst` sends them all
//    at once.
// 2. Network: in headless Chromium (Debian's /usr/bin/chromium, as the e2e suite), a 2,000-node
//    network (about 2,500 links) drawn as the customer page draws it (network-bench-page.ts), from the
//    start of drawing until a tap on the root customer is handled: laid out, painted, interactive.
//      network2000Ms     as the page draws it (identifiers grouped past SMOOTH_NODES), median of runs
//      network2000RawMs  every node drawn on its own, median of runs (the reason for the groups)
//    Each run is a fresh page, so nothing is warm. `--network-only` skips part 1.
// The last line is one JSON object.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Network, NetworkNode } from '@redoubt/contracts/api';
import type { RedoubtEvent } from '@redoubt/contracts';
import { ingestApp } from '../test/support/ingest-app.ts';

/** What the page (apps/dashboard/src/app/customer/network-bench-page.ts) answers. */
interface Drawn {
  started: number;
  layoutMs: number;
  limit: number;
  nodes: number;
  edges: number;
  x: number;
  y: number;
}
declare global {
  var drawNetwork: (network: Network, rootId: string, limit: number | undefined) => Promise<Drawn>;
  var tappedAt: number | undefined;
}

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    tenants: { type: 'string', default: '10' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
    'network-runs': { type: 'string', default: '3' },
    'network-only': { type: 'boolean', default: false },
    sends: { type: 'string', default: 'spread' },
  },
});
const STREAMS = Number(values.streams);
const TENANTS = Number(values.tenants);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const NETWORK_RUNS = Number(values['network-runs']);
const SENDS = values.sends === 'burst' ? 'burst' : 'spread';
// One batch per tenant every half second: each tenant's sender is its own service principal, well
// inside the per-principal write limit (plugins/security.ts, 240 a minute).
const TICK_MS = 500;
/** Share of ingested events that land on a watched customer (analysts watch few of many). */
const WATCHED_SHARE = 0.1;

interface Delivery {
  eventsPerSec: number;
  delivered: number;
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  dropped: number;
  rssGrowthMB: number;
  rssAnonGrowthMB: number;
  rssFileGrowthMB: number;
  heapGrowthMB: number;
  externalGrowthMB: number;
  graphGrowthMB: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function measureDelivery(): Promise<Delivery> {
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

  // Streams open 25 at a time, and a 503 (load shedding while the set-up still busies the loop) is
  // retried a second later, as EventSource does; any other refusal fails the bench.
  const clientCode = `
  const { parentPort, workerData } = require('node:worker_threads');
  const http = require('node:http');
  const latencies = [];
  let open = 0, ended = 0, received = 0;
  const refused = [];
  const requests = [];
  const connect = (s, attempt) => new Promise((settle) => {
    const req = http.get(s.url, { headers: s.headers, agent: false }, (res) => {
      if (res.statusCode === 503 && attempt < 20) {
        res.resume();
        setTimeout(() => connect(s, attempt + 1).then(settle), 1000);
        return;
      }
      if (res.statusCode !== 200) { refused.push(res.statusCode); res.resume(); settle(); return; }
      open++;
      settle();
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
    req.on('error', (e) => { refused.push(e.code); settle(); });
    requests.push(req);
  });
  (async () => {
    const all = workerData.streams;
    for (let i = 0; i < all.length; i += 25) await Promise.all(all.slice(i, i + 25).map((s) => connect(s, 0)));
    parentPort.postMessage({ open, refused });
  })();
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
    worker.once('message', (m: { open: number; refused: (number | string)[] }) => {
      if (m.refused.length > 0)
        reject(new Error(`${m.refused.length} streams refused: ${m.refused.slice(0, 5).join(', ')}`));
      else resolve();
    });
  });
  const hub = t.app.liveStreams;
  console.error(`${hub.streamCount} streams open`);

  // Ingest at RATE per second: every tick, one batch per tenant. By default each tenant's batches
  // are spread over the tick (tenant j sends at j/TENANTS of it), as independent merchants' clients
  // are; `--sends burst` sends every tenant's batch at the same instant (the bench before
  // 2 December 2026), so a link also waits for the other tenants' batches of that instant.
  const perTick = Math.round((RATE * TICK_MS) / 1000 / TENANTS);
  let sent = 0;
  let watchedSent = 0;
  function batch(): RedoubtEvent[] {
    const events: RedoubtEvent[] = [];
    for (let i = 0; i < perTick; i++) {
      if (Math.random() < WATCHED_SHARE) {
        events.push(deviceEvent(`w${Math.floor(Math.random() * perTenant)}`));
        watchedSent++;
      } else events.push(deviceEvent(`b${Math.floor(Math.random() * 2_000)}`));
    }
    sent += events.length;
    return events;
  }
  const offsetOf = (j: number) => (SENDS === 'burst' ? 0 : (j * TICK_MS) / TENANTS);
  /** `ticks` ticks from now; returns how many batches were sent late (the BFF was still busy). */
  async function ingestFor(ticks: number): Promise<number> {
    const start = performance.now();
    let late = 0;
    await Promise.all(
      tenants.map(async (tenant, j) => {
        for (let i = 0; i < ticks; i++) {
          const wait = start + i * TICK_MS + offsetOf(j) - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          else if (i > 0) late++;
          await post(tenant, batch());
        }
      }),
    );
    // The whole span of the ticks, so the rate is events over their time.
    const rest = start + ticks * TICK_MS - performance.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    return late;
  }
  /** What the process holds, after a full collection. */
  const memory = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    // Linux splits resident memory into anonymous (malloc, V8, the graphs' arrays, SQLite's page
    // caches) and file-backed or shared pages (the embedded stores' files, mapped by mmap_size).
    const status = readFileSync('/proc/self/status', 'utf8');
    const kB = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return {
      rss: m.rss,
      anon: kB('RssAnon'),
      file: kB('RssFile') + kB('RssShmem'),
      heap: m.heapUsed,
      external: m.external,
      graphs: t.services.graphs.totals().bytes,
    };
  };
  // Warm-up, then the measured run.
  await ingestFor(4);
  worker.postMessage('reset');
  sent = 0;
  watchedSent = 0;
  const before = memory();
  const started = performance.now();
  const behind = await ingestFor((SECONDS * 1000) / TICK_MS);
  const elapsed = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1_000));
  const after = memory();
  const result = await new Promise<{ latencies: number[]; open: number; ended: number; received: number }>(
    (resolve) => {
      worker.once('message', resolve);
      worker.postMessage('stop');
    },
  );
  await worker.terminate();
  const sorted = result.latencies.sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  console.error(
    `ingested ${sent} events in ${elapsed.toFixed(1)} s (${Math.round(sent / elapsed)}/s, ${behind} batches late); ` +
      `${watchedSent} on watched customers, ${result.received} link events delivered; dropped ${hub.dropped}`,
  );
  await t.close();
  return {
    eventsPerSec: Math.round(sent / elapsed),
    delivered: result.received,
    deliveryP50Ms: pct(50),
    deliveryP99Ms: pct(99),
    dropped: hub.dropped,
    rssGrowthMB: mb(after.rss - before.rss),
    rssAnonGrowthMB: mb(after.anon - before.anon),
    rssFileGrowthMB: mb(after.file - before.file),
    heapGrowthMB: mb(after.heap - before.heap),
    externalGrowthMB: mb(after.external - before.external),
    graphGrowthMB: mb(after.graphs - before.graphs),
  };
}

/** A deterministic pseudo-random sequence (mulberry32), so every run draws the same network. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A 2,000-node depth-3 network shaped like a ring around a root customer: six identifiers of the
 * root, 500 customers sharing them, and their own identifiers (a fifth shared by two customers).
 */
function bigNetwork(size = 2_000): Network {
  const rnd = random(14);
  const kinds = ['email', 'phone', 'device', 'card', 'ip', 'address'];
  const at = '2026-11-01T00:00:00.000Z';
  const nodes: NetworkNode[] = [{ id: 'c:root', type: 'customer', key: 'root', depth: 0, degree: 1 }];
  const edges: Network['edges'] = [];
  const link = (source: string, target: string) =>
    edges.push({ source, target, firstSeen: at, lastSeen: at, count: 1 });
  const hubs = kinds.map((kind) => `${kind}:hub-${kind}`);
  for (const id of hubs) {
    const kind = id.slice(0, id.indexOf(':'));
    nodes.push({ id, type: 'identifier', key: id.slice(kind.length + 1), kind, depth: 1, degree: 90 });
    link('c:root', id);
  }
  const customers: string[] = [];
  for (let i = 0; i < 500; i++) {
    const id = `c:m${i}`;
    customers.push(id);
    const label = rnd() < 0.05 ? 'FRAUDSTER' : undefined;
    nodes.push({ id, type: 'customer', key: `m${i}`, depth: 2, degree: 1, ...(label && { label }) });
    link(id, hubs[i % hubs.length]!);
    if (rnd() < 0.5) link(id, hubs[(i + 1) % hubs.length]!);
  }
  for (let i = 0; nodes.length < size; i++) {
    const kind = kinds[Math.floor(rnd() * kinds.length)]!;
    const id = `${kind}:v${i}`;
    const shared = rnd() < 0.2;
    nodes.push({ id, type: 'identifier', key: `v${i}`, kind, depth: 3, degree: shared ? 2 : 1 });
    link(customers[Math.floor(rnd() * customers.length)]!, id);
    if (shared) link(customers[Math.floor(rnd() * customers.length)]!, id);
  }
  return {
    nodes,
    edges,
    truncated: false,
    component: { customers: 501, identifiers: nodes.length - 501, fraudsters: 0, share: 0 },
  };
}

interface NetworkRun {
  ms: number;
  layoutMs: number;
  limit: number;
  nodes: number;
  edges: number;
}

/** Draws the network in fresh pages, grouped as the page does and raw, alternating; medians of each. */
async function measureNetwork(): Promise<{ grouped: NetworkRun[]; raw: NetworkRun[]; links: number }> {
  const bundle = await build({
    entryPoints: [new URL('../../dashboard/src/app/customer/network-bench-page.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    platform: 'browser',
    tsconfig: new URL('../../dashboard/tsconfig.app.json', import.meta.url).pathname,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]!.text;
  const network = bigNetwork();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const runs = { grouped: [] as NetworkRun[], raw: [] as NetworkRun[] };
  try {
    for (let i = 0; i < NETWORK_RUNS; i++) {
      for (const [name, limit] of [
        ['grouped', undefined],
        ['raw', Number.MAX_SAFE_INTEGER],
      ] as const) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        // The customer page's canvas is 480 px high, the width of the page.
        await page.setContent('<body style="margin:0"><div id="cy" style="width:1200px;height:480px"></div></body>');
        await page.addScriptTag({ content: script });
        const drawn: Drawn = await page.evaluate(([n, l]) => globalThis.drawNetwork(n, 'root', l), [
          network,
          limit,
        ] as const);
        await page.mouse.click(drawn.x, drawn.y);
        const tappedAt = Number(await (await page.waitForFunction(() => globalThis.tappedAt)).jsonValue());
        runs[name].push({
          ms: Math.round(tappedAt - drawn.started),
          layoutMs: Math.round(drawn.layoutMs),
          limit: drawn.limit,
          nodes: drawn.nodes,
          edges: drawn.edges,
        });
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { ...runs, links: network.edges.length };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const delivery = values['network-only'] ? undefined : await measureDelivery();
const drawn = await measureNetwork();
console.error(
  `network of 2,000 nodes and ${drawn.links} links: grouped ${JSON.stringify(drawn.grouped)}; raw ${JSON.stringify(drawn.raw)}`,
);
console.log(
  JSON.stringify({
    bench: 'live',
    streams: delivery ? STREAMS : 0,
    tenants: TENANTS,
    ...(delivery && { sends: SENDS }),
    ...delivery,
    network2000Ms: median(drawn.grouped.map((r) => r.ms)),
    network2000RawMs: median(drawn.raw.map((r) => r.ms)),
    smoothNodes: drawn.grouped[0]?.limit,
    networkDrawnNodes: drawn.grouped[0]?.nodes,
  }),
);
process.exit(0);
