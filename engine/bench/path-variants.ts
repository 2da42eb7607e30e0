// The path search (engine/src/paths.ts) against the session-6 version kept in paths-before.ts, on
// bench:engine's graph and pairs (consecutive sample customers, maxDepth 8, the default budget), in
// one process with alternating rounds. Every answer of both must be identical (checked before
// timing), and so must the nearest-fraudster searches from each sample customer, except where the
// former search stopped at its budget after it had met its answer. Then the slowest
// searches of each are listed with what the former one did (nodes entered, links read, levels per side).
//   node --max-old-space-size=12000 engine/bench/path-variants.ts [--customers 1000000]
//     [--queries 1000] [--rounds 5] [--budget 20000] [--slowest 15]
// The last line is one JSON object: medians over rounds, and the spread (min-max).
import { parseArgs } from 'node:util';
import { GraphEngine, stateOf } from '../src/graph-engine.ts';
import { CUSTOMER } from '../src/ids.ts';
import { DEFAULT_PATH_BUDGET, path } from '../src/paths.ts';
import { pathBefore } from './paths-before.ts';
import type { PathTrace } from './paths-before.ts';
import { KINDS, generate, mulberry32 } from './dataset.ts';
import { median, percentile } from './timing.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    budget: { type: 'string', default: String(DEFAULT_PATH_BUDGET) },
    slowest: { type: 'string', default: '15' },
  },
});
const CUSTOMERS = Number(args.customers);
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const SEED = Number(args.seed);
const BUDGET = Number(args.budget);
const MAX_DEPTH = 8; // bench:engine's

// The same engine as bench:engine's: bulk load, labels, one compaction.
const data = generate(CUSTOMERS, SEED);
const g = new GraphEngine({ compactRatio: Infinity, capacity: CUSTOMERS * 3, linkCapacity: data.links });
for (let l = 0; l < data.links; l++) {
  const kind = data.linkKind[l];
  g.link(data.customerIds[data.linkCustomer[l]], KINDS[kind], data.values[kind][data.linkValue[l]], data.linkAt[l]);
}
for (const c of data.fraudsters) g.setCustomer(data.customerIds[c], { label: 'FRAUDSTER' });
g.compact();
const s = stateOf(g);
const fraud = s.labels.indexOf('FRAUDSTER');
const random = mulberry32(SEED + 1);
const sample = Array.from({ length: QUERIES }, () => data.customerIds[Math.floor(random() * CUSTOMERS)]);
const ends = sample.map((id) => s.ids.find(CUSTOMER, id));
const pairs = ends.map((v, k) => [v, ends[(k + 1) % ends.length]] as const);

// Identical answers, but for one kind of difference: the search now stops at its first meeting (or
// labelled customer), so where the old one read on past it into its budget and gave up, the new one
// answers; that answer must then be the one the old search gives without a budget.
let found = 0;
let differ = 0;
let answeredInsideBudget = 0;
const same = (before: unknown, after: unknown, unbudgeted: () => unknown): boolean => {
  if (JSON.stringify(before) === JSON.stringify(after)) return true;
  if (before !== null || after === null || JSON.stringify(unbudgeted()) !== JSON.stringify(after)) return false;
  answeredInsideBudget++;
  return true;
};
for (const [a, b] of pairs) {
  const after = path(s, a, b, 0, MAX_DEPTH, BUDGET);
  if (!same(pathBefore(s, a, b, 0, MAX_DEPTH, BUDGET), after, () => pathBefore(s, a, b, 0, MAX_DEPTH, Infinity)))
    differ++;
  if (after !== null) found++;
}
for (const a of ends) {
  const after = path(s, a, -1, fraud, MAX_DEPTH, BUDGET);
  if (
    !same(pathBefore(s, a, -1, fraud, MAX_DEPTH, BUDGET), after, () => pathBefore(s, a, -1, fraud, MAX_DEPTH, Infinity))
  )
    differ++;
}
console.log(
  `${found} of ${QUERIES} pairs found; ${differ === 0 ? 'answers identical' : `${differ} answers DIFFER`} (searches between pairs and to the nearest fraudster), but ${answeredInsideBudget} answered where the former search stopped at its budget (each the former unbudgeted answer)`,
);
if (differ > 0) process.exitCode = 1;

