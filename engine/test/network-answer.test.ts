// The columnar network answer and its JSON: networkColumns() says what network() says, and
// writeNetworkJson() writes exactly the bytes the BFF's schema serializer made of network()'s
// objects (ISO times, keys in the `Network` schema's order), on random graphs with live links,
// folds, unlinks, labels, actions, scores and values that need JSON escaping. Also path budgets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GraphEngine, writeNetworkJson } from '../src/index.ts';
import type { NetworkOptions } from '../src/index.ts';
// What the route sent before: network()'s objects in the schema's key order, times as ISO strings.
import { apiJson as formerJson } from '../bench/graphology-answer.ts';

const T0 = Date.UTC(2025, 0, 1);
const KINDS = ['email', 'device', 'Odd Kind'];
// Values that must be escaped in JSON, multi-byte UTF-8, and plain ones.
const VALUES = ['a@x.com', 'dev "7"', 'back\\slash', 'tab\there', 'ünï-cödé', '日本', 'line\u0001ctl', 'x'];

type Op =
  | { op: 'link'; c: number; k: number; v: number; t: number }
  | { op: 'unlink'; c: number; k: number; v: number }
  | { op: 'set'; c: number; label: string | null; action: string | null; score: number | null }
  | { op: 'compact' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant('link' as const),
      c: fc.nat(11),
      k: fc.nat(KINDS.length - 1),
      v: fc.nat(VALUES.length - 1),
      // Up to ~30 years apart, so the ISO dates cross months, years and leap days.
      t: fc.nat(1_000_000_000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('unlink' as const),
      c: fc.nat(11),
      k: fc.nat(KINDS.length - 1),
      v: fc.nat(VALUES.length - 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      c: fc.nat(11),
      label: fc.constantFrom('FRAUDSTER', 'GENUINE', 'say "hi"', null),
      action: fc.constantFrom('ALLOW', 'PREVENT', null),
      score: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'compact' as const }) },
);

const optionsArb: fc.Arbitrary<NetworkOptions> = fc.record(
  {
    depth: fc.integer({ min: 0, max: 6 }),
    maxNodes: fc.integer({ min: 1, max: 40 }),
    asOf: fc.integer({ min: T0, max: T0 + 1_000_000_000_000 }),
    kinds: fc.subarray(KINDS),
  },
  { requiredKeys: [] },
);

