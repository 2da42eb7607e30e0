// Snapshots written while the engine keeps taking writes (engine/README.md, "Snapshots while
// writes continue"): the file is the graph as it was when save() was called, whatever happens to
// the engine while it is written; and the version 1 files of earlier engines still load.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { GraphEngine } from '../src/index.ts';

const KINDS = ['email', 'phone', 'device'];
// Folds start after a few links and advance two nodes per write (as in properties.test.ts), so a
// save often begins with a fold in progress and a delta to write.
const SMALL_FOLDS = { compactMin: 4, compactRatio: 0.5, foldWork: 2 };
const T0 = Date.UTC(2025, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'engine-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Op =
  | { op: 'link'; c: number; k: number; v: number; t: number }
  | { op: 'unlink'; c: number; k: number; v: number }
  | { op: 'label'; c: number; label: string | null; score: number | null }
  | { op: 'compact' }
  | { op: 'component'; c: number }; // a read that rebuilds a stale union-find in place

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
      weight: 3,
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
    { weight: 1, arbitrary: fc.record({ op: fc.constant('component' as const), c: fc.nat(customers - 1) }) },
  );
// Customers 0-15 before the save; the writes during it also make customers 16-23 and new values.
// size 'max': lengths up to maxLength (fast-check's default size keeps arrays near 10 elements).
const before = fc.array(opArb(16, 12), { maxLength: 120, size: 'max' });
const during = fc.array(opArb(24, 18), { maxLength: 80, size: 'max' });

const value = (k: number, v: number): string => (k === 1 ? `+44${v}` : `${KINDS[k]}-${v}`);

function apply(o: Op, engine: GraphEngine): void {
  if (o.op === 'link') engine.link(`u${o.c}`, KINDS[o.k], value(o.k, o.v), T0 + o.t * 1000);
  else if (o.op === 'unlink') engine.unlink(`u${o.c}`, KINDS[o.k], value(o.k, o.v));
  else if (o.op === 'label') engine.setCustomer(`u${o.c}`, { label: o.label, score: o.score });
  else if (o.op === 'compact') engine.compact();
  else engine.component(`u${o.c}`);
}

/** Every answer the engine gives about customers u0..u23: networks (nodes, edges with times and counts, component figures), components, stats. */
function answers(engine: GraphEngine): unknown {
  const customers = Array.from({ length: 24 }, (_, c) => {
    const id = `u${c}`;
    return { network: engine.network(id, { depth: 6 }), component: engine.component(id, { maxNodes: 5 }) };
  });
  const { customers: c, identifiers, links, identifiersByKind } = engine.stats();
  return { customers, stats: { c, identifiers, links, identifiersByKind } };
}

let files = 0;

