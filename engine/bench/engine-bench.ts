// Side-by-side benchmark: GraphEngine vs graphology on the same seeded synthetic bipartite graph.
//   npm run bench:engine -- --customers 1000000 [--queries 1000] [--seed 7] [--inserts 500000]
//     [--insert-batch 100] [--network-budget 500] [--engine-only] [--no-hints]
//     [--profile-inserts file.cpuprofile]
// Prints each figure and the ratios; the last line is one JSON object (see engine/bench/RESULTS.md).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { parseArgs } from 'node:util';
import { UndirectedGraph } from 'graphology';
import { GraphEngine, writeNetworkJson } from '../src/index.ts';
import { answerDifference, apiJson, graphologyJson, graphologyNetwork } from './graphology-answer.ts';
import { KINDS, generate, mulberry32 } from './dataset.ts';
import { percentile, timeEach } from './timing.ts';
import { describeSnapshot, snapshotUnderLoad } from './snapshot-pause.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
    inserts: { type: 'string', default: '500000' },
    // Links between two timed queries in the live phase. 100 links is 5,000 queries a second at
    // 500,000 links a second; in the operational flow every scored event (~4 links) reads its
    // network, so real mixes are denser still. At 1,000, cache eviction alone (the control) costs
    // 1.5-2x the idle p99 on this machine, whatever the engine does (RESULTS.md, session 3).
    'insert-batch': { type: 'string', default: '100' },
    // Node cap of the full network answer: the BFF's default maxNodes.
    'network-budget': { type: 'string', default: '500' },
    // Node budget of the path searches: the engine's default, which is the BFF's.
    'path-budget': { type: 'string' },
    'engine-only': { type: 'boolean', default: false },
    'no-hints': { type: 'boolean', default: false },
    // Writes a CPU profile of the live-insert loop alone (open it in Chrome DevTools).
    'profile-inserts': { type: 'string' },
  },
});
const CUSTOMERS = Number(args.customers);
const QUERIES = Number(args.queries);
const SEED = Number(args.seed);
const INSERTS = Number(args.inserts);
const INSERT_BATCH = Number(args['insert-batch']);
const COMPONENT_CAP = 10_000;
const NETWORK_BUDGET = Number(args['network-budget']);
const PATH_OPTIONS = { maxDepth: 8, ...(args['path-budget'] ? { maxNodes: Number(args['path-budget']) } : {}) };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench:engine does)');

// ---- helpers ----

/** JS heap plus ArrayBuffer memory, after full collections. */
function heapBytes(): number {
  const m = memoryAfterGc();
  return m.heapUsed + m.arrayBuffers;
}

function memoryAfterGc(): NodeJS.MemoryUsage {
  gc!();
  gc!();
  return process.memoryUsage();
}

const fmt = (n: number, digits = 3): string => n.toFixed(digits);
const log = (...parts: unknown[]): void => console.log(...parts);

const row = (name: string, e: number[], g: number[] | undefined): void => {
  const e50 = percentile(e, 0.5);
  const e99 = percentile(e, 0.99);
  if (!g) return log(`${name.padEnd(34)} engine p50 ${fmt(e50)} ms  p99 ${fmt(e99)} ms`);
  const g50 = percentile(g, 0.5);
  const g99 = percentile(g, 0.99);
  log(
    `${name.padEnd(34)} engine p50 ${fmt(e50)} ms  p99 ${fmt(e99)} ms | graphology p50 ${fmt(g50)} ms  p99 ${fmt(g99)} ms | ${fmt(g50 / e50, 1)}x / ${fmt(g99 / e99, 1)}x`,
  );
};

// graphology: the same breadth-first order (neighbours in insertion order), capped exactly.
function graphologyBfs(
  graph: UndirectedGraph,
  start: string,
  maxDepth: number,
  maxNodes: number,
  out: string[],
): boolean {
  out.length = 0;
  out.push(start);
  const seen = new Set<string>([start]);
  let next = 0;
  let truncated = false;
  for (let depth = 0; depth < maxDepth && next < out.length && !truncated; depth++) {
    const levelEnd = out.length;
    for (; next < levelEnd && !truncated; next++) {
      graph.someNeighbor(out[next], (w) => {
        if (seen.has(w)) return false;
        if (out.length >= maxNodes) return (truncated = true);
        seen.add(w);
        out.push(w);
        return false;
      });
    }
  }
  return truncated;
}

