import type { Network } from '@redoubt/contracts/api';
import type { NetworkNode } from '@redoubt/contracts/api';
import { HUB_DEGREE, RING_CAPACITY, customerTone, ringsOf, toElements } from './network-elements';

const seen = { firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-02-01T00:00:00Z', count: 1 };
const network: Network = {
  nodes: [
    { id: 'c:c-2', type: 'customer', key: 'c-2', depth: 2, label: 'FRAUDSTER', action: 'ALLOW', degree: 1 },
    { id: 'device:d1', type: 'identifier', key: 'd1', kind: 'device', depth: 1, degree: HUB_DEGREE + 1 },
    { id: 'c:c-1', type: 'customer', key: 'c-1', depth: 0, action: 'REVIEW', score: 55, degree: 1 },
  ],
  edges: [
    { source: 'c:c-1', target: 'device:d1', ...seen },
    { source: 'c:c-2', target: 'device:d1', ...seen },
    { source: 'c:c-3', target: 'device:d1', ...seen },
  ],
  truncated: true,
  component: { customers: 3, identifiers: 1, fraudsters: 1, share: 1 / 3 },
};

describe('toElements', () => {
  const elements = toElements(network, 'c-1');
  const nodes = elements.filter((e) => e.group === 'nodes');

  it('orders nodes by depth then id, so the layout is the same on every load', () => {
    expect(nodes.map((n) => n.data.id)).toEqual(['c:c-1', 'device:d1', 'c:c-2']);
  });

  it('marks the root customer and hub identifiers', () => {
    expect(nodes[0].classes).toBe('customer root');
    expect(nodes[1].classes).toBe('identifier hub');
    expect(nodes[2].classes).toBe('customer');
    expect(nodes[1].data['caption']).toBe('dev d1');
  });

  it('drops edges to nodes a truncated network did not send', () => {
    const edges = elements.filter((e) => e.group === 'edges').map((e) => e.data.id);
    expect(edges).toEqual(['c:c-1|device:d1', 'c:c-2|device:d1']);
  });

  it('tones a labelled customer by its label, otherwise by its action', () => {
    expect(customerTone({ label: 'FRAUDSTER', action: 'ALLOW' })).toBe('prevent');
    expect(customerTone({ label: 'UNLABELLED', action: 'REVIEW' })).toBe('review');
    expect(customerTone({})).toBe('neutral');
  });
});

describe('ringsOf', () => {
  const node = (id: string, depth: number): NetworkNode => ({ id, type: 'customer', key: id, depth, degree: 1 });

  it('puts the root alone in the middle and starts a new ring at each depth', () => {
    const rings = ringsOf([node('root', 0), node('a', 1), node('b', 1), node('c', 2)]);
    expect([...rings.values()]).toEqual([0, 1, 1, 2]);
  });

  it('spreads a crowded depth over rings that grow with their radius', () => {
    const many = Array.from({ length: 60 }, (_, i) => node(`n${String(i).padStart(2, '0')}`, 1));
    const rings = ringsOf([node('root', 0), ...many]);
    const perRing = new Map<number, number>();
    for (const r of rings.values()) perRing.set(r, (perRing.get(r) ?? 0) + 1);
    // 60 nodes of depth 1: ring 1 holds 10, ring 2 holds 20, ring 3 the remaining 30.
    expect([...perRing.entries()]).toEqual([
      [0, 1],
      [1, RING_CAPACITY(1)],
      [2, RING_CAPACITY(2)],
      [3, 60 - RING_CAPACITY(1) - RING_CAPACITY(2)],
    ]);
  });
});
