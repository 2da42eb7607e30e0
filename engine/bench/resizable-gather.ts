// Why compact() leaves the columns network answers read plain (src/growable.ts): the same gather
// of cache misses (an answer's edge times: 87 customers, 2 edges each, in three 4.5M-element
// columns) through plain typed arrays, through fixed-length views of resizable ArrayBuffers (what
// column() makes) and through length-tracking views of them. Each kind has its own copy of the
// loop, so no loop sees two kinds of array; caches are flushed before each pass.
//   node engine/bench/resizable-gather.ts [--rounds 5]
// The last line is one JSON object: median per-answer p50 (µs) over rounds, and the spread.
import { parseArgs } from 'node:util';
import { median, percentile } from './timing.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const ROUNDS = Number(args.rounds);
const EDGES = 4_500_000;
const PER_ANSWER = 174;

type Kind = 'plain' | 'resizable' | 'tracking';
type Ctor = Uint32ArrayConstructor | Uint16ArrayConstructor;
interface Columns {
  first: Uint32Array;
  last: Uint32Array;
  count: Uint16Array;
}

function array<C extends Ctor>(Ctor: C, kind: Kind): InstanceType<C> {
  if (kind === 'plain') return new Ctor(EDGES) as InstanceType<C>;
  const bytes = EDGES * Ctor.BYTES_PER_ELEMENT;
  const buffer = new ArrayBuffer(bytes, { maxByteLength: bytes * 8 });
  return (kind === 'resizable' ? new Ctor(buffer, 0, EDGES) : new Ctor(buffer)) as InstanceType<C>;
}

function columns(kind: Kind): Columns {
  const c = { first: array(Uint32Array, kind), last: array(Uint32Array, kind), count: array(Uint16Array, kind) };
  for (let e = 0; e < EDGES; e++) {
    c.first[e] = e;
    c.last[e] = e * 2;
    c.count[e] = e & 0xffff;
  }
  return c;
}

// Answers: edge ids of random customers, two of each customer's four consecutive edges.
let seed = 1;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const answers = Array.from({ length: 1000 }, () => {
  const ids = new Int32Array(PER_ANSWER);
  for (let i = 0; i < PER_ANSWER; i += 2) {
    const c = Math.floor(random() * (EDGES / 4)) * 4;
    ids[i] = c;
    ids[i + 1] = c + 1 + (random() < 0.5 ? 1 : 0);
  }
  return ids;
});
const firstSeen = new Uint32Array(PER_ANSWER);
const lastSeen = new Uint32Array(PER_ANSWER);
const count = new Uint16Array(PER_ANSWER);

// The answer's three gathers, as src/answer.ts writes them; one copy of the code per kind.
const gather = (): ((c: Columns, ids: Int32Array) => void) =>
  new Function(
    'firstSeen',
    'lastSeen',
    'count',
    `return (c, ids) => {
      for (let j = 0; j < ids.length; j++) firstSeen[j] = c.first[ids[j]];
      for (let j = 0; j < ids.length; j++) lastSeen[j] = c.last[ids[j]];
      for (let j = 0; j < ids.length; j++) count[j] = c.count[ids[j]];
    }`,
  )(firstSeen, lastSeen, count) as (c: Columns, ids: Int32Array) => void;

const kinds: Kind[] = ['plain', 'resizable', 'tracking'];
const data = Object.fromEntries(kinds.map((k) => [k, columns(k)])) as Record<Kind, Columns>;
const loops = Object.fromEntries(kinds.map((k) => [k, gather()])) as Record<Kind, ReturnType<typeof gather>>;
const flush = new Uint8Array(64 * 2 ** 20);
const figures: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of kinds) {
    for (let i = 0; i < flush.length; i += 64) flush[i]++;
    const times: number[] = [];
    for (const ids of answers) {
      const t0 = process.hrtime.bigint();
      loops[kind](data[kind], ids);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    (figures[kind] ??= []).push(
      percentile(
        times.sort((a, b) => a - b),
        0.5,
      ),
    );
  }
}
const result: Record<string, unknown> = {
  bench: 'resizable-gather',
  edges: EDGES,
  perAnswer: PER_ANSWER,
  rounds: ROUNDS,
};
for (const kind of kinds) {
  const xs = figures[kind];
  console.log(
    `${kind.padEnd(10)} p50 ${median(xs).toFixed(2)} µs per answer  spread ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`,
  );
  result[`${kind}P50Us`] = +median(xs).toFixed(2);
  result[`${kind}Spread`] = [+Math.min(...xs).toFixed(2), +Math.max(...xs).toFixed(2)];
}
console.log(JSON.stringify(result));
