// Property tests: random operation sequences on GraphEngine and on the plain reference
// implementation (reference.ts); every query must give the same answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { GraphEngine } from '../src/index.ts';
import type { NetworkOptions } from '../src/index.ts';
import { ReferenceGraph } from './reference.ts';

const KINDS = ['email', 'phone', 'device'];
// Folds start after a few links and advance two nodes per write, so sequences interleave links,
// unlinks, labels, explicit compactions and queries with folds in progress.
const SMALL_FOLDS = { compactMin: 4, compactRatio: 0.5, foldWork: 2 };
const T0 = Date.UTC(2025, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'engine-props-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Op =
  | { op: 'link'; c: number; k: number; v: number; t: number }
  | { op: 'unlink'; c: number; k: number; v: number }
  | { op: 'label'; c: number; label: string | null; score: number | null }
  | { op: 'compact' };

/** Small id spaces so that sequences build shared identifiers, rings and several components. */
const opArb = (customers: number, values: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        op: fc.constant('link' as const),
        c: fc.nat(customers - 1),
        k: fc.nat(2),
        v: fc.nat(values - 1),
        t: fc.nat(100),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('unlink' as const),
        c: fc.nat(customers - 1),
        k: fc.nat(2),
        v: fc.nat(values - 1),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('label' as const),
        c: fc.nat(customers - 1),
        label: fc.constantFrom('FRAUDSTER', 'GENUINE', null),
        score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'compact' as const }) },
  );

const value = (k: number, v: number): string => (k === 1 ? `+44${v}` : `${KINDS[k]}-${v}`);

function apply(ops: Op[], engine: GraphEngine, reference: ReferenceGraph): void {
  for (const o of ops) {
    if (o.op === 'link') {
      engine.link(`u${o.c}`, KINDS[o.k], value(o.k, o.v), T0 + o.t * 1000 + 7);
      reference.link(`u${o.c}`, KINDS[o.k], value(o.k, o.v), T0 + o.t * 1000 + 7);
    } else if (o.op === 'unlink') {
      assert.equal(
        engine.unlink(`u${o.c}`, KINDS[o.k], value(o.k, o.v)),
        reference.unlink(`u${o.c}`, KINDS[o.k], value(o.k, o.v)),
      );
    } else if (o.op === 'label') {
      engine.setCustomer(`u${o.c}`, { label: o.label, score: o.score });
      reference.setCustomer(`u${o.c}`, { label: o.label, score: o.score });
    } else {
      engine.compact();
    }
  }
}

interface Query {
  c: number;
  depth: number;
  maxNodes?: number;
  kinds?: string[];
  asOf?: number;
  exclude: [number, number][];
}

const queryArb: fc.Arbitrary<Query> = fc.record({
  c: fc.nat(11),
  depth: fc.integer({ min: 0, max: 7 }),
  maxNodes: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  kinds: fc.option(fc.subarray(KINDS), { nil: undefined }),
  asOf: fc.option(fc.nat(100), { nil: undefined }),
  exclude: fc.array(fc.tuple(fc.nat(2), fc.nat(5)), { maxLength: 2 }),
});

function optionsOf(q: Query): NetworkOptions {
  return {
    depth: q.depth,
    maxNodes: q.maxNodes,
    kinds: q.kinds,
    asOf: q.asOf === undefined ? undefined : T0 + q.asOf * 1000 + 500,
    excludeValues: q.exclude.map(([k, v]) => `${KINDS[k]}:${value(k, v)}`),
  };
}

const sortEdges = <T extends { source: string; target: string }>(edges: T[]): T[] =>
  [...edges].sort((a, b) => (a.source + a.target < b.source + b.target ? -1 : 1));

