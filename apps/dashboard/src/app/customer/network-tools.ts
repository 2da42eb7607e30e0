// Network tools on the drawn graph: merging a node's own neighbourhood into the picture without
// laying out the rest again (expand), the accessible table of what is drawn, and PNG export.
import type { CytoscapeOptions, Core, ElementDefinition, Position, StylesheetJson } from 'cytoscape';
import type { Network } from '@redoubt/contracts/api';
import { LIGHT_COLOURS } from '../shell/theme-colours';
import type { ThemeColours } from '../shell/theme-colours';
import { SMOOTH_NODES, networkLayout, networkStyle, toElements } from './network-elements';
import { liveStyle } from './live-network';

/** The node budgets offered (the network route's maxNodes; the BFF allows up to 5,000). */
export const NETWORK_BUDGETS = [100, 300, 1000, 2000] as const;

/**
 * Everything the canvas is made with but its container: the network page and bench:live's Chromium
 * figure (apps/bff/bench/network-canvas.ts) draw the same thing.
 */
export function canvasOptions(
  network: Network,
  rootId: string,
  limit = SMOOTH_NODES,
  colours: ThemeColours = LIGHT_COLOURS,
): CytoscapeOptions {
  const elements = toElements(network, rootId, limit);
  return {
    elements,
    style: canvasStyle(colours),
    layout: networkLayout(elements.filter((e) => e.group === 'nodes').length),
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    // With panning on, a box is drawn with shift (or ctrl) held while dragging.
    boxSelectionEnabled: true,
    selectionType: 'additive',
  };
}

/** The canvas's whole style in the theme's colours (set again when the theme changes). */
export function canvasStyle(colours: ThemeColours): StylesheetJson {
  return [...networkStyle(colours), ...liveStyle(colours)];
}

/** The n-th spot of a golden-angle spiral around `centre`: new nodes fan out without piling up. */
function spiral(centre: Position, n: number): Position {
  const angle = (n * 137.5 * Math.PI) / 180;
  const radius = 50 + 12 * Math.sqrt(n);
  return { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
}

/**
 * Draws what a group node ("37 IPs") or a folded customer ("ann +3") stands for (network-elements.ts
 * groupsOf): the members on a spiral where the node is, with their links; a group node is replaced
 * by them, a customer stays. Nothing else moves. Returns the ids added.
 */
export function expandGroup(cy: Core, nodeId: string): string[] {
  const node = cy.getElementById(nodeId);
  const folded = node.hasClass('folded');
  if (node.empty() || (node.data('type') !== 'group' && !folded)) return [];
  const centre = { ...node.position() };
  const members = (node.data('members') ?? []) as ElementDefinition[];
  const memberEdges = (node.data('memberEdges') ?? []) as ElementDefinition[];
  if (folded) {
    node.removeClass('folded');
    node.data({ caption: node.data('plainCaption'), title: node.data('plainTitle'), members: [], memberEdges: [] });
  } else node.remove();
  // A member that arrived live meanwhile is drawn already.
  const fresh = members
    .filter((m) => cy.getElementById(String(m.data.id)).empty())
    .map((m, n) => ({ ...m, position: spiral(centre, n) }));
  cy.add(fresh);
  const edges = memberEdges.filter(
    (e) =>
      cy.getElementById(String(e.data.id)).empty() &&
      cy.getElementById(String(e.data.source)).nonempty() &&
      cy.getElementById(String(e.data.target)).nonempty(),
  );
  cy.add(edges);
  return [...fresh, ...edges].map((e) => String(e.data.id));
}

/**
 * "What changed since the last review": marks the drawn links first seen after `since` (the
 * review's time; the network as of then had none of them), and the nodes that only such links
 * draw. `since` undefined clears the marks. Returns how many links are marked.
 */
export function markSince(cy: Core, since: string | undefined): number {
  cy.elements('.since').removeClass('since');
  if (since === undefined) return 0;
  const at = Date.parse(since);
  // Links merged live carry their event time; a path's links have none and are not new.
  const fresh = cy.edges().filter((e) => Date.parse(String(e.data('firstSeen') ?? '')) > at);
  fresh.addClass('since');
  cy.nodes()
    .filter((n) => n.connectedEdges().nonempty() && n.connectedEdges().not('.since').empty())
    .addClass('since');
  return fresh.length;
}

/** One row of the table view: a drawn node with its kind and how many drawn links it has. */
export interface NodeRow {
  id: string;
  type: 'customer' | 'identifier' | 'group';
  key: string;
  kind: string;
  title: string;
  links: number;
}

/**
 * Adds the nodes and links of `network` that are not drawn yet, each new node placed on a spiral
 * around `anchorId` (the node that was expanded); nodes already drawn keep their positions.
 * Returns the ids added (nodes and edges).
 */
export function mergeNetwork(cy: Core, network: Network, anchorId: string, rootId: string): string[] {
  const anchor = cy.getElementById(anchorId);
  const centre = anchor.nonempty() ? anchor.position() : { x: cy.width() / 2, y: cy.height() / 2 };
  const added: string[] = [];
  const fresh: ElementDefinition[] = [];
  let n = 0;
  for (const element of toElements(network, rootId)) {
    const id = String(element.data.id);
    if (cy.getElementById(id).nonempty()) continue;
    if (element.group === 'nodes') {
      fresh.push({ ...element, classes: `${element.classes ?? ''} fresh`.trim(), position: spiral(centre, n++) });
    } else {
      fresh.push({ ...element, classes: 'fresh' });
    }
    added.push(id);
  }
  // Nodes before edges, so every edge finds its ends.
  cy.add(fresh.filter((e) => e.group === 'nodes'));
  cy.add(fresh.filter((e) => e.group === 'edges' && cy.getElementById(String(e.data.source)).nonempty()));
  return added;
}

/** The customer whose network shows a node's neighbourhood: itself, or a customer linked to the identifier. */
export function customerToExpand(cy: Core, nodeId: string): string | undefined {
  const node = cy.getElementById(nodeId);
  if (node.empty()) return undefined;
  if (node.data('type') === 'customer') return String(node.data('key'));
  const neighbour = node.neighborhood('node.customer').first();
  return neighbour.nonempty() ? String(neighbour.data('key')) : undefined;
}

/** What is drawn, customers first, for the table view (the canvas is not keyboard or screen-reader reachable). */
export function nodeRows(cy: Core): NodeRow[] {
  return cy
    .nodes()
    .map((node) => {
      const id = String(node.id());
      const type: NodeRow['type'] =
        node.data('type') === 'customer' ? 'customer' : node.data('type') === 'group' ? 'group' : 'identifier';
      return {
        id,
        type,
        key: String(node.data('key')),
        kind:
          type === 'customer'
            ? 'customer'
            : type === 'group'
              ? `${node.data('kind')} group`
              : id.slice(0, id.indexOf(':')),
        title: String(node.data('title') ?? id),
        links: node.connectedEdges().length,
      } satisfies NodeRow;
    })
    .sort((a, b) => Number(a.type !== 'customer') - Number(b.type !== 'customer') || a.id.localeCompare(b.id));
}

/** The whole drawn network as a PNG file download (cytoscape's cy.png()), on the theme's surface. */
export function downloadPng(cy: Core, fileName: string, background: string): void {
  const blob = cy.png({ output: 'blob', full: true, bg: background, scale: 2 });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
