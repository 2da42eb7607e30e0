// The network answer (networkColumns) against the session-5 version kept in answer-before.ts, on
// bench:engine's graph and start customers, in one process with alternating rounds (the machine is
// noisy, so only same-process comparisons say whether a change helped). Every answer of both must
// be identical (checked before timing). Also times the stages alone: the id lookup, the traversal.
//   node --max-old-space-size=12000 engine/bench/answer-variants.ts [--customers 1000000]
//     [--queries 1000] [--rounds 5] [--budget 500] [--loaded] [--profile file.cpuprofile]
// The last line is one JSON object: medians over rounds, and the spread (min-max).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { networkColumns } from '../src/answer.ts';
import { loadState } from '../src/codec.ts';
import { CUSTOMER } from '../src/ids.ts';
import { GraphEngine, stateOf } from '../src/graph-engine.ts';
import { EngineState } from '../src/state.ts';
import { columnOf } from '../src/growable.ts';
import { traverse } from '../src/traversal.ts';
import type { NetworkColumns } from '../src/types.ts';
import { networkColumnsBefore } from './answer-before.ts';
import { KINDS, generate, mulberry32 } from './dataset.ts';
import { median, percentile } from './timing.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    budget: { type: 'string', default: '500' },
    profile: { type: 'string' },
    loaded: { type: 'boolean', default: false },
  },
});
const CUSTOMERS = Number(args.customers);
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const SEED = Number(args.seed);
const options = { depth: 3, maxNodes: Number(args.budget) };

// The same engine as bench:engine's: bulk load, labels, one compaction.
const data = generate(CUSTOMERS, SEED);
const g = new GraphEngine({ compactRatio: Infinity, capacity: CUSTOMERS * 3, linkCapacity: data.links });
for (let l = 0; l < data.links; l++) {
  const kind = data.linkKind[l];
  g.link(data.customerIds[data.linkCustomer[l]], KINDS[kind], data.values[kind][data.linkValue[l]], data.linkAt[l]);
}
for (const c of data.fraudsters) g.setCustomer(data.customerIds[c], { label: 'FRAUDSTER' });
g.compact();
// The engine's own state (--loaded: as read back from a snapshot, whose columns are plain arrays).
let s: EngineState = stateOf(g);
if (args.loaded) {
  const dir = mkdtempSync(join(tmpdir(), 'answer-variants-'));
  await g.save(join(dir, 'g.snap'));
  s = loadState(join(dir, 'g.snap'), {});
  rmSync(dir, { recursive: true, force: true });
}
// Session 5's engine read the node attributes, keys and edge times through views of resizable
// buffers; compact() now leaves them plain (growable.ts). The before variant runs on a copy of the
// state with such views, and its own visit stamps and queue, so the two never share scratch space.
const sBefore: EngineState = Object.assign(Object.create(EngineState.prototype) as EngineState, s, {
  meta: columnOf(s.meta, s.meta.length),
  score: columnOf(s.score, s.score.length),
  edgeFirst: columnOf(s.edgeFirst, s.edgeFirst.length),
  edgeLast: columnOf(s.edgeLast, s.edgeLast.length),
  edgeCount: columnOf(s.edgeCount, s.edgeCount.length),
  visit: new Uint16Array(s.visit.length),
  epoch: 0,
  queue: new Int32Array(1024),
  depthEnds: [],
});
const { starts, pool } = s.ids.keys();
const keysBefore = {
  starts: columnOf(starts, starts.length),
  pool: Buffer.from(columnOf(new Uint8Array(pool.buffer, pool.byteOffset, pool.length), pool.length).buffer),
};
// All the before code reads of the interner (its fields are private to the real one).
sBefore.ids = { keys: () => keysBefore, count: s.ids.count } as unknown as typeof s.ids;
const resizable = (a: ArrayBufferView): boolean => (a.buffer as ArrayBuffer).resizable;
if (resizable(s.edgeFirst) || resizable(starts) || !resizable(sBefore.edgeFirst) || !resizable(keysBefore.starts))
  throw new Error('expected plain columns after compact() and resizable ones in the before copy');
