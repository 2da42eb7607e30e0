// Network tools on the drawn graph: merging a node's own neighbourhood into the picture without
// laying out the rest again (expand), the accessible table of what is drawn, and PNG export.
import type { Core, ElementDefinition } from 'cytoscape';
import type { Network } from '@redoubt/contracts/api';
import { toElements } from './network-elements';

/** The node budgets offered (the network route's maxNodes; the BFF allows up to 5,000). */
export const NETWORK_BUDGETS = [100, 300, 1000, 2000] as const;

/** One row of the table view: a drawn node with its kind and how many drawn links it has. */
export interface NodeRow {
  id: string;
  type: 'customer' | 'identifier';
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
      // A golden-angle spiral: neighbours fan out around the anchor without piling up.
      const angle = (n * 137.5 * Math.PI) / 180;
      const radius = 50 + 12 * Math.sqrt(n);
      n++;
      fresh.push({
        ...element,
        classes: `${element.classes ?? ''} fresh`.trim(),
        position: { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) },
      });
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
      const type = node.data('type') === 'customer' ? 'customer' : 'identifier';
      return {
        id,
        type,
        key: String(node.data('key')),
        kind: type === 'customer' ? 'customer' : id.slice(0, id.indexOf(':')),
        title: String(node.data('title') ?? id),
        links: node.connectedEdges().length,
      } satisfies NodeRow;
    })
    .sort((a, b) => Number(a.type === 'identifier') - Number(b.type === 'identifier') || a.id.localeCompare(b.id));
}

/** The whole drawn network as a PNG file download (cytoscape's cy.png()). */
export function downloadPng(cy: Core, fileName: string): void {
  const blob = cy.png({ output: 'blob', full: true, bg: '#ffffff', scale: 2 });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
