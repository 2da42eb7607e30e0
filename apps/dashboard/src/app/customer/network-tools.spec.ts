import cytoscape from 'cytoscape';
import type { Network } from '@redoubt/contracts/api';
import { toElements } from './network-elements';
import { LIGHT_COLOURS } from '../shell/theme-colours';
import { canvasOptions, canvasStyle, customerToExpand, markSince, mergeNetwork, nodeRows } from './network-tools';

const component = { customers: 3, identifiers: 2, fraudsters: 0, share: 0 };
const node = (id: string, depth: number, degree = 1) =>
  id.startsWith('c:')
    ? { id, type: 'customer' as const, key: id.slice(2), depth, degree }
    : {
        id,
        type: 'identifier' as const,
        key: id.slice(id.indexOf(':') + 1),
        kind: id.slice(0, id.indexOf(':')),
        depth,
        degree,
      };
const edge = (source: string, target: string) => ({
  source,
  target,
  firstSeen: '2026-10-01T12:00:00.000Z',
  lastSeen: '2026-10-01T12:00:00.000Z',
  count: 1,
});

const drawn: Network = {
  nodes: [node('c:ann', 0), node('device:d1', 1, 2), node('c:bob', 2)],
  edges: [edge('c:ann', 'device:d1'), edge('c:bob', 'device:d1')],
  truncated: false,
  component,
};
// Bob's own neighbourhood: his card, and Cat behind it.
const aroundBob: Network = {
  nodes: [node('c:bob', 0), node('device:d1', 1, 2), node('card:t1', 1, 2), node('c:ann', 2), node('c:cat', 2)],
  edges: [edge('c:bob', 'device:d1'), edge('c:bob', 'card:t1'), edge('c:ann', 'device:d1'), edge('c:cat', 'card:t1')],
  truncated: false,
  component,
};

function draw() {
  const cy = cytoscape({ headless: true, elements: toElements(drawn, 'ann') });
  cy.getElementById('c:ann').position({ x: 0, y: 0 });
  cy.getElementById('device:d1').position({ x: 50, y: 0 });
  cy.getElementById('c:bob').position({ x: 100, y: 0 });
  return cy;
}

describe('network tools', () => {
  it('expanding merges the new neighbours beside the node; nothing drawn moves', () => {
    const cy = draw();
    const added = mergeNetwork(cy, aroundBob, 'c:bob', 'ann');
    expect(added.sort()).toEqual(['c:bob|card:t1', 'c:cat', 'c:cat|card:t1', 'card:t1'].sort());
    expect(cy.getElementById('c:ann').position()).toEqual({ x: 0, y: 0 });
    expect(cy.getElementById('device:d1').position()).toEqual({ x: 50, y: 0 });
    const card = cy.getElementById('card:t1').position();
    expect(Math.hypot(card.x - 100, card.y)).toBeLessThan(80);
    expect(cy.getElementById('card:t1').hasClass('fresh')).toBe(true);
    expect(mergeNetwork(cy, aroundBob, 'c:bob', 'ann')).toEqual([]);
  });

  it('expands an identifier through a customer linked to it', () => {
    const cy = draw();
    expect(customerToExpand(cy, 'c:bob')).toBe('bob');
    expect(['ann', 'bob']).toContain(customerToExpand(cy, 'device:d1'));
    expect(customerToExpand(cy, 'c:nobody')).toBeUndefined();
  });

  it('lists what is drawn for the table view, customers first, with their drawn links', () => {
    const rows = nodeRows(draw());
    expect(rows.map((r) => [r.id, r.kind, r.links])).toEqual([
      ['c:ann', 'customer', 1],
      ['c:bob', 'customer', 1],
      ['device:d1', 'device', 2],
    ]);
  });
});

describe('since the last review', () => {
  it('marks the links first seen after the review and the nodes only they draw; clears on undefined', () => {
    const cy = draw();
    // Bob's card arrived after the review of 2026-10-02; the rest was there before.
    mergeNetwork(
      cy,
      {
        ...aroundBob,
        edges: aroundBob.edges.map((e) =>
          e.target === 'card:t1' ? { ...e, firstSeen: '2026-10-03T09:00:00.000Z' } : e,
        ),
      },
      'c:bob',
      'ann',
    );
    expect(markSince(cy, '2026-10-02T00:00:00.000Z')).toBe(2);
    expect(
      cy
        .elements('.since')
        .map((e) => e.id())
        .sort(),
    ).toEqual(['c:bob|card:t1', 'c:cat', 'c:cat|card:t1', 'card:t1'].sort());
    expect(cy.getElementById('c:bob').hasClass('since')).toBe(false);
    // Reviewed after everything: nothing is new.
    expect(markSince(cy, '2026-10-04T00:00:00.000Z')).toBe(0);
    expect(cy.elements('.since')).toHaveLength(0);
    markSince(cy, '2026-10-02T00:00:00.000Z');
    expect(markSince(cy, undefined)).toBe(0);
    expect(cy.elements('.since')).toHaveLength(0);
  });
});

describe('canvasStyle', () => {
  // The dark theme's values of a few tokens (styles.scss light-dark() pairs).
  const dark = { ...LIGHT_COLOURS, prevent: '#ff8a80', neutral: '#b0bec5', text: '#e3e2e6', primary: '#abc7ff' };
  const labelled: Network = {
    ...drawn,
    nodes: drawn.nodes.map((n) => (n.id === 'c:bob' ? { ...n, label: 'FRAUDSTER' as const } : n)),
  };

  it("draws in the theme's colours, and in the new ones when restyled", () => {
    const cy = cytoscape({ headless: true, styleEnabled: true, ...canvasOptions(labelled, 'ann') });
    expect(cy.getElementById('c:bob').style('background-color')).toBe('rgb(198,40,40)');
    cy.style(canvasStyle(dark));
    expect(cy.getElementById('c:bob').style('background-color')).toBe('rgb(255,138,128)');
    expect(cy.getElementById('c:ann').style('background-color')).toBe('rgb(176,190,197)');
    expect(cy.getElementById('c:ann').style('color')).toBe('rgb(227,226,230)');
    expect(cy.getElementById('c:ann').style('border-color')).toBe('rgb(171,199,255)');
    cy.destroy();
  });
});
