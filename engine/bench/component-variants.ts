// The capped component figures (engine/src/traversal.ts component()) against the session-6 version
// kept in component-before.ts, on bench:engine's graph and start
// customers (cap 10,000, as bench:engine), in one process with alternating rounds. Every figure of
// both must be identical (checked before timing).
//   node --max-old-space-size=12000 engine/bench/component-variants.ts [--customers 1000000]
//     [--queries 1000] [--rounds 5] [--cap 10000]
// The last line is one JSON object: medians over rounds, and the spread (min-max).
import { parseArgs } from 'node:util';
import { GraphEngine, stateOf } from '../src/graph-engine.ts';
import { CUSTOMER } from '../src/ids.ts';
import { component } from '../src/traversal.ts';
import type { ComponentResult } from '../src/types.ts';
import { componentBefore } from './component-before.ts';
import { KINDS, generate, mulberry32 } from './dataset.ts';
import { median, percentile } from './timing.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    cap: { type: 'string', default: '10000' },
  },
});
const CUSTOMERS = Number(args.customers);
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const SEED = Number(args.seed);
const CAP = Number(args.cap);

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
const random = mulberry32(SEED + 1);
const starts = Array.from({ length: QUERIES }, () =>
  s.ids.find(CUSTOMER, data.customerIds[Math.floor(random() * CUSTOMERS)]),
);

const variants: Array<[string, (v: number) => ComponentResult]> = [
  ['before', (v) => componentBefore(s, v, CAP)],
  ['after', (v) => component(s, v, CAP)],
];
let capped = 0;
let differ = 0;
for (const v of starts) {
  const expected = JSON.stringify(componentBefore(s, v, CAP));
  if (JSON.parse(expected).truncated) capped++;
  for (const [name, run] of variants) {
    if (JSON.stringify(run(v)) !== expected) {
      differ++;
      if (differ < 5) console.log(name, v, expected, JSON.stringify(run(v)));
    }
  }
}
console.log(
  `${capped} of ${QUERIES} components capped at ${CAP}; ${differ === 0 ? 'figures identical' : `${differ} DIFFER`}`,
);
if (differ > 0) process.exitCode = 1;

const figures: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < variants.length; i++) {
    const [name, run] = variants[(i + round) % variants.length]; // rotate the order each round
    for (let k = 0; k < 200; k++) run(starts[k]); // warm
    const times: number[] = [];
    for (const v of starts) {
      const t0 = process.hrtime.bigint();
      run(v);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    // CPU time of the whole pass: what other processes' time slices do not inflate.
    const cpu = process.cpuUsage();
    for (const v of starts) run(v);
    const used = process.cpuUsage(cpu);
    (figures[`${name}CpuMeanMs`] ??= []).push((used.user + used.system) / 1000 / starts.length);
    (figures[`${name}P50Ms`] ??= []).push(percentile(times, 0.5));
    (figures[`${name}P99Ms`] ??= []).push(percentile(times, 0.99));
  }
}
const result: Record<string, unknown> = { bench: 'component-variants', customers: CUSTOMERS, cap: CAP, rounds: ROUNDS };
for (const [name, xs] of Object.entries(figures)) {
  console.log(
    `${name.padEnd(18)} median ${median(xs).toFixed(4)} ms  spread ${Math.min(...xs).toFixed(4)}-${Math.max(...xs).toFixed(4)}`,
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
