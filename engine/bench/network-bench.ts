// The network answer at engine speed, against graphology, on a graph generated independently of
// bench:engine's: Zipf-distributed sharing per identifier kind (a few values shared by thousands of
// customers, a long tail shared by two or three), planted rings, repeated sightings, scores and
// actions. Both sides build the same full answer (breadth-first, node and edge attributes, the
// BFF's default node budget); every answer is checked to be identical before anything is timed.
//   npm run bench:network -- [--customers 1000000] [--queries 1000] [--rounds 5] [--seed 11]
//     [--budget 500] [--depth 3]
// Each round times a fresh sample of start customers; figures are medians over rounds, with the
// spread (min-max) beside them. The last line is one JSON object.
import { parseArgs } from 'node:util';
import { UndirectedGraph } from 'graphology';
import { GraphEngine, writeNetworkJson } from '../src/index.ts';
import { answerDifference, apiJson, graphologyJson, graphologyNetwork } from './graphology-answer.ts';
import { median, percentile, timeEach } from './timing.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '11' },
    budget: { type: 'string', default: '500' },
    depth: { type: 'string', default: '3' },
  },
});
const CUSTOMERS = Number(args.customers);
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const SEED = Number(args.seed);
const BUDGET = Number(args.budget);
const DEPTH = Number(args.depth);
const COMPONENT_CAP = 10_000;

// ---- an independent generator: sfc32 and Zipf by inverse CDF ----

