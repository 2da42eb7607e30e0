// Layout at size: past the limit, identifiers only one customer uses fold into it ("a +3"), and
// shared identifiers of one kind collapse into a group node ("2 cards"); leaves and the outermost
// first, customers never; both expand in place into their members.
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
// b share cards k and k2. Thirteen nodes.
const network: Network = {
  nodes: [
    node('c:r', 0),
    node('device:d', 1),
    node('c:a', 2),
    node('c:b', 2),
    ...['ip:1', 'ip:2', 'ip:3', 'ip:4', 'ip:5', 'email:e1', 'email:e2', 'card:k', 'card:k2'].map((id) => node(id, 3)),
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
    ['c:a', 'card:k2'],
    ['c:b', 'card:k2'],
  ].map(([source, target]) => ({ source: source!, target: target!, ...seen })),
  truncated: false,
  component: { customers: 3, identifiers: 10, fraudsters: 0, share: 0 },
};

const nodesOf = (limit: number) => toElements(network, 'r', limit).filter((e) => e.group === 'nodes');
const edgesOf = (limit: number) => toElements(network, 'r', limit).filter((e) => e.group === 'edges');
const ids = (elements: { data: { id?: string } }[]) => elements.map((e) => String(e.data.id)).sort();

describe('folded and grouped nodes past the limit', () => {
  it('draws every node on its own within the limit', () => {
    expect(nodesOf(13)).toHaveLength(13);
    expect(groupsOf(network.nodes, network.edges, 13).size).toBe(0);
  });

  it('folds the biggest unit of leaves into their customers first, just enough to fit: "a +3"', () => {
    const nodes = nodesOf(8);
    expect(ids(nodes)).toEqual(['c:a', 'c:b', 'c:r', 'card:k', 'card:k2', 'device:d', 'email:e1', 'email:e2']);
    const a = nodes.find((n) => n.data.id === 'c:a')!;
    expect(a.data['caption']).toBe('a +3');
    expect(a.classes).toContain('folded');
    expect(ids(a.data['members'] as { data: { id: string } }[])).toEqual(['ip:1', 'ip:2', 'ip:3']);
    expect(nodes.find((n) => n.data.id === 'c:b')!.data['caption']).toBe('b +2');
    // No node and no edge for a folded identifier.
    expect(edgesOf(8).filter((e) => String(e.data['target']).startsWith('ip:'))).toEqual([]);
    expect(edgesOf(8)).toHaveLength(9);
  });

  it('then groups shared identifiers of one kind, and never collapses customers or shared loners', () => {
    expect(ids(nodesOf(6))).toEqual(['c:a', 'c:b', 'c:r', 'card:k', 'card:k2', 'device:d']);
    const nodes = nodesOf(5);
    const group = nodes.find((n) => n.data['type'] === 'group')!;
    expect(group.data['caption']).toBe('2 cards');
    expect(group.classes).toBe('group');
    // Each customer's links into the group are one edge, counting them.
    const toGroup = edgesOf(5).filter((e) => e.data['target'] === group.data.id);
    expect(toGroup.map((e) => [e.data['source'], e.data['count']])).toEqual([
      ['c:a', 2],
      ['c:b', 2],
    ]);
    // Nothing left that may collapse: three customers, the shared device, one group.
    expect(ids(nodesOf(3))).toEqual(['c:a', 'c:b', 'c:r', 'device:d', 'group:card:3:shared']);
  });

  it('expands a group into its members where it was, with their links; nothing else moves', () => {
    const cy = cytoscape({ headless: true, elements: toElements(network, 'r', 5) });
    cy.nodes().forEach((n, i) => {
      n.position({ x: i * 40, y: 0 });
    });
    const group = cy.getElementById('group:card:3:shared');
    group.position({ x: 500, y: 500 });
    const before = cy.getElementById('c:a').position();
    expect(nodeRows(cy).find((r) => r.id === 'group:card:3:shared')?.kind).toBe('card group');

    const added = expandGroup(cy, 'group:card:3:shared');
    expect(cy.getElementById('group:card:3:shared').empty()).toBe(true);
    expect(added.filter((id) => !id.includes('|')).sort()).toEqual(['card:k', 'card:k2']);
    expect(cy.getElementById('c:a|card:k2').nonempty()).toBe(true);
    expect(cy.getElementById('c:b|card:k').nonempty()).toBe(true);
    expect(cy.getElementById('c:a').position()).toEqual(before);
    const p = cy.getElementById('card:k').position();
    expect(Math.hypot(p.x - 500, p.y - 500)).toBeLessThan(100);
    expect(expandGroup(cy, 'c:r')).toEqual([]);
  });

  it("draws a folded customer's own identifiers around it, and it stays", () => {
    const cy = cytoscape({ headless: true, elements: toElements(network, 'r', 8) });
    cy.getElementById('c:a').position({ x: 300, y: 300 });
    const added = expandGroup(cy, 'c:a');
    expect(added.filter((id) => !id.includes('|')).sort()).toEqual(['ip:1', 'ip:2', 'ip:3']);
    const a = cy.getElementById('c:a');
    expect(a.hasClass('folded')).toBe(false);
    expect(a.data('caption')).toBe('a');
    expect(a.position()).toEqual({ x: 300, y: 300 });
    expect(cy.getElementById('c:a|ip:3').nonempty()).toBe(true);
    expect(cy.nodes()).toHaveLength(11);
    expect(expandGroup(cy, 'c:a')).toEqual([]);
  });

  it('does not draw a member twice when it arrived live while folded', () => {
    const cy = cytoscape({ headless: true, elements: toElements(network, 'r', 8) });
    mergeLink(cy, { type: 'link', customerId: 'a', kind: 'ip', value: '1', at: seen.firstSeen });
    expandGroup(cy, 'c:a');
    expect(cy.nodes('[id = "ip:1"]')).toHaveLength(1);
    expect(cy.nodes()).toHaveLength(11);
  });
});