// Live inserts: new customers linking to existing and new identifiers, with a depth-3 query after
// every --insert-batch links; then a control run, compaction and a snapshot round trip. Run after
// graphology is released, so its 2 GB heap does not charge every allocation here with a full
// garbage collection.
async function liveAndSnapshot(sample: string[], baseline99: number): Promise<Record<string, number>> {
  const insertRandom = mulberry32(SEED + 2);
  const now = Date.UTC(2026, 0, 1);
  // The links are made up front, as a host's parsed events would be: the timed loop measures link(),
  // not string formatting, and its garbage does not push the heap into collections charged to it.
  const liveCustomers: string[] = [];
  const liveKinds: string[] = [];
  const liveValues: string[] = [];
  for (let k = 0; k < INSERTS; k++) {
    const kind = Math.floor(insertRandom() * 4);
    const pool = data.values[kind];
    liveCustomers.push(`live_${k >>> 2}`);
    liveKinds.push(KINDS[kind]);
    liveValues.push(insertRandom() < 0.5 ? pool[Math.floor(insertRandom() * pool.length)] : `new-${k}`);
  }
  gc!(); // start from a settled heap, as the idle query phases do
  const profiler = args['profile-inserts'] ? startProfile() : undefined;
  const live = interleaved(sample, (k) => void engine.link(liveCustomers[k], liveKinds[k], liveValues[k], now + k));
  profiler?.stop(args['profile-inserts']!);
  const insertsPerSec = INSERTS / (live.workMs / 1000);
  const during99 = percentile(live.queryMs, 0.99);

  // Control: the same schedule with each link() replaced by 10 random reads of 64 MiB of unrelated
  // memory (about the cache lines a link touches). It shows what the queries lose to cache eviction
  // alone, which no engine can avoid; the gap between the two is the engine's own interference.
  const unrelated = new Uint8Array(64 * 2 ** 20).fill(1); // written, so its pages are real, distinct memory
  let x = SEED;
  let sink = 0;
  const control = interleaved(sample, () => {
    for (let j = 0; j < 10; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      sink += unrelated[x >>> 6];
    }
  });
  if (sink === 0) throw new Error('control read nothing');
  const control99 = percentile(control.queryMs, 0.99);

  // A fold under load: the writes that follow fold the delta the live phase left into the base,
  // foldWork nodes and links each, with a timed query every INSERT_BATCH writes. Its figure is the
  // slowest single write, against the pause of one whole compact() below.
  const foldCustomers = Array.from({ length: 400_000 }, (_, k) => `fold_${k >>> 2}`);
  const foldValues = Array.from({ length: 400_000 }, (_, k) => `fold-${k}`);
  gc!();
  engine.fold(0);
  const foldQueryMs: number[] = [];
  let slowestWriteMs = 0;
  let foldWrites = 0;
  while (engine.stats().folding && foldWrites < foldCustomers.length) {
    for (let end = foldWrites + INSERT_BATCH; foldWrites < end; foldWrites++) {
      const t0 = performance.now();
      engine.link(foldCustomers[foldWrites], KINDS[foldWrites & 3], foldValues[foldWrites], now + foldWrites);
      slowestWriteMs = Math.max(slowestWriteMs, performance.now() - t0);
    }
    const t1 = performance.now();
    engine.traverse(sample[(foldWrites / INSERT_BATCH) % sample.length], { depth: 3 });
    foldQueryMs.push(performance.now() - t1);
  }
  if (engine.stats().folding) throw new Error(`the fold did not finish in ${foldWrites} writes`);
  const foldQuery99 = percentile(
    foldQueryMs.sort((a, b) => a - b),
    0.99,
  );

  t = performance.now();
  engine.compact();
  const compactMs = performance.now() - t;
  log(
    `live inserts ${fmt(insertsPerSec, 0)} links/s; depth-3 p99 while inserting ${fmt(during99)} ms (${fmt(during99 / baseline99, 2)}x the idle p99), one query per ${INSERT_BATCH} links`,
  );
  log(
    `control, same schedule without inserts (cache eviction only): depth-3 p99 ${fmt(control99)} ms (${fmt(control99 / baseline99, 2)}x the idle p99)`,
  );
  log(
    `fold under load: done by ${foldWrites} writes, slowest write ${fmt(slowestWriteMs)} ms, depth-3 p99 ${fmt(foldQuery99)} ms (${fmt(foldQuery99 / baseline99, 2)}x the idle p99); a whole compact() pauses ${fmt(compactMs, 0)} ms`,
  );

  // Snapshot while links and queries go on, with the event loop's delay measured (snapshot-pause.ts).
  const snapshot = await snapshotUnderLoad(engine, sample, data.values.slice(0, 4), SEED);
  log(describeSnapshot(snapshot));
  const { snapshotTotalMs: saveMs, loadMs, snapshotMaxLoopDelayMs, snapshotCaptureMs, snapshotWrites } = snapshot;
  return {
    insertsPerSec,
    during99,
    control99,
    foldWrites,
    slowestWriteMs,
    foldQuery99,
    compactMs,
    saveMs,
    loadMs,
    snapshotMaxLoopDelayMs,
    snapshotCaptureMs,
    snapshotWrites,
  };
}