/** sfc32 (Small Fast Counting), seeded through splitmix32: a period far beyond these draws. */
function sfc32(seed: number): () => number {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..size-1 with P(rank r) proportional to 1 / (r + 1)^s. */
function zipf(size: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cdf[r] = sum += 1 / Math.pow(r + 1, s);
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface Kind {
  name: string;
  /** Links per customer: min + a uniform draw of 0..extra. */
  min: number;
  extra: number;
  /** Share of a kind's draws that are new values seen once; the rest are Zipf ranks of a shared pool. */
  unique: number;
  pool: number;
  exponent: number;
  format: (v: number) => string;
}

const KINDS: Kind[] = [
  {
    name: 'email',
    min: 1,
    extra: 1,
    unique: 0.85,
    pool: 0.1,
    exponent: 0.8,
    format: (v) => `p${v}@post${v % 31}.example`,
  },
  {
    name: 'phone',
    min: 0,
    extra: 1,
    unique: 0.7,
    pool: 0.1,
    exponent: 0.8,
    format: (v) => `+3361${String(v).padStart(7, '0')}`,
  },
  {
    name: 'device',
    min: 1,
    extra: 2,
    unique: 0.4,
    pool: 0.3,
    exponent: 0.8,
    format: (v) => `fp_${(v * 40503) >>> 0}_${v}`,
  },
  {
    name: 'ip',
    min: 1,
    extra: 3,
    unique: 0.2,
    pool: 0.3,
    exponent: 0.85,
    format: (v) => `172.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`,
  },
  { name: 'card', min: 0, extra: 2, unique: 0.85, pool: 0.05, exponent: 0.8, format: (v) => `tok_${v.toString(36)}` },
  {
    name: 'address',
    min: 0,
    extra: 1,
    unique: 0.7,
    pool: 0.1,
    exponent: 0.9,
    format: (v) => `${v % 400} rue ${v} 75${String(v % 20).padStart(3, '0')} paris`,
  },
];

interface Link {
  customer: number;
  kind: number;
  value: number;
  at: number;
}

function generate(customers: number, seed: number) {
  const random = sfc32(seed);
  const draws = KINDS.map((k) => zipf(Math.max(1, Math.ceil(customers * k.pool)), k.exponent, random));
  const next = KINDS.map((k) => Math.max(1, Math.ceil(customers * k.pool))); // unique values after the pool
  const links: Link[] = [];
  const start = Date.UTC(2023, 0, 1);
  const span = 3 * 365 * 86400_000;
  for (let c = 0; c < customers; c++) {
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[k];
      const n = kind.min + Math.floor(random() * (kind.extra + 1));
      for (let i = 0; i < n; i++) {
        const value = random() < kind.unique ? next[k]++ : draws[k]();
        const at = start + Math.floor(random() * span);
        links.push({ customer: c, kind: k, value, at });
        if (random() < 0.15)
          links.push({ customer: c, kind: k, value, at: at + Math.floor(random() * 86400_000 * 30) });
      }
    }
  }
  // Rings: 5-50 customers sharing a device, a card and an address; most of them labelled.
  const labels = new Map<number, string>();
  let ringCustomers = 0;
  while (ringCustomers < customers * 0.02) {
    const size = 5 + Math.floor(random() * 46);
    const shared = [2, 4, 5].map((k) => [k, next[k]++]);
    for (let i = 0; i < size; i++) {
      const c = Math.floor(random() * customers);
      for (const [k, value] of shared)
        links.push({ customer: c, kind: k, value, at: start + Math.floor(random() * span) });
      if (random() < 0.7) labels.set(c, 'FRAUDSTER');
    }
    ringCustomers += size;
  }
  for (let i = 0; i < customers * 0.01; i++) labels.set(Math.floor(random() * customers), 'GENUINE');
  // Scores (two decimals, exact after the engine's float32 and rounding) and actions on a third.
  const scored = new Map<number, { score: number; action: string }>();
  for (let c = 0; c < customers; c++) {
    if (random() < 0.33) {
      const score = Math.round(random() * 100) / 100;
      scored.set(c, { score, action: score > 0.8 ? 'PREVENT' : score > 0.5 ? 'REVIEW' : 'ALLOW' });
    }
  }
  const customerIds = Array.from({ length: customers }, (_, c) => `C${(c * 2654435761) >>> 0}x${c}`);
  return { links, labels, scored, customerIds };
}

// ---- helpers ----

const fmt = (n: number, digits = 3): string => n.toFixed(digits);
const log = (...parts: unknown[]): void => console.log(...parts);

// ---- build both sides ----

log(
  `network bench: ${CUSTOMERS} customers, seed ${SEED}, ${ROUNDS} rounds of ${QUERIES} queries, budget ${BUDGET}, depth ${DEPTH}, Node ${process.version}`,
);
let t = performance.now();
const data = generate(CUSTOMERS, SEED);
log(`generated ${data.links.length} links in ${fmt((performance.now() - t) / 1000, 1)} s`);
const values = KINDS.map(() => new Map<number, string>());
const valueOf = (kind: number, v: number): string => {
  let s = values[kind].get(v);
  if (s === undefined) values[kind].set(v, (s = KINDS[kind].format(v)));
  return s;
};

t = performance.now();
const engine = new GraphEngine({ compactRatio: Infinity, capacity: CUSTOMERS * 4, linkCapacity: data.links.length });
for (const l of data.links)
  engine.link(data.customerIds[l.customer], KINDS[l.kind].name, valueOf(l.kind, l.value), l.at);
for (const [c, label] of data.labels) engine.setCustomer(data.customerIds[c], { label });
for (const [c, s] of data.scored) engine.setCustomer(data.customerIds[c], s);
engine.compact();
const engineBuildMs = performance.now() - t;
const stats = engine.stats();
log(
  `engine build ${fmt(engineBuildMs / 1000, 2)} s; ${stats.customers} customers, ${stats.identifiers} identifiers, ${stats.links} links`,
);

t = performance.now();
const graph = new UndirectedGraph({ allowSelfLoops: false });
for (const l of data.links) {
  const c = `c:${data.customerIds[l.customer]}`;
  const i = `${KINDS[l.kind].name}:${valueOf(l.kind, l.value)}`;
  graph.mergeNode(c);
  graph.mergeNode(i);
  const at = Math.floor(l.at / 1000) * 1000; // the engine's one-second resolution
  const edge = graph.edge(c, i);
  if (edge === undefined) graph.addEdge(c, i, { firstSeen: at, lastSeen: at, count: 1 });
  else
    graph.updateEdgeAttributes(edge, (a) => ({
      firstSeen: Math.min(a.firstSeen, at),
      lastSeen: Math.max(a.lastSeen, at),
      count: a.count + 1,
    }));
}
for (const [c, label] of data.labels) graph.setNodeAttribute(`c:${data.customerIds[c]}`, 'label', label);
for (const [c, s] of data.scored) graph.mergeNodeAttributes(`c:${data.customerIds[c]}`, s);
const graphologyBuildMs = performance.now() - t;
log(`graphology build ${fmt(graphologyBuildMs / 1000, 2)} s; ${graph.order} nodes, ${graph.size} links`);
if (graph.size !== stats.links || graph.order !== stats.customers + stats.identifiers)
  throw new Error('graphs differ in size');
const hubs = [...graph.nodes()]
  .filter((n) => !n.startsWith('c:'))
  .map((n) => graph.degree(n))
  .sort((a, b) => b - a);
log(
  `most shared identifiers: ${hubs.slice(0, 5).join(', ')} customers; identifiers shared by 2 or more: ${hubs.filter((d) => d >= 2).length}`,
);

// ---- rounds ----

const options = { depth: DEPTH, maxNodes: BUDGET };
const sampleRandom = sfc32(SEED + 1);
const figures: Record<string, number[]> = {};
const add = (name: string, value: number): void => void (figures[name] ??= []).push(value);
let mismatches = 0;
let checked = 0;
let pathsFound = 0;
let pathBudgetHits = 0;
let meanNodes = 0;
let meanEdges = 0;
for (let round = 0; round < ROUNDS; round++) {
  const sample = Array.from({ length: QUERIES }, () => data.customerIds[Math.floor(sampleRandom() * CUSTOMERS)]);
  // Checked first: network() against graphology's answer, the JSON against the former route's,
  // each budgeted path against the unbudgeted search.
  for (const id of sample) {
    const mine = engine.network(id, options)!;
    meanNodes += mine.nodes.length / (QUERIES * ROUNDS);
    meanEdges += mine.edges.length / (QUERIES * ROUNDS);
    const difference = answerDifference(mine, graphologyNetwork(graph, `c:${id}`, DEPTH, BUDGET));
    const json = writeNetworkJson(engine.networkColumns(id, options)!).toString();
    if (difference !== undefined || json !== apiJson(mine)) {
      mismatches++;
      if (process.env.DEBUG_BENCH) log(id, difference ?? 'json');
    }
    checked++;
  }
  const pairs = sample.map((id, i) => [id, sample[(i + 1) % sample.length]] as const);
  // A budgeted search may give up (null) where the unbounded one goes on: that is the budget doing
  // its job, counted apart; any other difference is a mismatch.
  for (const [a, b] of pairs) {
    const budgeted = engine.path(a, b);
    const unbounded = engine.path(a, b, { maxNodes: Infinity });
    if (budgeted === null && unbounded !== null) pathBudgetHits++;
    else if (JSON.stringify(budgeted) !== JSON.stringify(unbounded)) mismatches++;
  }
  const warm = sample.slice(0, 100);
  const fullE = (id: string): number => engine.networkColumns(id, options)!.nodeCount;
  const fullG = (id: string): number => graphologyNetwork(graph, `c:${id}`, DEPTH, BUDGET).nodes.length;
  const jsonE = (id: string): number => writeNetworkJson(engine.networkColumns(id, options)!).length;
  const jsonG = (id: string): number => graphologyJson(graphologyNetwork(graph, `c:${id}`, DEPTH, BUDGET)).length;
  const objectsE = (id: string): number => engine.network(id, options)!.nodes.length;
  const setE = (id: string): number => engine.traverse(id, options)!.nodes.length;
  const timed = (fn: (id: string) => unknown): number[] => (timeEach(warm, fn), timeEach(sample, fn));
  const nodeSet = timed(setE);
  const full = timed(fullE);
  const fullGraphology = timed(fullG);
  const json = timed(jsonE);
  const jsonGraphology = timed(jsonG);
  const objects = timed(objectsE);
  const component = timed((id) => engine.component(id, { maxNodes: COMPONENT_CAP }));
  const pathTimes: number[] = [];
  for (const [a, b] of pairs) {
    const t0 = process.hrtime.bigint();
    if (engine.path(a, b)) pathsFound++;
    pathTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  pathTimes.sort((a, b) => a - b);
  for (const [name, e, g] of [
    ['nodeSet', nodeSet, undefined],
    ['networkFull', full, fullGraphology],
    ['networkJson', json, jsonGraphology],
    ['networkObjects', objects, undefined],
    ['component', component, undefined],
    ['path', pathTimes, undefined],
  ] as const) {
    add(`${name}P50Ms`, percentile(e, 0.5));
    add(`${name}P99Ms`, percentile(e, 0.99));
    if (g) {
      add(`${name}GraphologyP50Ms`, percentile(g, 0.5));
      add(`${name}GraphologyP99Ms`, percentile(g, 0.99));
      add(`${name}P50Speedup`, percentile(g, 0.5) / percentile(e, 0.5));
      add(`${name}P99Speedup`, percentile(g, 0.99) / percentile(e, 0.99));
    }
  }
  log(
    `round ${round + 1}: answer p50/p99 engine ${fmt(percentile(full, 0.5))}/${fmt(percentile(full, 0.99))} ms, graphology ${fmt(percentile(fullGraphology, 0.5))}/${fmt(percentile(fullGraphology, 0.99))} ms; JSON engine ${fmt(percentile(json, 0.5))}/${fmt(percentile(json, 0.99))}, graphology ${fmt(percentile(jsonGraphology, 0.5))}/${fmt(percentile(jsonGraphology, 0.99))}; path p99 ${fmt(percentile(pathTimes, 0.99))}; component p99 ${fmt(percentile(component, 0.99))}`,
  );
}
log(
  `answers: ${mismatches === 0 ? 'identical' : `${mismatches} MISMATCHES`} over ${checked} networks and ${checked} paths (mean ${fmt(meanNodes, 0)} nodes, ${fmt(meanEdges, 0)} edges); ${pathBudgetHits} path searches stopped at the node budget`,
);
if (mismatches > 0) process.exitCode = 1;
for (const [name, xs] of Object.entries(figures)) {
  log(`${name.padEnd(34)} median ${fmt(median(xs))}  spread ${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`);
}
const result: Record<string, unknown> = {
  bench: 'network',
  customers: stats.customers,
  identifiers: stats.identifiers,
  links: stats.links,
  rounds: ROUNDS,
  queries: QUERIES,
  budget: BUDGET,
  depth: DEPTH,
  engineBuildMs: Math.round(engineBuildMs),
  graphologyBuildMs: Math.round(graphologyBuildMs),
  meanNodes: Math.round(meanNodes),
  meanEdges: Math.round(meanEdges),
  pathsFound: Math.round(pathsFound / ROUNDS),
  pathBudgetHits,
};
for (const [name, xs] of Object.entries(figures)) {
  const digits = name.endsWith('Speedup') ? 1 : 4;
  result[name] = +median(xs).toFixed(digits);
  result[`${name}Spread`] = [+Math.min(...xs).toFixed(digits), +Math.max(...xs).toFixed(digits)];
}
result.identicalAnswers = mismatches === 0;
log(JSON.stringify(result));