describe('GraphEngine matches the reference implementation', () => {
  const ops = fc.array(opArb(12, 6), { maxLength: 80 });

  it('network(): same nodes in the same breadth-first order, same edges, exact caps, asOf, kinds, excludes', () => {
    fc.assert(
      fc.property(ops, fc.array(queryArb, { minLength: 1, maxLength: 6 }), (sequence, queries) => {
        const engine = new GraphEngine(SMALL_FOLDS);
        const reference = new ReferenceGraph();
        apply(sequence, engine, reference);
        for (const q of queries) {
          const options = optionsOf(q);
          const mine = engine.network(`u${q.c}`, options);
          const theirs = reference.network(`u${q.c}`, options);
          if (theirs === null) {
            assert.equal(mine, null);
            continue;
          }
          assert.ok(mine);
          assert.deepEqual(mine.nodes, theirs.nodes);
          assert.deepEqual(sortEdges(mine.edges), sortEdges(theirs.edges));
          assert.equal(mine.truncated, theirs.truncated);
          assert.deepEqual(mine.component, theirs.component);
          if (q.maxNodes !== undefined) assert.ok(mine.nodes.length <= q.maxNodes);
          const raw = engine.traverse(`u${q.c}`, { ...options, maxNodes: q.maxNodes });
          assert.deepEqual(
            Array.from(raw!.nodes, (v) => engine.nodeId(v)),
            reference.bfs(`u${q.c}`, options, q.maxNodes ?? Infinity).order,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('component(): figures exact from union-find (also after unlinks) and capped breadth-first', () => {
    fc.assert(
      fc.property(
        ops,
        fc.nat(11),
        fc.option(fc.integer({ min: 1, max: 25 }), { nil: undefined }),
        (sequence, c, maxNodes) => {
          const engine = new GraphEngine(SMALL_FOLDS);
          const reference = new ReferenceGraph();
          apply(sequence, engine, reference);
          assert.deepEqual(engine.component(`u${c}`, { maxNodes }), reference.component(`u${c}`, maxNodes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('path(): shortest chain length, a valid chain, and the nearest labelled customer', () => {
    fc.assert(
      fc.property(ops, fc.nat(11), fc.nat(11), fc.integer({ min: 0, max: 10 }), (sequence, a, b, maxDepth) => {
        const engine = new GraphEngine(SMALL_FOLDS);
        const reference = new ReferenceGraph();
        apply(sequence, engine, reference);
        const known = reference.nodes.has(`c:u${a}`) && reference.nodes.has(`c:u${b}`);
        const found = engine.path(`u${a}`, `u${b}`, { maxDepth });
        const expected = known ? reference.distance(`u${a}`, `u${b}`, maxDepth) : null;
        assert.equal(found?.hops ?? null, expected);
        if (found) {
          assert.equal(found.nodes[0].id, `c:u${a}`);
          assert.equal(found.nodes.at(-1)!.id, `c:u${b}`);
          for (let k = 1; k < found.nodes.length; k++)
            assert.ok(reference.linked(found.nodes[k - 1].id, found.nodes[k].id));
        }
        const nearest = engine.path(`u${a}`, { nearestLabel: 'FRAUDSTER' }, { maxDepth });
        const expectedChain = reference.nodes.has(`c:u${a}`) ? reference.nearest(`u${a}`, 'FRAUDSTER', maxDepth) : null;
        assert.deepEqual(nearest?.nodes.map((n) => n.id) ?? null, expectedChain);
      }),
      { numRuns: 300 },
    );
  });

  it('save/load round trip answers every query the same, and keeps taking links', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        ops,
        ops,
        fc.array(queryArb, { minLength: 1, maxLength: 4 }),
        async (before, afterLoad, queries) => {
          const engine = new GraphEngine(SMALL_FOLDS);
          const reference = new ReferenceGraph();
          apply(before, engine, reference);
          const file = join(dir, `round-trip-${run++}.snap`);
          await engine.save(file);
          const loaded = GraphEngine.load(file, SMALL_FOLDS);
          assert.deepEqual(loaded.stats().links, engine.stats().links);
          apply(afterLoad, loaded, reference);
          for (const q of queries) {
            const options = optionsOf(q);
            const theirs = reference.network(`u${q.c}`, options);
            const mine = loaded.network(`u${q.c}`, options);
            assert.deepEqual(mine?.nodes, theirs?.nodes);
            assert.deepEqual(sortEdges(mine?.edges ?? []), sortEdges(theirs?.edges ?? []));
            assert.deepEqual(mine?.component, theirs?.component);
            assert.deepEqual(
              loaded.component(`u${q.c}`, { maxNodes: q.maxNodes }),
              reference.component(`u${q.c}`, q.maxNodes),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stats() counts customers, identifiers and live links', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const engine = new GraphEngine(SMALL_FOLDS);
        const reference = new ReferenceGraph();
        apply(sequence, engine, reference);
        const stats = engine.stats();
        const customers = [...reference.nodes].filter((n) => n.startsWith('c:')).length;
        assert.equal(stats.customers, customers);
        assert.equal(stats.identifiers, reference.nodes.size - customers);
        assert.equal(stats.links, reference.edges.filter((e) => e.live).length);
      }),
      { numRuns: 200 },
    );
  });
});