describe('network answer as columns and JSON', () => {
  it('networkColumns() + writeNetworkJson() write the bytes of network() through the former mapping', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), fc.array(optionsArb, { maxLength: 4 }), (ops, queries) => {
        // Small folds, so answers are also read with a fold in progress.
        const g = new GraphEngine({ compactMin: 4, compactRatio: 0.5, foldWork: 2 });
        for (const o of ops) {
          const customer = `u"${o.op === 'compact' ? 0 : o.c}`;
          if (o.op === 'link') g.link(customer, KINDS[o.k], VALUES[o.v], T0 + o.t * 1000 + 999);
          else if (o.op === 'unlink') g.unlink(customer, KINDS[o.k], VALUES[o.v]);
          else if (o.op === 'set') g.setCustomer(customer, { label: o.label, action: o.action, score: o.score });
          else g.compact();
        }
        for (let c = 0; c < 12; c++) {
          for (const options of [{}, ...queries]) {
            const network = g.network(`u"${c}`, options);
            const columns = g.networkColumns(`u"${c}`, options);
            if (network === null) {
              assert.equal(columns, null);
              continue;
            }
            const bytes = writeNetworkJson(columns!);
            assert.equal(bytes.toString('utf8'), formerJson(network));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('each answer is its own Buffer: a later one does not overwrite it', () => {
    const g = new GraphEngine();
    g.link('a', 'email', 'a@x.com', T0);
    g.link('b', 'email', 'b@x.com', T0);
    const first = writeNetworkJson(g.networkColumns('a')!);
    const copy = Buffer.from(first);
    for (let i = 0; i < 20_000; i++) writeNetworkJson(g.networkColumns(i % 2 ? 'a' : 'b')!);
    assert.deepEqual(first, copy);
  });
});

describe('path search budget', () => {
  // A chain of customers c0 - e0 - c1 - e1 - ... - c20, plus a star of 50 customers on hub h around c0.
  const g = new GraphEngine();
  for (let i = 0; i < 20; i++) {
    g.link(`c${i}`, 'email', `e${i}`, T0);
    g.link(`c${i + 1}`, 'email', `e${i}`, T0);
  }
  for (let i = 0; i < 50; i++) g.link(i === 0 ? 'c0' : `s${i}`, 'device', 'hub', T0);
  g.setCustomer('c6', { label: 'FRAUDSTER' });

  it('answers null once the search would enter more than maxNodes nodes', () => {
    assert.equal(g.path('c0', 'c4', { maxDepth: 8 })!.hops, 8);
    // Entering c0's 51-node star and the chain takes more than 20 nodes.
    assert.equal(g.path('c0', 'c4', { maxDepth: 8, maxNodes: 20 }), null);
    assert.equal(g.path('c0', 'c4', { maxDepth: 8, maxNodes: 200 })!.hops, 8);
    assert.equal(g.path('c0', { nearestLabel: 'FRAUDSTER' }, { maxDepth: 12 })!.hops, 12);
    assert.equal(g.path('c0', { nearestLabel: 'FRAUDSTER' }, { maxDepth: 12, maxNodes: 30 }), null);
    assert.throws(() => g.path('c0', 'c4', { maxNodes: 0 }), /maxNodes/);
  });

  it('finds long chains after a traversal has grown the shared queue', () => {
    // A chain k0 - x0 - k1 - ... - k1500: each side enters ~1,500 nodes, past the parents' first size.
    const h = new GraphEngine();
    for (let i = 0; i < 1500; i++) {
      h.link(`k${i}`, 'email', `x${i}`, T0);
      h.link(`k${i + 1}`, 'email', `x${i}`, T0);
    }
    assert.equal(h.traverse('k0', { depth: Infinity })!.nodes.length, 3001);
    const expected = ['c:k0'];
    for (let i = 0; i < 1500; i++) expected.push(`email:x${i}`, `c:k${i + 1}`);
    const found = h.path('k0', 'k1500', { maxDepth: 4000, maxNodes: Infinity })!;
    assert.deepEqual(
      found.nodes.map((n) => n.id),
      expected,
    );
    h.setCustomer('k1500', { label: 'FRAUDSTER' });
    assert.deepEqual(
      h.path('k0', { nearestLabel: 'FRAUDSTER' }, { maxDepth: 4000, maxNodes: Infinity })!.nodes.map((n) => n.id),
      expected,
    );
  });

  it('stops at the first meeting or labelled customer, so the rest of that level does not count', () => {
    // a and b share email m; b has 30 more identifiers, read after m in the level that meets a's
    // side (a's frontier {m} has more links than b's {b}, so b's side is expanded).
    const h = new GraphEngine();
    h.link('b', 'email', 'm', T0);
    for (let i = 0; i < 30; i++) h.link('b', 'device', `d${i}`, T0);
    h.link('a', 'email', 'm', T0);
    for (let i = 0; i < 30; i++) h.link(`y${i}`, 'email', 'm', T0);
    // Entered before the meeting: a, m, b. The whole level would add b's 30 devices.
    assert.equal(h.path('a', 'b', { maxNodes: 4 })!.hops, 2);
    assert.deepEqual(
      h.path('a', 'b', { maxNodes: 4 })!.nodes.map((n) => n.id),
      ['c:a', 'email:m', 'c:b'],
    );
    // p's phone q is shared with fraudster f first, then 30 other customers.
    h.link('p', 'phone', '+441', T0);
    h.link('f', 'phone', '+441', T0);
    for (let i = 0; i < 30; i++) h.link(`x${i}`, 'phone', '+441', T0);
    h.setCustomer('f', { label: 'FRAUDSTER' });
    assert.deepEqual(
      h.path('p', { nearestLabel: 'FRAUDSTER' }, { maxNodes: 4 })!.nodes.map((n) => n.id),
      ['c:p', 'phone:+441', 'c:f'],
    );
    assert.equal(h.path('p', { nearestLabel: 'FRAUDSTER' }, { maxNodes: 2 }), null);
  });
});
