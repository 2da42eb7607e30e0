// The GraphEngine specification: one suite that every way of holding the graph must pass (live
// delta, compacted CSR, restored from a snapshot). Like graphology's specs, it takes a factory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphEngine } from '../src/index.ts';

export interface EngineHarness {
  create: () => GraphEngine;
  /** Called after writes and before reads: identity, compact(), or a save/load round trip. */
  settle: (engine: GraphEngine) => GraphEngine | Promise<GraphEngine>;
}

const T = Date.UTC(2026, 0, 1);
const ids = (g: GraphEngine, customer: string, options = {}): string[] =>
  g.network(customer, options)?.nodes.map((n) => n.id) ?? [];

export function graphEngineSpec(name: string, { create, settle }: EngineHarness): void {
  describe(`GraphEngine spec: ${name}`, () => {
    it('links customers through shared identifiers, with per-kind normalisation', async () => {
      const g = create();
      assert.equal(g.link('a', 'email', ' Ann@Example.COM ', T), true);
      assert.equal(g.link('b', 'EMAIL', 'ann@example.com', T + 1000), true);
      assert.equal(g.link('b', 'phone', '+44 (0)20 7946-0000', T), true);
      assert.equal(g.link('c', 'phone', '+440207946 0000', T), true);
      const s = await settle(g);
      assert.deepEqual(ids(s, 'a', { depth: 4 }), [
        'c:a',
        'email:ann@example.com',
        'c:b',
        'phone:+4402079460000',
        'c:c',
      ]);
      assert.deepEqual(s.stats().identifiersByKind, { email: 1, phone: 1 });
    });

    it('counts repeated links on one edge with first and last seen', async () => {
      const g = create();
      assert.equal(g.link('a', 'device', 'd1', T + 5000), true);
      assert.equal(g.link('a', 'device', 'd1', T), false);
      assert.equal(g.link('a', 'device', 'd1', T + 9000), false);
      const edge = (await settle(g)).network('a')!.edges[0];
      assert.deepEqual(edge, { source: 'c:a', target: 'device:d1', firstSeen: T, lastSeen: T + 9000, count: 3 });
    });

    it('network() returns the contract shape: depth, degree, attributes, truncated, component', async () => {
      const g = create();
      g.link('a', 'ip', '10.0.0.1', T);
      g.link('b', 'ip', '10.0.0.1', T);
      g.setCustomer('b', { label: 'FRAUDSTER', action: 'PREVENT', score: 0.91 });
      const n = (await settle(g)).network('a')!;
      assert.deepEqual(n.nodes, [
        { id: 'c:a', type: 'customer', key: 'a', depth: 0, degree: 1 },
        { id: 'ip:10.0.0.1', type: 'identifier', key: '10.0.0.1', kind: 'ip', depth: 1, degree: 2 },
        {
          id: 'c:b',
          type: 'customer',
          key: 'b',
          depth: 2,
          degree: 1,
          label: 'FRAUDSTER',
          action: 'PREVENT',
          score: 0.91,
        },
      ]);
      assert.equal(n.truncated, false);
      assert.deepEqual(n.component, { customers: 2, identifiers: 1, fraudsters: 1, share: 0.5 });
    });

    it('depth counts hops in the customer–identifier graph', async () => {
      const g = create();
      for (let k = 0; k < 5; k++) {
        g.link(`c${k}`, 'device', `d${k}`, T);
        g.link(`c${k + 1}`, 'device', `d${k}`, T);
      }
      const s = await settle(g);
      assert.deepEqual(ids(s, 'c0', { depth: 0 }), ['c:c0']);
      assert.deepEqual(ids(s, 'c0', { depth: 1 }), ['c:c0', 'device:d0']);
      assert.deepEqual(ids(s, 'c0', { depth: 3 }), ['c:c0', 'device:d0', 'c:c1', 'device:d1']);
      assert.deepEqual(
        s.network('c0', { depth: 4 })!.nodes.map((n) => n.depth),
        [0, 1, 2, 3, 4],
      );
    });

    it('maxNodes caps exactly, in deterministic breadth-first order, and says so', async () => {
      const g = create();
      for (let k = 0; k < 50; k++) g.link(`m${k}`, 'ip', 'office', T + k * 1000);
      const s = await settle(g);
      const n = s.network('m0', { maxNodes: 10 })!;
      assert.equal(n.nodes.length, 10);
      assert.equal(n.truncated, true);
      assert.deepEqual(
        n.nodes.map((x) => x.id),
        ['c:m0', 'ip:office', ...Array.from({ length: 8 }, (_, k) => `c:m${k + 1}`)],
      );
      assert.equal(s.network('m0', { maxNodes: 52 })!.truncated, false);
      assert.equal(s.network('m0', { maxNodes: 51 })!.truncated, false);
      assert.equal(s.network('m0', { maxNodes: 50 })!.truncated, true);
    });

    it('excludeValues keeps a hub out; kinds restricts the identifiers followed', async () => {
      const g = create();
      g.link('a', 'ip', 'hub', T);
      g.link('b', 'ip', 'hub', T);
      g.link('a', 'email', 'a@x', T);
      g.link('c', 'email', 'a@x', T);
      const s = await settle(g);
      assert.deepEqual(ids(s, 'a', { excludeValues: ['ip:HUB'] }), ['c:a', 'email:a@x', 'c:c']);
      assert.deepEqual(ids(s, 'a', { kinds: ['ip'] }), ['c:a', 'ip:hub', 'c:b']);
      assert.deepEqual(ids(s, 'a', { excludeValues: ['c:c'] }), ['c:a', 'ip:hub', 'email:a@x', 'c:b']);
    });

    it('asOf leaves out links first seen after it', async () => {
      const g = create();
      g.link('a', 'card', '4111', T);
      g.link('b', 'card', '4111', T + 60_000);
      g.link('b', 'card', '4111', T + 120_000);
      const s = await settle(g);
      assert.deepEqual(ids(s, 'a', { asOf: T + 59_000 }), ['c:a', 'card:4111']);
      assert.deepEqual(ids(s, 'a', { asOf: new Date(T + 60_000) }), ['c:a', 'card:4111', 'c:b']);
      assert.equal(s.network('a', { asOf: T + 59_000 })!.edges.length, 1);
    });

    it('unlink removes a link from traversals, degrees and component figures', async () => {
      const g = create();
      g.link('a', 'phone', '+1555', T);
      g.link('b', 'phone', '+1555', T);
      g.setCustomer('b', { label: 'FRAUDSTER' });
      assert.equal(g.unlink('b', 'phone', '+1555'), true);
      assert.equal(g.unlink('b', 'phone', '+1555'), false);
      assert.equal(g.unlink('nobody', 'phone', '+1555'), false);
      const s = await settle(g);
      assert.deepEqual(ids(s, 'a'), ['c:a', 'phone:+1555']);
      assert.equal(s.network('a')!.nodes[1].degree, 1);
      assert.deepEqual(s.component('a'), { customers: 1, identifiers: 1, fraudsters: 0, share: 0, truncated: false });
      assert.deepEqual(s.component('b'), { customers: 1, identifiers: 0, fraudsters: 1, share: 1, truncated: false });
      assert.equal(s.stats().links, 1);
      // Path searches walk no unlinked link either, towards a customer or towards a label.
      assert.equal(s.path('a', 'b'), null);
      assert.equal(s.path('a', { nearestLabel: 'FRAUDSTER' }), null);
    });

    it('component() is exact, and capped breadth-first when larger than maxNodes', async () => {
      const g = create();
      for (let k = 0; k < 10; k++) g.link(`r${k}`, 'device', 'ring', T);
      for (let k = 0; k < 4; k++) g.setCustomer(`r${k}`, { label: 'FRAUDSTER' });
      g.setCustomer('r0', { label: 'GENUINE' });
      const s = await settle(g);
      assert.deepEqual(s.component('r5'), {
        customers: 10,
        identifiers: 1,
        fraudsters: 3,
        share: 0.3,
        truncated: false,
      });
      assert.deepEqual(s.component('r0', { maxNodes: 11 }), {
        customers: 10,
        identifiers: 1,
        fraudsters: 3,
        share: 0.3,
        truncated: false,
      });
      const capped = s.component('r0', { maxNodes: 4 })!;
      assert.deepEqual(capped, { customers: 3, identifiers: 1, fraudsters: 2, share: 2 / 3, truncated: true });
      assert.equal(s.component('unknown'), null);
    });

    it('path() finds the shortest chain or the nearest labelled customer', async () => {
      const g = create();
      g.link('a', 'email', 'e1', T);
      g.link('b', 'email', 'e1', T);
      g.link('b', 'device', 'd1', T);
      g.link('c', 'device', 'd1', T);
      g.link('a', 'card', 'k1', T);
      g.link('c', 'card', 'k1', T);
      g.link('z', 'ip', 'lonely', T);
      g.setCustomer('c', { label: 'FRAUDSTER' });
      const s = await settle(g);
      assert.deepEqual(
        s.path('a', 'c')!.nodes.map((n) => n.id),
        ['c:a', 'card:k1', 'c:c'],
      );
      assert.equal(s.path('a', 'b')!.hops, 2);
      assert.equal(s.path('a', 'a')!.hops, 0);
      assert.equal(s.path('a', 'z'), null);
      assert.equal(s.path('a', 'c', { maxDepth: 1 }), null);
      assert.equal(s.path('a', { nearestLabel: 'FRAUDSTER' })!.hops, 2);
      assert.equal(s.path('a', { nearestLabel: 'NOBODY' }), null);
    });

    it('unknown customers answer null; bad input throws a RangeError naming the field', async () => {
      const g = create();
      const s = await settle(g);
      assert.equal(s.network('nobody'), null);
      assert.equal(s.traverse('nobody'), null);
      assert.equal(s.path('nobody', 'x'), null);
      assert.throws(() => g.link('', 'email', 'x'), /customer id/);
      assert.throws(() => g.link('a', 'email', '   '), /empty email/);
      assert.throws(() => g.link('a', 'c', 'x'), /kind/);
      assert.throws(() => g.link('a', 'email', 'x', Number.NaN), /at must be/);
      assert.throws(() => g.setCustomer('a', { score: Infinity }), /score/);
      g.link('a', 'email', 'x', T);
      const settled = await settle(g);
      assert.throws(() => settled.network('a', { maxNodes: 0 }), /maxNodes/);
    });

    it('setCustomer() updates and clears attributes', async () => {
      const g = create();
      g.setCustomer('a', { label: 'POTENTIALLY_FRAUDSTER', score: 12.5 });
      g.setCustomer('a', { action: 'REVIEW' });
      g.setCustomer('a', { label: null });
      const node = (await settle(g)).network('a')!.nodes[0];
      assert.deepEqual(node, {
        id: 'c:a',
        type: 'customer',
        key: 'a',
        depth: 0,
        degree: 0,
        action: 'REVIEW',
        score: 12.5,
      });
    });

    it('keeps answering after more links on a settled engine', async () => {
      const s = await settle(
        (() => {
          const g = create();
          g.link('a', 'email', 'e', T);
          return g;
        })(),
      );
      s.link('b', 'email', 'e', T);
      s.link('b', 'ip', 'i', T);
      s.link('c', 'ip', 'i', T);
      assert.deepEqual(ids(s, 'a', { depth: 4 }), ['c:a', 'email:e', 'c:b', 'ip:i', 'c:c']);
      assert.equal(s.component('c')!.customers, 3);
    });
  });
}
