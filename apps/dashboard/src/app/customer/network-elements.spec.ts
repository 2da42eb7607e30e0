import type { Network } from '@redoubt/contracts/api';
import { HUB_DEGREE, customerColour, toElements } from './network-elements';

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

  it('colours a labelled customer by its label, otherwise by its action', () => {
    expect(customerColour({ label: 'FRAUDSTER', action: 'ALLOW' })).toBe('#c62828');
    expect(customerColour({ label: 'UNLABELLED', action: 'REVIEW' })).toBe('#ef6c00');
    expect(customerColour({})).toBe('#90a4ae');
  });
});
