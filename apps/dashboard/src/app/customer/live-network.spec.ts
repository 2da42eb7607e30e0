import cytoscape from 'cytoscape';
import type { Network } from '@redoubt/contracts/api';
import type { LiveLink } from '@redoubt/contracts/live';
import { toElements } from './network-elements';
import { describe as describeEvent, mergeLink, recolour, showPath } from './live-network';

const seen = { firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-02-01T00:00:00Z', count: 1 };
const network: Network = {
  nodes: [
    { id: 'c:c-1', type: 'customer', key: 'c-1', depth: 0, degree: 1 },
    { id: 'email:ann@example.com', type: 'identifier', key: 'ann@example.com', kind: 'email', depth: 1, degree: 1 },
  ],
  edges: [{ source: 'c:c-1', target: 'email:ann@example.com', ...seen }],
  truncated: false,
  component: { customers: 1, identifiers: 1, fraudsters: 0, share: 0 },
};
const link = (customerId: string, kind: string, value: string): LiveLink => ({
  type: 'link',
  customerId,
  kind,
  value,
  at: '2026-03-01T00:00:00Z',
});

function drawn() {
  const cy = cytoscape({ headless: true, elements: toElements(network, 'c-1'), layout: { name: 'grid' } });
  const before = new Map(cy.nodes().map((n) => [n.id(), { ...n.position() }]));
  return { cy, before };
}

describe('mergeLink', () => {
  it('adds a new customer on a drawn identifier, beside it, without moving anything drawn', () => {
    const { cy, before } = drawn();
    const added = mergeLink(cy, link('c-bob', 'email', 'ann@example.com'));
    expect(added).toEqual(['c:c-bob', 'c:c-bob|email:ann@example.com']);
    expect(cy.getElementById('c:c-bob').hasClass('fresh')).toBe(true);
    expect(cy.getElementById('c:c-bob|email:ann@example.com').source().id()).toBe('c:c-bob');
    for (const [id, position] of before) expect(cy.getElementById(id).position()).toEqual(position);
  });

  it('adds a new identifier of a drawn customer, and nothing twice', () => {
    const { cy } = drawn();
    expect(mergeLink(cy, link('c-1', 'device', 'd-9'))).toEqual(['device:d-9', 'c:c-1|device:d-9']);
    expect(mergeLink(cy, link('c-1', 'device', 'd-9'))).toEqual([]);
    expect(cy.nodes()).toHaveLength(3);
  });
});

describe('recolour and describe', () => {
  it("follows a colleague's label, and says what arrived", () => {
    const { cy } = drawn();
    const review = {
      type: 'review' as const,
      customerId: 'c-1',
      label: 'FRAUDSTER',
      action: null,
      status: 'DECIDED',
      by: 'lee@x.test',
      at: '2026-03-01T00:00:00Z',
    };
    recolour(cy, review);
    expect(cy.getElementById('c:c-1').data('tone')).toBe('prevent');
    expect(describeEvent(review)).toBe('lee@x.test reviewed c-1: FRAUDSTER');
    expect(describeEvent(link('c-bob', 'email', 'ann@example.com'))).toBe(
      'New link: customer c-bob uses email ann@example.com',
    );
  });
});

describe('showPath', () => {
  it('marks the chain, merging in the nodes the drawn network does not hold', () => {
    const { cy, before } = drawn();
    showPath(cy, {
      hops: 2,
      nodes: [
        { id: 'c:c-1', type: 'customer', key: 'c-1' },
        { id: 'card:k1', type: 'identifier', key: 'k1', kind: 'card' },
        { id: 'c:c-9', type: 'customer', key: 'c-9' },
      ],
    });
    expect(
      cy
        .elements('.path')
        .map((e) => e.id())
        .sort(),
    ).toEqual(['c:c-1', 'c:c-1|card:k1', 'c:c-9', 'c:c-9|card:k1', 'card:k1'].sort());
    for (const [id, position] of before) expect(cy.getElementById(id).position()).toEqual(position);
  });
});
