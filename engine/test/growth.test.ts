// Growth: the column helpers (growable.ts), and an engine growing far past its initial capacity
// through live links, compactions and a snapshot round trip, checked against the reference.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { column, columnOf, extended, grown, nextCapacity, plainOf } from '../src/growable.ts';
import { GraphEngine, stateOf } from '../src/graph-engine.ts';
import type { NetworkEdge } from '../src/index.ts';
import { ReferenceGraph } from './reference.ts';

describe('columns', () => {
  it('extends a column in place: same buffer, values kept, older views still valid, new slots filled', () => {
    const a = column(Int32Array, 4, -1);
    a.set([1, 2, 3]);
    const b = extended(a, 10, -1);
    assert.equal(b.buffer, a.buffer);
    assert.deepEqual(Array.from(b), [1, 2, 3, -1, -1, -1, -1, -1, -1, -1]);
    b[0] = 9;
    assert.equal(a[0], 9, 'the older view sees the same memory');
    assert.equal(a.length, 4);
  });

  it('copies when the reserve is exceeded or the array is plain, keeping every value', () => {
    const a = column(Float32Array, 3, NaN);
    const reserve = (a.buffer as ArrayBuffer).maxByteLength / 4;
    const big = extended(a, reserve + 5, 0.5);
    assert.notEqual(big.buffer, a.buffer);
    assert.equal(big.length, reserve + 5);
    assert.ok(Number.isNaN(big[2]));
    assert.equal(big[reserve + 4], 0.5);
    const plain = new Uint16Array([7, 8]);
    const fromPlain = extended(plain, 4);
    assert.ok((fromPlain.buffer as ArrayBuffer).resizable);
    assert.deepEqual(Array.from(fromPlain), [7, 8, 0, 0]);
  });

  it('trims and copies with columnOf, and grows plain arrays with grown', () => {
    const a = column(Uint32Array, 5);
    a.set([1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(columnOf(a, 2)), [1, 2]);
    assert.deepEqual(Array.from(columnOf(a, 6)), [1, 2, 3, 4, 5, 0]);
    const g = grown(new Uint8Array([4]), 3, 9);
    assert.equal((g.buffer as ArrayBuffer).resizable, false);
    assert.deepEqual(Array.from(g), [4, 9, 9]);
  });

  it('copies into plain arrays with plainOf, trimmed or extended', () => {
    const a = column(Uint16Array, 4);
    a.set([1, 2, 3, 4]);
    const trimmed = plainOf(a, 2);
    assert.equal((trimmed.buffer as ArrayBuffer).resizable, false);
    assert.deepEqual(Array.from(trimmed), [1, 2]);
    assert.deepEqual(Array.from(plainOf(a, 6)), [1, 2, 3, 4, 0, 0]);
  });

  it('grows capacity by a quarter, and at least to what is asked', () => {
    assert.equal(nextCapacity(4096, 10), 4096 + 1024 + 1024);
    assert.equal(nextCapacity(10, 50_000), 50_000);
  });
});

describe('an engine growing far past its initial capacity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-growth-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const T0 = Date.UTC(2026, 0, 1);
  const KINDS = ['email', 'device', 'ip'];

  /** Seeded links: most values are rare, a few are shared by hundreds of customers (hubs). */
  function* links(customers: number, seed: number): Generator<[string, string, string, number]> {
    let x = seed;
    const random = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let c = 0; c < customers; c++) {
      for (let k = 0; k < 3; k++) {
        const shared = random() < 0.3;
        const v = shared ? Math.floor(random() ** 3 * 50) : Math.floor(random() * customers * 2);
        yield [`g${c}`, KINDS[k], `${shared ? 'hub' : 'v'}${v}`, T0 + (c * 3 + k) * 1000];
      }
    }
  }

  function check(engine: GraphEngine, reference: ReferenceGraph, customers: number): void {
    for (let c = 0; c < customers; c += 173) {
      const options = { depth: 3, maxNodes: 120, asOf: T0 + c * 2000 };
      const mine = engine.network(`g${c}`, options)!;
      const theirs = reference.network(`g${c}`, options)!;
      assert.deepEqual(mine.nodes, theirs.nodes, `network of g${c}`);
      assert.equal(mine.truncated, theirs.truncated);
      assert.deepEqual(mine.component, theirs.component);
      assert.deepEqual(engine.component(`g${c}`, { maxNodes: 80 }), reference.component(`g${c}`, 80));
    }
  }

  it('answers like the reference through growth, auto-compactions and a snapshot, then grows again', async () => {
    const engine = new GraphEngine({ compactMin: 600, compactRatio: 0.25 });
    const reference = new ReferenceGraph();
    let n = 0;
    for (const [c, kind, value, at] of links(1200, 11)) {
      engine.link(c, kind, value, at);
      reference.link(c, kind, value, at);
      if (++n % 50 === 0) {
        engine.setCustomer(c, { label: 'FRAUDSTER', score: n / 1e5 });
        reference.setCustomer(c, { label: 'FRAUDSTER', score: n / 1e5 });
      }
    }
    assert.equal(engine.stats().links, reference.edges.length);
    assert.ok(
      engine.stats().customers + engine.stats().identifiers > 2 * 1024,
      'grew well past the initial 1,024 nodes',
    );
    check(engine, reference, 1200);

    const file = join(dir, 'grown.snap');
    await engine.save(file);
    const loaded = GraphEngine.load(file);
    check(loaded, reference, 1200);
    // The loaded columns are views of the file's buffer: growing must copy them, not lose them.
    for (const [c, kind, value, at] of links(400, 12)) {
      loaded.link(`x${c}`, kind, value, at);
      reference.link(`x${c}`, kind, value, at);
    }
    check(loaded, reference, 1200);
    loaded.compact();
    check(loaded, reference, 1200);
  });

  it('compact() leaves the columns network answers read plain; writes after it grow them again', () => {
    const engine = new GraphEngine({ compactRatio: Infinity });
    const reference = new ReferenceGraph();
    const resizable = (): boolean[] => {
      const s = stateOf(engine);
      const { starts, pool } = s.ids.keys();
      return [s.meta, s.score, s.edgeFirst, s.edgeLast, s.edgeCount, starts, pool].map(
        (a) => (a.buffer as ArrayBuffer).resizable,
      );
    };
    const add = (customers: number, seed: number, prefix: string): void => {
      let n = 0;
      for (const [g, kind, value, at] of links(customers, seed)) {
        const c = prefix + g.slice(1); // links() names customers g0, g1, ...
        engine.link(c, kind, value, at);
        reference.link(c, kind, value, at);
        if (++n % 40 === 0) {
          engine.setCustomer(c, { label: 'FRAUDSTER', score: n / 1e5 });
          reference.setCustomer(c, { label: 'FRAUDSTER', score: n / 1e5 });
        }
      }
    };
    add(600, 21, 'g');
    assert.deepEqual(resizable(), [true, true, true, true, true, true, true], 'columns grow in place while loading');
    engine.compact();
    assert.deepEqual(resizable(), [false, false, false, false, false, false, false], 'plain after compact()');
    check(engine, reference, 600);
    add(1200, 22, 'h'); // far past the compacted columns' headroom
    assert.deepEqual(resizable(), [true, true, true, true, true, true, true], 'resizable again once grown');
    check(engine, reference, 600);
    // The reference lists edges in its own order (as properties.test.ts, compare them sorted).
    const sorted = (edges: NetworkEdge[]): NetworkEdge[] =>
      [...edges].sort((a, b) => (a.source + a.target < b.source + b.target ? -1 : 1));
    for (let c = 0; c < 1200; c += 97) {
      const mine = engine.network(`h${c}`, { depth: 3 })!;
      const theirs = reference.network(`h${c}`, { depth: 3 })!;
      assert.deepEqual(mine.nodes, theirs.nodes, `network of h${c}`);
      assert.deepEqual(sorted(mine.edges), sorted(theirs.edges), `edges of h${c}`);
    }
  });
});