describe('snapshots while writes continue', () => {
  it('hold exactly the graph as it was when save() was called, and replaying the later writes gives the live graph', async () => {
    await fc.assert(
      fc.asyncProperty(before, during, fc.nat(80), async (first, second, synchronous) => {
        const engine = new GraphEngine(SMALL_FOLDS);
        const twin = new GraphEngine(SMALL_FOLDS); // the same writes as the engine until the save, none after
        for (const o of first) {
          apply(o, engine);
          apply(o, twin);
        }
        const file = join(dir, `during-${files++}.graph`);
        const saved = engine.save(file);
        // Some writes right after the call, before any slice is written; the rest one per turn of
        // the event loop while the slices go out, and after.
        for (const o of second.slice(0, synchronous)) apply(o, engine);
        for (const o of second.slice(synchronous)) {
          await nextTurn();
          apply(o, engine);
        }
        await saved;
        // Byte for byte the file of the twin, which nothing wrote to while it was saved.
        const twinFile = join(dir, `twin-${files++}.graph`);
        await twin.save(twinFile);
        assert.ok(
          readFileSync(file).equals(readFileSync(twinFile)),
          'the same bytes as a save with no writes during it',
        );
        const loaded = GraphEngine.load(file, SMALL_FOLDS);
        assert.deepEqual(answers(loaded), answers(twin));
        for (const o of second) apply(o, loaded);
        assert.deepEqual(answers(loaded), answers(engine));
      }),
      { numRuns: 100 },
    );
  });

  it('run one after another when called during a save, each holding the graph as it was when it began', async () => {
    const engine = new GraphEngine(SMALL_FOLDS);
    for (let k = 0; k < 500; k++) engine.link(`c${k % 90}`, KINDS[k % 3], `v${(k * 7) % 61}`, T0 + k * 1000);
    const firstFile = join(dir, `first-${files++}.graph`);
    const secondFile = join(dir, `second-${files++}.graph`);
    const first = engine.save(firstFile);
    const atFirst = answers(engine);
    engine.link('late', 'email', 'v1', T0);
    engine.unlink('c1', KINDS[1], `v${7 % 61}`);
    const second = engine.save(secondFile); // starts when the first is written
    engine.link('later', 'email', 'v2', T0);
    const atSecond = answers(engine); // 'later' is in it too: the second save captures when it starts
    await Promise.all([first, second]);
    assert.deepEqual(answers(GraphEngine.load(firstFile)), atFirst);
    assert.deepEqual(answers(GraphEngine.load(secondFile)), atSecond);
    assert.equal(GraphEngine.load(firstFile).network('later'), null);
    assert.ok(GraphEngine.load(secondFile).network('later'));
  });

  it('lets folds resume once the file is written', async () => {
    const engine = new GraphEngine({ compactMin: 4, compactRatio: 0.5, foldWork: 64 });
    for (let k = 0; k < 200; k++) engine.link(`c${k}`, 'email', `v${k % 50}`, T0);
    const saved = engine.save(join(dir, `folds-${files++}.graph`));
    for (let k = 0; k < 400; k++) engine.link(`d${k}`, 'email', `v${k % 50}`, T0);
    const deltaDuring = engine.stats().deltaLinks;
    assert.ok(deltaDuring >= 400, 'no fold finished during the save');
    await saved;
    for (let k = 0; k < 2000 && engine.stats().deltaLinks >= deltaDuring; k++)
      engine.link(`e${k}`, 'email', `w${k}`, T0);
    assert.ok(engine.stats().deltaLinks < deltaDuring, 'the delta written during the save was folded after it');
  });
});

describe('snapshot format versions', () => {
  // engine/test/fixtures/snapshot-v1.graph was written by the version 1 engine (before slices and
  // the delta section) from this graph.
  const T = Date.UTC(2026, 0, 1);
  const v1Graph = (): GraphEngine => {
    const g = new GraphEngine();
    for (let k = 0; k < 300; k++) {
      g.link(`c${k % 120}`, ['email', 'device', 'phone', 'ip'][k % 4], `v${(k * 7) % 53}`, T + k * 1000);
    }
    g.setCustomer('c3', { label: 'FRAUDSTER', score: 0.25 });
    g.setCustomer('c7', { action: 'REVIEW', score: 0.5 });
    assert.ok(g.unlink('c5', 'device', 'v35'));
    return g;
  };
  const all = (g: GraphEngine): unknown =>
    Array.from({ length: 120 }, (_, c) => [g.network(`c${c}`, { depth: 4 }), g.component(`c${c}`)]);

  it('loads a version 1 file as the graph it was written from, and writes it back as version 2', async () => {
    const old = GraphEngine.load(join(import.meta.dirname, 'fixtures', 'snapshot-v1.graph'));
    const fresh = v1Graph();
    assert.deepEqual(all(old), all(fresh));
    assert.deepEqual(old.stats().links, fresh.stats().links);
    const file = join(dir, `migrated-${files++}.graph`);
    await old.save(file);
    assert.deepEqual(all(GraphEngine.load(file)), all(fresh));
  });
});
