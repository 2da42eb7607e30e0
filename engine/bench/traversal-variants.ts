// The traversal variants tried and dropped (engine/docs/design-choices.md), timed against the
// engine's own breadth-first search on one compacted graph, in interleaved rounds:
//   two-pass: each level first gathers its nodes' CSR spans, then walks them (more loads in flight);
//   touch-ahead: while expanding queue[k], read offsets[queue[k + D]] so its line is on its way.
// All three must reach the same nodes in the same order (checked). Compacted graph only (no delta).
//   npm run bench:traversal -- [--customers 1000000] [--queries 2000] [--rounds 5] [--ahead 8]
// The last line is one JSON object: medians over rounds, and the spread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadState } from '../src/codec.ts';
import { GraphEngine } from '../src/index.ts';
import type { EngineState } from '../src/state.ts';
import { traverse } from '../src/traversal.ts';
import { median, percentile } from './timing.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    ahead: { type: 'string', default: '8' },
  },
});
const N = Number(args.customers);
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const AHEAD = Number(args.ahead);

// A power-law bipartite graph like bench:engine's (4 links per customer, shared pools).
let seed = 7;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const KINDS = ['email', 'phone', 'device', 'ip'];
const pools = [0.05, 0.05, 0.2, 0.12].map((f) => Math.ceil(N * f));
const fresh = [...pools];
const g = new GraphEngine({ compactRatio: Infinity, capacity: N * 3, linkCapacity: N * 4 });
for (let c = 0; c < N; c++) {
  for (let k = 0; k < 4; k++) {
    const v = k < 2 && random() < 0.6 ? fresh[k]++ : Math.min(pools[k] - 1, Math.floor(pools[k] * random() ** 2));
    g.link(`cus_${c}`, KINDS[k], `${KINDS[k]}-${v}`, Date.UTC(2025, 0, 1) + c * 1000);
  }
}
// The state behind a GraphEngine is private: read it back from a snapshot of the compacted graph.
g.compact();
const dir = mkdtempSync(join(tmpdir(), 'traversal-variants-'));
await g.save(join(dir, 'g.snap'));
const s: EngineState = loadState(join(dir, 'g.snap'), {});
rmSync(dir, { recursive: true, force: true });
const n = s.ids.count;
const { offsets, targets } = s.adj;
const visit = new Uint32Array(n);
let epoch = 0;
let queue = new Int32Array(1 << 20);
const spanFrom = new Uint32Array(1 << 20);
const spanTo = new Uint32Array(1 << 20);
let sink = 0;

function grow(count: number): void {
  if (count < queue.length) return;
  const q = new Int32Array(queue.length * 2);
  q.set(queue);
  queue = q;
}

/** Breadth-first search with the touch-ahead read (ahead = 0: none); returns the node count. */
function singlePass(start: number, maxDepth: number, maxNodes: number, ahead: number): number {
  epoch++;
  queue[0] = start;
  visit[start] = epoch;
  let count = 1;
  let next = 0;
  levels: for (let depth = 0; depth < maxDepth && next < count; depth++) {
    const levelEnd = count;
    for (; next < levelEnd; next++) {
      if (ahead > 0 && next + ahead < count) sink += offsets[queue[next + ahead]];
      const v = queue[next];
      for (let j = offsets[v], end = offsets[v + 1]; j < end; j++) {
        const w = targets[j];
        if (visit[w] === epoch) continue;
        if (count >= maxNodes) break levels;
        grow(count);
        visit[w] = epoch;
        queue[count++] = w;
      }
    }
  }
  return count;
}

/** Each level: gather the spans of its nodes first, then walk them. */
function twoPass(start: number, maxDepth: number, maxNodes: number): number {
  epoch++;
  queue[0] = start;
  visit[start] = epoch;
  let count = 1;
  let next = 0;
  levels: for (let depth = 0; depth < maxDepth && next < count; depth++) {
    const levelEnd = count;
    const width = levelEnd - next;
    for (let k = 0; k < width; k++) {
      const v = queue[next + k];
      spanFrom[k] = offsets[v];
      spanTo[k] = offsets[v + 1];
    }
    next = levelEnd;
    for (let k = 0; k < width; k++) {
      for (let j = spanFrom[k], end = spanTo[k]; j < end; j++) {
        const w = targets[j];
        if (visit[w] === epoch) continue;
        if (count >= maxNodes) break levels;
        grow(count);
        visit[w] = epoch;
        queue[count++] = w;
      }
    }
  }
  return count;
}

const starts = Array.from({ length: QUERIES }, () => s.ids.find(0, `cus_${Math.floor(random() * N)}`));
const shapes = [
  ['depth3', 3, Infinity],
  ['component10k', Infinity, 10_000],
] as const;
// Same nodes, same order as the engine's traversal.
for (const [, depth, cap] of shapes) {
  for (const v of starts.slice(0, 200)) {
    const count = traverse(s, v, { depth }, cap);
    const expected = Array.from(s.queue.subarray(0, count));
    for (const run of [
      () => singlePass(v, depth, cap, 0),
      () => singlePass(v, depth, cap, AHEAD),
      () => twoPass(v, depth, cap),
    ]) {
      const c = run();
      if (c !== count || expected.some((w, k) => queue[k] !== w)) throw new Error('a variant reached other nodes');
    }
  }
}

const variants: Array<[string, (v: number, depth: number, cap: number) => number]> = [
  ['engine', (v, depth, cap) => traverse(s, v, { depth }, cap)],
  ['plain', (v, depth, cap) => singlePass(v, depth, cap, 0)],
  ['touchAhead', (v, depth, cap) => singlePass(v, depth, cap, AHEAD)],
  ['twoPass', (v, depth, cap) => twoPass(v, depth, cap)],
];
const figures: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < variants.length; i++) {
    const [name, run] = variants[(i + round) % variants.length]; // rotate the order each round
    for (const [shape, depth, cap] of shapes) {
      for (const v of starts.slice(0, 200)) run(v, depth, cap); // warm
      const times: number[] = [];
      for (const v of starts) {
        const t0 = process.hrtime.bigint();
        run(v, depth, cap);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      (figures[`${name}.${shape}P50Ms`] ??= []).push(percentile(times, 0.5));
      (figures[`${name}.${shape}P99Ms`] ??= []).push(percentile(times, 0.99));
    }
  }
}
const result: Record<string, unknown> = {
  bench: 'traversal-variants',
  customers: N,
  nodes: n,
  rounds: ROUNDS,
  ahead: AHEAD,
};
for (const [name, xs] of Object.entries(figures)) {
  console.log(
    `${name.padEnd(30)} median ${median(xs).toFixed(4)} ms  spread ${Math.min(...xs).toFixed(4)}-${Math.max(...xs).toFixed(4)}`,
  );
  result[name] = +median(xs).toFixed(4);
  result[`${name}Spread`] = [+Math.min(...xs).toFixed(4), +Math.max(...xs).toFixed(4)];
}
if (sink === -1) console.log('');
console.log(JSON.stringify(result));