// The slowest searches of each variant (fastest of three timings each, after a warm pass), with
// what the former search did (the current one reads the links before the meeting, no more).
for (const [name, search] of [
  ['before', pathBefore],
  ['after', path],
] as const) {
  for (const [a, b] of pairs) search(s, a, b, 0, MAX_DEPTH, BUDGET);
  const explained = pairs.map(([a, b], k) => {
    const trace: PathTrace = { entered: 0, links: 0, levelsA: 0, levelsB: 0, linksAfterMeet: 0, budget: false };
    const result = pathBefore(s, a, b, 0, MAX_DEPTH, BUDGET, trace);
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = process.hrtime.bigint();
      search(s, a, b, 0, MAX_DEPTH, BUDGET);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return { k, ms: best, hops: result ? result.hops : -1, ...trace };
  });
  explained.sort((x, y) => y.ms - x.ms);
  console.log(`slowest searches, ${name} (hops -1: the former search found none):`);
  for (const e of explained.slice(0, Number(args.slowest))) {
    console.log(
      `  pair ${String(e.k).padStart(4)}: ${e.ms.toFixed(3)} ms, hops ${e.hops}, former search: entered ${e.entered}, links ${e.links} (${e.links - e.linksAfterMeet} up to the meeting), levels ${e.levelsA}+${e.levelsB}${e.budget ? ', stopped at the budget' : ''}`,
    );
  }
}

const variants: Array<[string, (k: number) => unknown]> = [
  ['before', (k) => pathBefore(s, pairs[k][0], pairs[k][1], 0, MAX_DEPTH, BUDGET)],
  ['after', (k) => path(s, pairs[k][0], pairs[k][1], 0, MAX_DEPTH, BUDGET)],
];
const figures: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < variants.length; i++) {
    const [name, run] = variants[(i + round) % variants.length]; // rotate the order each round
    for (let k = 0; k < 200; k++) run(k); // warm
    const times: number[] = [];
    for (let k = 0; k < pairs.length; k++) {
      const t0 = process.hrtime.bigint();
      run(k);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    // CPU time of the whole pass: what other processes' time slices do not inflate.
    const cpu = process.cpuUsage();
    for (let k = 0; k < pairs.length; k++) run(k);
    const used = process.cpuUsage(cpu);
    (figures[`${name}CpuMeanMs`] ??= []).push((used.user + used.system) / 1000 / pairs.length);
    (figures[`${name}P50Ms`] ??= []).push(percentile(times, 0.5));
    (figures[`${name}P99Ms`] ??= []).push(percentile(times, 0.99));
  }
}
const result: Record<string, unknown> = {
  bench: 'path-variants',
  customers: CUSTOMERS,
  budget: BUDGET,
  rounds: ROUNDS,
};
for (const [name, xs] of Object.entries(figures)) {
  console.log(
    `${name.padEnd(16)} median ${median(xs).toFixed(4)} ms  spread ${Math.min(...xs).toFixed(4)}-${Math.max(...xs).toFixed(4)}`,
  );
  result[name] = +median(xs).toFixed(4);
  result[`${name}Spread`] = [+Math.min(...xs).toFixed(4), +Math.max(...xs).toFixed(4)];
}
for (const figure of ['P50Ms', 'P99Ms', 'CpuMeanMs']) {
  const ratios = figures[`before${figure}`].map((b, r) => b / figures[`after${figure}`][r]);
  result[`ratio${figure}`] = +median(ratios).toFixed(3);
  console.log(`before/after ${figure}, per round: ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
}
console.log(JSON.stringify(result));