const random = mulberry32(SEED + 1);
const sample = Array.from({ length: QUERIES }, () => data.customerIds[Math.floor(random() * CUSTOMERS)]);

/** Everything a caller reads of an answer, as one string. */
function snapshotOf(c: NetworkColumns): string {
  const nodes = Array.from({ length: c.nodeCount }, (_, k) =>
    [
      c.nodes[k],
      c.kind[k],
      c.depth[k],
      c.degree[k],
      c.label[k],
      c.action[k],
      c.score[k],
      c.keyBytes.toString('utf8', c.keyStart[k], c.keyEnd[k]),
    ].join(),
  );
  const edges = Array.from({ length: c.edgeCount }, (_, j) =>
    [c.edgeSource[j], c.edgeTarget[j], c.firstSeen[j], c.lastSeen[j], c.count[j]].join(),
  );
  return JSON.stringify([nodes, edges, c.truncated, c.component]);
}
let nodes = 0;
for (const id of sample) {
  const v = s.ids.find(CUSTOMER, id);
  const before = snapshotOf(networkColumnsBefore(sBefore, v, options));
  const after = networkColumns(s, v, options);
  nodes += after.nodeCount;
  if (snapshotOf(after) !== before) throw new Error(`answers differ for ${id}`);
}
console.log(`answers identical for ${QUERIES} customers (mean ${(nodes / QUERIES).toFixed(0)} nodes)`);

const variants: Array<[string, (id: string) => unknown]> = [
  ['before', (id) => networkColumnsBefore(sBefore, s.ids.find(CUSTOMER, id), options)],
  ['after', (id) => networkColumns(s, s.ids.find(CUSTOMER, id), options)],
  ['traverse', (id) => traverse(s, s.ids.find(CUSTOMER, id), options, options.maxNodes)],
  ['find', (id) => s.ids.find(CUSTOMER, id)],
];

if (args.profile) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 50 });
  session.post('Profiler.start');
  for (let r = 0; r < 20; r++) for (const id of sample) networkColumns(s, s.ids.find(CUSTOMER, id), options);
  session.post('Profiler.stop', (error, result) => {
    if (error) throw error;
    writeFileSync(args.profile!, JSON.stringify(result.profile));
  });
  session.disconnect();
}

const figures: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < variants.length; i++) {
    const [name, run] = variants[(i + round) % variants.length]; // rotate the order each round
    for (const id of sample.slice(0, 200)) run(id); // warm
    const times: number[] = [];
    for (const id of sample) {
      const t0 = process.hrtime.bigint();
      run(id);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    // CPU time of the whole pass: what other processes' time slices do not inflate.
    const cpu = process.cpuUsage();
    for (const id of sample) run(id);
    const used = process.cpuUsage(cpu);
    (figures[`${name}CpuMeanMs`] ??= []).push((used.user + used.system) / 1000 / sample.length);
    (figures[`${name}P50Ms`] ??= []).push(percentile(times, 0.5));
    (figures[`${name}P99Ms`] ??= []).push(percentile(times, 0.99));
  }
}
const result: Record<string, unknown> = {
  bench: 'answer-variants',
  customers: CUSTOMERS,
  budget: options.maxNodes,
  rounds: ROUNDS,
};
for (const [name, xs] of Object.entries(figures)) {
  console.log(
    `${name.padEnd(16)} median ${median(xs).toFixed(4)} ms  spread ${Math.min(...xs).toFixed(4)}-${Math.max(...xs).toFixed(4)}`,
  );
  result[name] = +median(xs).toFixed(4);
  result[`${name}Spread`] = [+Math.min(...xs).toFixed(4), +Math.max(...xs).toFixed(4)];
}
for (const figure of ['P50Ms', 'CpuMeanMs']) {
  const ratios = figures[`before${figure}`].map((b, r) => b / figures[`after${figure}`][r]);
  result[`ratio${figure}`] = +median(ratios).toFixed(3);
  console.log(`before/after ${figure}, per round: ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
}
console.log(JSON.stringify(result));