/** INSERTS steps of `work`, with a timed depth-3 query after every INSERT_BATCH of them. */
function interleaved(sample: string[], work: (k: number) => void): { workMs: number; queryMs: number[] } {
  const queryMs: number[] = [];
  let workMs = 0;
  for (let done = 0; done < INSERTS; done += INSERT_BATCH) {
    const t0 = process.hrtime.bigint();
    for (let k = done; k < done + INSERT_BATCH && k < INSERTS; k++) work(k);
    workMs += Number(process.hrtime.bigint() - t0) / 1e6;
    const id = sample[(done / INSERT_BATCH) % sample.length];
    const t1 = process.hrtime.bigint();
    engine.traverse(id, { depth: 3 });
    queryMs.push(Number(process.hrtime.bigint() - t1) / 1e6);
  }
  return { workMs, queryMs: queryMs.sort((a, b) => a - b) };
}

/** An in-process CPU profile (the inspector session dispatches synchronously on this thread). */
function startProfile(): { stop(file: string): void } {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 100 });
  session.post('Profiler.start');
  return {
    stop(file) {
      session.post('Profiler.stop', (error, result) => {
        if (error) throw error;
        writeFileSync(file, JSON.stringify(result.profile));
        log(`insert profile written to ${file}`);
      });
      session.disconnect();
    },
  };
}

// ---- run ----

log(`engine bench: ${CUSTOMERS} customers, seed ${SEED}, ${QUERIES} queries, Node ${process.version}`);
let t = performance.now();
const data = generate(CUSTOMERS, SEED);
log(`generated ${data.links} links in ${fmt((performance.now() - t) / 1000, 1)} s`);
// graphology's node keys: only the side-by-side run needs them (released before the live phase).
const customerKeys = args['engine-only'] ? [] : data.customerIds.map((id) => `c:${id}`);
const valueKeys = args['engine-only'] ? [] : data.values.map((vs, k) => vs.map((v) => `${KINDS[k]}:${v}`));

// Engine build.
// The engine's columns live partly in resizable ArrayBuffers, which process.memoryUsage() leaves out
// of arrayBuffers: its memory is the JS heap it adds plus its own count of its typed arrays' bytes.
const heapBefore = memoryAfterGc().heapUsed;
t = performance.now();
// Bulk load: no auto-compaction while loading, one compaction at the end (a host restoring from the
// profile store does the same); the live-insert phase below uses the same engine.
// Size hints (nodes, links) as a host restoring from its store would pass; unhinted, the arrays
// double as they fill (see RESULTS.md for both figures).
const hinted = !args['no-hints'];
let cpu = process.cpuUsage();
const engine = new GraphEngine({
  compactRatio: Infinity,
  capacity: hinted ? CUSTOMERS * 3 : undefined,
  linkCapacity: hinted ? data.links : undefined,
});
for (let l = 0; l < data.links; l++) {
  engine.link(
    data.customerIds[data.linkCustomer[l]],
    KINDS[data.linkKind[l]],
    data.values[data.linkKind[l]][data.linkValue[l]],
    data.linkAt[l],
  );
}
for (const c of data.fraudsters) engine.setCustomer(data.customerIds[c], { label: 'FRAUDSTER' });
engine.compact();
const engineBuildMs = performance.now() - t;
const engineCpu = process.cpuUsage(cpu);
const engineBuildCpuMs = (engineCpu.user + engineCpu.system) / 1000;
const engineBytes = memoryAfterGc().heapUsed - heapBefore + engine.stats().bytes;
const stats = engine.stats();
log(
  `engine build ${fmt(engineBuildMs / 1000, 2)} s (CPU ${fmt(engineBuildCpuMs / 1000, 2)} s); ${stats.customers} customers, ${stats.identifiers} identifiers, ${stats.links} links`,
);
log(
  `engine memory ${fmt(engineBytes / 2 ** 20, 1)} MiB (${fmt(engineBytes / stats.links, 1)} B/link, of which typed arrays ${fmt(stats.bytes / stats.links, 1)} B/link)`,
);

