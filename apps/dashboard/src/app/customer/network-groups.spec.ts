// Layout at size: past the limit, identifiers of one kind collapse into a group node ("5 IPs"),
// leaves and the outermost first, customers never; a group expands in place into its members.
import cytoscape from 'cytoscape';
import type { Network, NetworkNode } from '@redoubt/contracts/api';
import { groupsOf, toElements } from './network-elements';
import { expandGroup, nodeRows } from './network-tools';
import { mergeLink } from './live-network';

const seen = { firstSeen: '2026-10-01T12:00:00.000Z', lastSeen: '2026-10-01T12:00:00.000Z', count: 1 };
const node = (id: string, depth: number): NetworkNode =>
  id.startsWith('c:')
    ? { id, type: 'customer', key: id.slice(2), depth, degree: 1 }
    : {
        id,
        type: 'identifier',
        key: id.slice(id.indexOf(':') + 1),
        kind: id.slice(0, id.indexOf(':')),
        depth,
        degree: 1,
      };

// Root r shares device d with a and b; a has three IPs and two emails of its own, b two IPs; a and
// b share card k. Twelve nodes.
const network: Network = {
  nodes: [
    node('c:r', 0),
    node('device:d', 1),
    node('c:a', 2),
    node('c:b', 2),
    ...['ip:1', 'ip:2', 'ip:3', 'ip:4', 'ip:5', 'email:e1', 'email:e2', 'card:k'].map((id) => node(id, 3)),
  ],
  edges: [
    ['c:r', 'device:d'],
    ['c:a', 'device:d'],
    ['c:b', 'device:d'],
    ['c:a', 'ip:1'],
    ['c:a', 'ip:2'],
    ['c:a', 'ip:3'],
    ['c:b', 'ip:4'],
    ['c:b', 'ip:5'],
    ['c:a', 'email:e1'],
    ['c:a', 'email:e2'],
    ['c:a', 'card:k'],
    ['c:b', 'card:k'],
  ].map(([source, target]) => ({ source: source!, target: target!, ...seen })),
  truncated: false,
  component: { customers: 3, identifiers: 9, fraudsters: 0, share: 0 },
};

const nodesOf = (limit: number) => toElements(network, 'r', limit).filter((e) => e.group === 'nodes');

describe('group nodes past the limit', () => {
  it('draws every node on its own within the limit', () => {
    expect(nodesOf(12)).toHaveLength(12);
    expect(groupsOf(network.nodes, network.edges, 12).size).toBe(0);
  });

  it('collapses the biggest unit of leaves first, just enough to fit: "5 IPs"', () => {
    const nodes = nodesOf(8);
    expect(nodes).toHaveLength(8);
    const group = nodes.find((n) => n.data['type'] === 'group')!;
    expect(group.data['caption']).toBe('5 IPs');
    expect(group.classes).toBe('group');
    expect(nodes.map((n) => n.data.id)).not.toContain('ip:1');
    expect(nodes.map((n) => n.data.id)).toContain('email:e1');
    // Each customer's links into the group are one edge, counting them.
    const edges = toElements(network, 'r', 8).filter((e) => e.group === 'edges');
    const toGroup = edges.filter((e) => e.data.target === group.data.id);
    expect(toGroup.map((e) => [e.data.source, e.data['count']])).toEqual([
      ['c:a', 3],
      ['c:b', 2],
    ]);
  });

  it('goes on to the next kind when one is not enough, and never collapses customers or shared loners', () => {
    expect(
      nodesOf(7)
        .filter((n) => n.data['type'] === 'group')
        .map((n) => n.data['caption']),
    ).toEqual(['2 emails', '5 IPs']);
    // Nothing left that may collapse: three customers, the shared device and card, two groups.
    const tight = nodesOf(3);
    expect(tight.map((n) => n.data.id).sort()).toEqual(
      ['c:a', 'c:b', 'c:r', 'card:k', 'device:d', 'group:email:3:leaf', 'group:ip:3:leaf'].sort(),
    );
  });

  it('expands a group into its members where it was, with their links; nothing else moves', () => {
    const cy = cytoscape({ headless: true, elements: toElements(network, 'r', 8) });
    cy.nodes().forEach((n, i) => {
      n.position({ x: i * 40, y: 0 });
    });
    const group = cy.getElementById('group:ip:3:leaf');
    group.position({ x: 500, y: 500 });
    const before = cy.getElementById('c:a').position();
    expect(nodeRows(cy).find((r) => r.id === 'group:ip:3:leaf')?.kind).toBe('ip group');

    const added = expandGroup(cy, 'group:ip:3:leaf');
    expect(cy.getElementById('group:ip:3:leaf').empty()).toBe(true);
    expect(added.filter((id) => !id.includes('|')).sort()).toEqual(['ip:1', 'ip:2', 'ip:3', 'ip:4', 'ip:5']);
    expect(cy.getElementById('c:a|ip:2').nonempty()).toBe(true);
    expect(cy.getElementById('c:b|ip:5').nonempty()).toBe(true);
    expect(cy.getElementById('c:a').position()).toEqual(before);
    const p = cy.getElementById('ip:3').position();
    expect(Math.hypot(p.x - 500, p.y - 500)).toBeLessThan(100);
    expect(cy.nodes()).toHaveLength(12);
    expect(expandGroup(cy, 'c:a')).toEqual([]);
  });

  it('does not draw a member twice when it arrived live while grouped', () => {
    const cy = cytoscape({ headless: true, elements: toElements(network, 'r', 8) });
    mergeLink(cy, { type: 'link', customerId: 'a', kind: 'ip', value: '1', at: seen.firstSeen });
    expandGroup(cy, 'group:ip:3:leaf');
    expect(cy.nodes('[id = "ip:1"]')).toHaveLength(1);
    expect(cy.nodes()).toHaveLength(12);
  });
});
