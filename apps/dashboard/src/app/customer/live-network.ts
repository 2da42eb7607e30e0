// The customer network's live side: an EventSource on GET /api/live for the open customer
// (docs/live.md), and merging a new link into the drawn graph without laying out the rest again.
import type { Core, NodeSingular, StylesheetJson } from 'cytoscape';
import type { Action, CustomerPath, Label } from '@redoubt/contracts/api';
import type { LiveEvent, LiveLink } from '@redoubt/contracts/live';
import type { ThemeColours } from '../shell/theme-colours';
import { customerTone, kindStyle } from './network-elements';

/** New nodes and edges stand out until the network is loaded again; paths and what is new since a review. */
export function liveStyle(c: ThemeColours): StylesheetJson {
  return [
    { selector: 'node.fresh', style: { 'border-width': 3, 'border-color': c.review } },
    { selector: 'edge.fresh', style: { 'line-color': c.review, width: 3, opacity: 1 } },
    { selector: 'node.path', style: { 'border-width': 4, 'border-color': c.prevent } },
    { selector: 'edge.path', style: { 'line-color': c.prevent, width: 4, opacity: 1 } },
    // What changed since the last review (network-tools.ts markSince).
    { selector: 'node.since', style: { 'border-width': 4, 'border-color': c.primary } },
    { selector: 'edge.since', style: { 'line-color': c.primary, width: 4, opacity: 1 } },
  ];
}

export type LiveHandler = (event: LiveEvent) => void;

const EVENT_TYPES = ['link', 'score', 'label', 'review', 'note', 'presence', 'watch', 'reload', 'bye'] as const;

/**
 * Opens the stream for one customer; returns the function that closes it. EventSource reconnects
 * on its own and sends Last-Event-ID, so a short drop resumes (or gets `reload`).
 */
export function openLive(tenant: string, customerId: string, handle: LiveHandler): () => void {
  const params = new URLSearchParams({ tenant, watch: customerId });
  const source = new EventSource(`/api/live?${params}`);
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      try {
        handle(JSON.parse((message as MessageEvent<string>).data) as LiveEvent);
      } catch {
        // A malformed event is skipped; the next reload shows the truth.
      }
    });
  }
  return () => source.close();
}

/** What arrived, in words, for the toast. */
export function describe(event: LiveEvent): string | undefined {
  switch (event.type) {
    case 'link':
      return `New link: customer ${event.customerId} uses ${kindStyle(event.kind).name.toLowerCase()} ${event.value}`;
    case 'label':
      return `Customer ${event.customerId} labelled ${event.label}`;
    case 'score':
      return `Customer ${event.customerId} scored ${event.score} (${event.action})`;
    case 'review':
      return `${event.by} reviewed ${event.customerId}: ${[event.label, event.action].filter(Boolean).join(', ') || event.status}`;
    case 'note':
      return `${event.by} added a note on ${event.customerId}`;
    case 'watch':
      return `Watch: customer ${event.customerId} linked ${event.kind} ${event.value} into your pinned ${event.targetType} (queued for review)`;
    default:
      return undefined;
  }
}

/** A free spot beside a node, so a new neighbour does not land on top of the existing picture. */
function besideOf(anchor: NodeSingular | undefined, cy: Core, salt: number): { x: number; y: number } {
  const centre = anchor?.position() ?? { x: cy.width() / 2, y: cy.height() / 2 };
  const angle = (salt * 137.5 * Math.PI) / 180;
  const radius = 40 + 8 * (salt % 5);
  return { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
}

/**
 * Adds the link's customer and identifier (whichever is missing) and the edge between them, each
 * placed next to the node it joins; existing nodes keep their positions. Returns the ids added.
 */
export function mergeLink(cy: Core, link: LiveLink): string[] {
  const customerNode = `c:${link.customerId}`;
  const identifierNode = `${link.kind}:${link.value}`;
  const added: string[] = [];
  const salt = cy.elements().length;
  const existingCustomer = cy.getElementById(customerNode);
  const existingIdentifier = cy.getElementById(identifierNode);
  if (existingIdentifier.empty()) {
    const style = kindStyle(link.kind);
    cy.add({
      group: 'nodes',
      data: {
        id: identifierNode,
        key: link.value,
        type: 'identifier',
        caption: `${style.tag} ${link.value.length > 18 ? `${link.value.slice(0, 17)}…` : link.value}`,
        title: `${link.kind}: ${link.value}`,
        colour: style.colour,
      },
      classes: 'identifier fresh',
      position: besideOf(existingCustomer.nonempty() ? existingCustomer : undefined, cy, salt),
    });
    added.push(identifierNode);
  }
  if (existingCustomer.empty()) {
    cy.add({
      group: 'nodes',
      data: {
        id: customerNode,
        key: link.customerId,
        type: 'customer',
        caption: link.customerId.length > 14 ? `${link.customerId.slice(0, 13)}…` : link.customerId,
        title: `customer ${link.customerId}`,
        tone: customerTone({}),
      },
      classes: 'customer fresh',
      position: besideOf(cy.getElementById(identifierNode), cy, salt + 1),
    });
    added.push(customerNode);
  }
  const edgeId = `${customerNode}|${identifierNode}`;
  if (cy.getElementById(edgeId).empty()) {
    cy.add({
      group: 'edges',
      data: { id: edgeId, source: customerNode, target: identifierNode, count: 1, firstSeen: link.at },
      classes: 'fresh',
    });
    added.push(edgeId);
  }
  return added;
}

const LABELS: readonly string[] = [
  'FRAUDSTER',
  'GENUINE',
  'POTENTIALLY_FRAUDULENT',
  'POTENTIALLY_GENUINE',
  'UNLABELLED',
];
const ACTIONS: readonly string[] = ['ALLOW', 'REVIEW', 'PREVENT'];
const asLabel = (v: string | null | undefined): Label | undefined =>
  v != null && LABELS.includes(v) ? (v as Label) : undefined;
const asAction = (v: string | null | undefined): Action | undefined =>
  v != null && ACTIONS.includes(v) ? (v as Action) : undefined;

/** A colleague's or the model's change to a drawn customer: its colour follows. */
export function recolour(cy: Core, event: LiveEvent): void {
  if (event.type !== 'label' && event.type !== 'score' && event.type !== 'review') return;
  const node = cy.getElementById(`c:${event.customerId}`);
  if (node.empty()) return;
  const label = event.type === 'score' ? undefined : asLabel(event.label);
  const action = event.type === 'label' ? undefined : asAction(event.action);
  node.data('tone', customerTone({ label, action }));
}

/**
 * Draws a path (customer, identifier, customer, …) on the graph: nodes and links missing from the
 * drawn network are merged in beside their neighbours, and the whole chain is marked.
 */
export function showPath(cy: Core, path: CustomerPath): void {
  cy.elements('.path').removeClass('path');
  const nodes = path.nodes;
  for (let i = 0; i + 1 < nodes.length; i++) {
    const a = nodes[i]!;
    const b = nodes[i + 1]!;
    const customer = a.type === 'customer' ? a : b;
    const identifier = a.type === 'customer' ? b : a;
    mergeLink(cy, {
      type: 'link',
      customerId: customer.key,
      kind: identifier.kind ?? '',
      value: identifier.key,
      at: '',
    });
    cy.getElementById(`${customer.id}|${identifier.id}`).addClass('path');
  }
  for (const n of nodes) cy.getElementById(n.id).addClass('path');
}