/**
 * Paths between consecutive sample customers at the bench's path budget, timed one by one after a
 * warm-up on the first 200 pairs, as every other query here (without it, the first searches ran
 * before the JIT had compiled the search, and were some of the p99's slowest).
 */
function timePaths(sample: string[]): { times: number[]; found: number; pairs: (readonly [string, string])[] } {
  const pairs = sample.map((id, k) => [id, sample[(k + 1) % sample.length]] as const);
  for (const [a, b] of pairs.slice(0, 200)) engine.path(a, b, PATH_OPTIONS);
  const times: number[] = [];
  let found = 0;
  for (const [a, b] of pairs) {
    const t0 = process.hrtime.bigint();
    if (engine.path(a, b, PATH_OPTIONS)) found++;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { times: times.sort((a, b) => a - b), found, pairs };
}

if (args['engine-only']) {
  // Quick mode: the engine alone (build, idle depth-3 p99, live inserts, snapshot).
  const random = mulberry32(SEED + 1);
  const sample = Array.from({ length: QUERIES }, () => data.customerIds[Math.floor(random() * CUSTOMERS)]);
  timeEach(sample, (id) => engine.traverse(id, { depth: 3 })!.nodes.length); // warm-up, as in the full run
  const idle = timeEach(sample, (id) => engine.traverse(id, { depth: 3 })!.nodes.length);
  row('network depth 3 (node set)', idle, undefined);
  row(
    `component capped at ${COMPONENT_CAP}`,
    timeEach(sample, (id) => engine.component(id, { maxNodes: COMPONENT_CAP })),
    undefined,
  );
  const paths = timePaths(sample);
  row(`path, random pairs (${paths.found} found)`, paths.times, undefined);
  const idle99 = percentile(idle, 0.99);
  const live = await liveAndSnapshot(sample, idle99);
  log(
    JSON.stringify({
      bench: 'engine-only',
      customers: stats.customers,
      links: stats.links,
      buildMs: Math.round(engineBuildMs),
      bytesPerLink: +(engineBytes / stats.links).toFixed(1),
      depth3P99Ms: +idle99.toFixed(4),
      pathP50Ms: +percentile(paths.times, 0.5).toFixed(4),
      pathP99Ms: +percentile(paths.times, 0.99).toFixed(4),
      pathsFound: paths.found,
      insertsPerSec: Math.round(live.insertsPerSec),
      queryP99WhileInsertingRatio: +(live.during99 / idle99).toFixed(2),
      controlQueryP99Ratio: +(live.control99 / idle99).toFixed(2),
      insertBatch: INSERT_BATCH,
      foldWrites: live.foldWrites,
      foldSlowestWriteMs: +live.slowestWriteMs.toFixed(3),
      depth3P99WhileFoldingMs: +live.foldQuery99.toFixed(4),
      compactMs: Math.round(live.compactMs),
      saveMs: Math.round(live.saveMs),
      loadMs: Math.round(live.loadMs),
      snapshotMaxLoopDelayMs: live.snapshotMaxLoopDelayMs,
      snapshotCaptureMs: live.snapshotCaptureMs,
      snapshotWrites: live.snapshotWrites,
    }),
  );
  process.exit(0);
}

// graphology build.
const before = heapBytes();
t = performance.now();
cpu = process.cpuUsage();
const graph = new UndirectedGraph({ allowSelfLoops: false });
for (let l = 0; l < data.links; l++) {
  const c = customerKeys[data.linkCustomer[l]];
  const i = valueKeys[data.linkKind[l]][data.linkValue[l]];
  const at = data.linkAt[l];
  graph.mergeNode(c);
  graph.mergeNode(i);
  const edge = graph.edge(c, i);
  if (edge === undefined) graph.addEdge(c, i, { firstSeen: at, lastSeen: at, count: 1 });
  else
    graph.updateEdgeAttributes(edge, (a) => ({
      firstSeen: Math.min(a.firstSeen, at),
      lastSeen: Math.max(a.lastSeen, at),
      count: a.count + 1,
    }));
}
for (const c of data.fraudsters) graph.setNodeAttribute(customerKeys[c], 'label', 'FRAUDSTER');
const graphologyBuildMs = performance.now() - t;
const graphologyCpu = process.cpuUsage(cpu);
const graphologyBuildCpuMs = (graphologyCpu.user + graphologyCpu.system) / 1000;
const graphologyBytes = heapBytes() - before;
log(
  `graphology build ${fmt(graphologyBuildMs / 1000, 2)} s (CPU ${fmt(graphologyBuildCpuMs / 1000, 2)} s); ${graph.order} nodes, ${graph.size} links`,
);
log(`graphology memory ${fmt(graphologyBytes / 2 ** 20, 1)} MiB (${fmt(graphologyBytes / graph.size, 1)} B/link)`);
if (graph.size !== stats.links || graph.order !== stats.customers + stats.identifiers)
  throw new Error('graphs differ in size');

// Query sample.
const random = mulberry32(SEED + 1);
const sample = Array.from({ length: QUERIES }, () => data.customerIds[Math.floor(random() * CUSTOMERS)]);
const warm = sample.slice(0, Math.min(200, QUERIES));
const out: string[] = [];

// Check identical node sets (untimed), then time each side.
function sameNodes(customerId: string, depth: number, maxNodes: number): boolean {
  const tr = engine.traverse(customerId, { depth, maxNodes })!;
  const truncated = graphologyBfs(graph, `c:${customerId}`, depth, maxNodes, out);
  if (tr.truncated !== truncated || tr.nodes.length !== out.length) {
    if (process.env.DEBUG_BENCH)
      console.log(
        customerId,
        depth,
        tr.truncated,
        truncated,
        tr.nodes.length,
        out.length,
        Array.from(tr.nodes.slice(0, 8), (v) => engine.nodeId(v)),
        out.slice(0, 8),
      );
    return false;
  }
  const mine = new Set(Array.from(tr.nodes, (v) => engine.nodeId(v)));
  return out.every((k) => mine.has(k));
}
let mismatches = 0;
let reached = 0;
for (const id of sample) {
  if (!sameNodes(id, 3, Infinity)) mismatches++;
  reached += out.length;
  if (!sameNodes(id, Infinity, COMPONENT_CAP)) mismatches++;
}
log(
  `node sets: ${mismatches === 0 ? 'identical' : `${mismatches} MISMATCHES`} over ${QUERIES * 2} queries (depth 3 mean ${fmt(reached / QUERIES, 0)} nodes)`,
);
if (mismatches > 0) process.exitCode = 1;

const depth3 = (id: string): number => engine.traverse(id, { depth: 3 })!.nodes.length;
const depth3G = (id: string): number => (graphologyBfs(graph, `c:${id}`, 3, Infinity, out), out.length);
// Each side warms up right before its own timed pass, so neither is timed on caches the other
// just filled with its own data.
timeEach(warm, depth3);
const d3E = timeEach(sample, depth3);
timeEach(warm, depth3G);
const d3G = timeEach(sample, depth3G);

const componentE = (id: string): void => void engine.component(id, { maxNodes: COMPONENT_CAP });
const componentG = (id: string): number => {
  graphologyBfs(graph, `c:${id}`, Infinity, COMPONENT_CAP, out);
  let customers = 0;
  let fraudsters = 0;
  for (const k of out) {
    if (k.startsWith('c:')) {
      customers++;
      if (graph.getNodeAttribute(k, 'label') === 'FRAUDSTER') fraudsters++;
    }
  }
  return customers + fraudsters;
};
// Figures must agree too.
for (const id of sample.slice(0, 100)) {
  const mine = engine.component(id, { maxNodes: COMPONENT_CAP })!;
  graphologyBfs(graph, `c:${id}`, Infinity, COMPONENT_CAP, out);
  const fraud = out.filter((k) => k.startsWith('c:') && graph.getNodeAttribute(k, 'label') === 'FRAUDSTER').length;
  const cust = out.filter((k) => k.startsWith('c:')).length;
  if (mine.customers !== cust || mine.fraudsters !== fraud || mine.customers + mine.identifiers !== out.length) {
    throw new Error(`component figures differ for ${id}`);
  }
}
timeEach(warm, componentE);
const cE = timeEach(sample, componentE);
timeEach(warm, componentG);
const cG = timeEach(sample, componentG);

// The full network answer at the BFF's default node budget, depth 3: every node's kind, depth,
// degree and attributes, every edge between answer nodes with its times and count. Checked first,
// query by query: the engine's network() against graphology's answer, and the engine's JSON
// against the bytes the BFF made of network() before (apiJson).
const netOptions = { depth: 3, maxNodes: NETWORK_BUDGET };
let answerMismatches = 0;
let jsonMismatches = 0;
let answerNodes = 0;
let answerEdges = 0;
for (const id of sample) {
  const mine = engine.network(id, netOptions)!;
  answerNodes += mine.nodes.length;
  answerEdges += mine.edges.length;
  const difference = answerDifference(mine, graphologyNetwork(graph, `c:${id}`, 3, NETWORK_BUDGET));
  if (difference !== undefined) {
    answerMismatches++;
    if (process.env.DEBUG_BENCH) log(id, difference);
  }
  if (writeNetworkJson(engine.networkColumns(id, netOptions)!).toString() !== apiJson(mine)) jsonMismatches++;
}
log(
  `network answers at ${NETWORK_BUDGET} nodes: ${answerMismatches === 0 ? 'identical' : `${answerMismatches} MISMATCHES`} to graphology's, JSON ${jsonMismatches === 0 ? 'identical' : `${jsonMismatches} MISMATCHES`} to the former route's (mean ${fmt(answerNodes / QUERIES, 0)} nodes, ${fmt(answerEdges / QUERIES, 0)} edges)`,
);
if (answerMismatches + jsonMismatches > 0) process.exitCode = 1;
const fullE = (id: string): number => engine.networkColumns(id, netOptions)!.nodeCount;
const fullG = (id: string): number => graphologyNetwork(graph, `c:${id}`, 3, NETWORK_BUDGET).nodes.length;
const jsonE = (id: string): number => writeNetworkJson(engine.networkColumns(id, netOptions)!).length;
const jsonG = (id: string): number => graphologyJson(graphologyNetwork(graph, `c:${id}`, 3, NETWORK_BUDGET)).length;
const objectsE = (id: string): number => engine.network(id, netOptions)!.nodes.length;
timeEach(warm, fullE);
const nfE = timeEach(sample, fullE);
timeEach(warm, fullG);
const nfG = timeEach(sample, fullG);
timeEach(warm, jsonE);
const njE = timeEach(sample, jsonE);
timeEach(warm, jsonG);
const njG = timeEach(sample, jsonG);
timeEach(warm, objectsE);
const noE = timeEach(sample, objectsE);
// network() with its own default cap (2,000 nodes), the figure earlier runs reported.
const netE = timeEach(sample, (id) => void engine.network(id, { depth: 3 }));

// Paths between random pairs, with the default node budget; checked against the same search
// without a budget (what path() did before budgets): same chain for every pair.
const { times: pathTimes, found: pathsFound, pairs: pathPairs } = timePaths(sample);
// A budgeted search answers the same chain as an unbudgeted one, or null because it stopped at
// its budget (counted apart: that is the budget doing its job, not a wrong answer).
let pathMismatches = 0;
let pathsStoppedAtBudget = 0;
for (const [a, b] of pathPairs) {
  const budgeted = engine.path(a, b, PATH_OPTIONS);
  const unbudgeted = engine.path(a, b, { maxDepth: 8, maxNodes: Infinity });
  if (budgeted === null && unbudgeted !== null) pathsStoppedAtBudget++;
  else if (JSON.stringify(budgeted) !== JSON.stringify(unbudgeted)) pathMismatches++;
}
if (pathMismatches > 0) process.exitCode = 1;

row('network depth 3 (node set)', d3E, d3G);
row(`component capped at ${COMPONENT_CAP}`, cE, cG);
row(`network answer, ${NETWORK_BUDGET} nodes (columns)`, nfE, nfG);
row(`network answer, ${NETWORK_BUDGET} nodes (JSON)`, njE, njG);
row(`network(), ${NETWORK_BUDGET} nodes (objects)`, noE, undefined);
row('network() depth 3, 2,000 nodes', netE, undefined);
row(`path, random pairs (${pathsFound} found)`, pathTimes, undefined);
log(
  `paths: ${pathMismatches === 0 ? 'identical' : `${pathMismatches} MISMATCHES`} to unbudgeted searches, ${pathsStoppedAtBudget} stopped at the budget`,
);

graph.clear();
customerKeys.length = 0;
valueKeys.length = 0;
const {
  insertsPerSec,
  during99,
  control99,
  foldWrites,
  slowestWriteMs,
  foldQuery99,
  compactMs,
  saveMs,
  loadMs,
  snapshotMaxLoopDelayMs,
  snapshotCaptureMs,
  snapshotWrites,
} = await liveAndSnapshot(sample, percentile(d3E, 0.99));

const result = {
  bench: 'engine',
  customers: stats.customers,
  identifiers: stats.identifiers,
  links: stats.links,
  buildSpeedup: +(graphologyBuildMs / engineBuildMs).toFixed(2),
  buildMs: Math.round(engineBuildMs),
  graphologyBuildMs: Math.round(graphologyBuildMs),
  buildCpuSpeedup: +(graphologyBuildCpuMs / engineBuildCpuMs).toFixed(2),
  buildCpuMs: Math.round(engineBuildCpuMs),
  graphologyBuildCpuMs: Math.round(graphologyBuildCpuMs),
  bytesPerLink: +(engineBytes / stats.links).toFixed(1),
  graphologyBytesPerLink: +(graphologyBytes / stats.links).toFixed(1),
  depth3P50Ms: +percentile(d3E, 0.5).toFixed(4),
  depth3P50Speedup: +(percentile(d3G, 0.5) / percentile(d3E, 0.5)).toFixed(1),
  depth3P99Speedup: +(percentile(d3G, 0.99) / percentile(d3E, 0.99)).toFixed(1),
  depth3P99Ms: +percentile(d3E, 0.99).toFixed(4),
  componentP50Ms: +percentile(cE, 0.5).toFixed(4),
  componentP99Speedup: +(percentile(cG, 0.99) / percentile(cE, 0.99)).toFixed(1),
  componentP99Ms: +percentile(cE, 0.99).toFixed(4),
  networkBudget: NETWORK_BUDGET,
  networkFullP50Ms: +percentile(nfE, 0.5).toFixed(4),
  networkFullP99Ms: +percentile(nfE, 0.99).toFixed(4),
  networkFullP50Speedup: +(percentile(nfG, 0.5) / percentile(nfE, 0.5)).toFixed(1),
  networkFullP99Speedup: +(percentile(nfG, 0.99) / percentile(nfE, 0.99)).toFixed(1),
  networkJsonP50Ms: +percentile(njE, 0.5).toFixed(4),
  networkJsonP99Ms: +percentile(njE, 0.99).toFixed(4),
  networkJsonP50Speedup: +(percentile(njG, 0.5) / percentile(njE, 0.5)).toFixed(1),
  networkJsonP99Speedup: +(percentile(njG, 0.99) / percentile(njE, 0.99)).toFixed(1),
  networkObjectsP99Ms: +percentile(noE, 0.99).toFixed(4),
  network2000P50Ms: +percentile(netE, 0.5).toFixed(4),
  network2000P99Ms: +percentile(netE, 0.99).toFixed(4),
  pathP50Ms: +percentile(pathTimes, 0.5).toFixed(4),
  pathP99Ms: +percentile(pathTimes, 0.99).toFixed(4),
  pathsFound,
  pathsStoppedAtBudget,
  insertsPerSec: Math.round(insertsPerSec),
  queryP99WhileInsertingRatio: +(during99 / percentile(d3E, 0.99)).toFixed(2),
  depth3P99WhileInsertingMs: +during99.toFixed(4),
  controlQueryP99Ratio: +(control99 / percentile(d3E, 0.99)).toFixed(2),
  insertBatch: INSERT_BATCH,
  foldWrites,
  foldSlowestWriteMs: +slowestWriteMs.toFixed(3),
  depth3P99WhileFoldingMs: +foldQuery99.toFixed(4),
  compactMs: Math.round(compactMs),
  saveMs: Math.round(saveMs),
  loadMs: Math.round(loadMs),
  snapshotMaxLoopDelayMs,
  snapshotCaptureMs,
  snapshotWrites,
  identicalNodeSets: mismatches === 0,
  identicalAnswers: answerMismatches === 0 && jsonMismatches === 0 && pathMismatches === 0,
};
log(JSON.stringify(result));
