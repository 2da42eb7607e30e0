// Turns the BFF's Network into cytoscape elements and style. Pure functions, so the mapping is
// tested without a canvas.
import type { ElementDefinition, StylesheetJson } from 'cytoscape';
import type { Network, NetworkNode } from '@redoubt/contracts/api';
import { labelText, riskTone } from '../risk/risk-chips';

const TONE_COLOUR = { prevent: '#c62828', review: '#ef6c00', allow: '#2e7d32', neutral: '#90a4ae' } as const;

export interface KindStyle {
  readonly name: string;
  readonly tag: string;
  readonly colour: string;
  readonly icon: string;
}

/** Identifier kinds: display name, a short tag drawn on the canvas, a colour and a Material Symbol. */
export const KIND_STYLE: Readonly<Record<string, KindStyle>> = {
  email: { name: 'Email', tag: '@', colour: '#5c6bc0', icon: 'mail' },
  phone: { name: 'Phone', tag: 'tel', colour: '#00897b', icon: 'call' },
  device: { name: 'Device', tag: 'dev', colour: '#8e24aa', icon: 'devices' },
  card: { name: 'Card', tag: 'card', colour: '#f9a825', icon: 'credit_card' },
  ip: { name: 'IP address', tag: 'ip', colour: '#6d4c41', icon: 'lan' },
  address: { name: 'Address', tag: 'addr', colour: '#3949ab', icon: 'home' },
};

/** Identifiers shared by more customers than this are drawn as hubs (likely shared infrastructure). */
export const HUB_DEGREE = 20;

/** Callers may name kinds beyond the usual six; those get a grey tag with their own name. */
export function kindStyle(kind: string | undefined): KindStyle {
  return KIND_STYLE[kind ?? ''] ?? { name: kind ?? 'Identifier', tag: kind ?? '?', colour: '#757575', icon: 'tag' };
}

export function customerColour(node: Pick<NetworkNode, 'label' | 'action'>): string {
  // A label is a person's judgement, so it wins over the model's action.
  const label = node.label && node.label !== 'UNLABELLED' ? node.label : undefined;
  return TONE_COLOUR[riskTone(label ?? node.action)];
}

function rootFirst(a: NetworkNode, b: NetworkNode, rootId: string): number {
  return Number(b.type === 'customer' && b.key === rootId) - Number(a.type === 'customer' && a.key === rootId);
}

function shorten(value: string, max = 18): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function nodeCaption(node: NetworkNode): string {
  if (node.type === 'customer') return shorten(node.key, 14);
  return `${kindStyle(node.kind).tag} ${shorten(node.key)}`;
}

function nodeTitle(node: NetworkNode): string {
  if (node.type === 'identifier') return `${node.kind ?? 'identifier'}: ${node.key} (${node.degree} customers)`;
  const parts = [`customer ${node.key}`];
  if (node.label) parts.push(labelText(node.label));
  if (node.action) parts.push(node.action);
  if (node.score !== undefined) parts.push(`score ${node.score}`);
  return parts.join(' · ');
}

/** Nodes the k-th ring holds: proportional to its radius, so a big depth fans out over rings. */
export const RING_CAPACITY = (k: number) => Math.max(6, 10 * k);

/**
 * Ring of each node for the concentric layout, outwards from the root: nodes of one depth fill
 * rings in (depth, id) order, and a new depth starts a new ring. One ring per depth would put 280
 * customers on one circle and shrink the picture to dots.
 */
export function ringsOf(nodes: readonly NetworkNode[]): Map<string, number> {
  const rings = new Map<string, number>();
  let ring = -1;
  let used = Infinity;
  let depth: number | undefined;
  for (const node of nodes) {
    if (node.depth !== depth || used >= RING_CAPACITY(ring)) {
      ring += 1;
      used = 0;
      depth = node.depth;
    }
    rings.set(node.id, ring);
    used += 1;
  }
  return rings;
}

/**
 * Elements in a stable order (depth, then id), so the concentric layout puts every node in the
 * same place on every load: screenshots and colleagues see the same picture.
 */
export function toElements(network: Network, rootId: string): ElementDefinition[] {
  const nodes = [...network.nodes].sort(
    (a, b) => a.depth - b.depth || rootFirst(a, b, rootId) || a.id.localeCompare(b.id),
  );
  const rings = ringsOf(nodes);
  const known = new Set(nodes.map((n) => n.id));
  const nodeElements: ElementDefinition[] = nodes.map((n) => ({
    group: 'nodes',
    data: {
      id: n.id,
      key: n.key,
      type: n.type,
      depth: n.depth,
      ring: rings.get(n.id),
      caption: nodeCaption(n),
      title: nodeTitle(n),
      colour: n.type === 'customer' ? customerColour(n) : kindStyle(n.kind).colour,
    },
    classes: [n.type, n.type === 'customer' && n.key === rootId ? 'root' : '', n.degree > HUB_DEGREE ? 'hub' : '']
      .filter(Boolean)
      .join(' '),
  }));
  const edgeElements: ElementDefinition[] = network.edges
    // A truncated network may name nodes it did not send; cytoscape refuses dangling edges.
    .filter((e) => known.has(e.source) && known.has(e.target))
    .map((e) => ({
      group: 'edges',
      data: { id: `${e.source}|${e.target}`, source: e.source, target: e.target, count: e.count },
    }));
  return [...nodeElements, ...edgeElements];
}

export const NETWORK_STYLE: StylesheetJson = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(colour)',
      label: 'data(caption)',
      'font-size': 9,
      'font-family': 'Roboto, sans-serif',
      color: '#37474f',
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'min-zoomed-font-size': 6,
    },
  },
  { selector: 'node.customer', style: { shape: 'ellipse', width: 26, height: 26 } },
  { selector: 'node.identifier', style: { shape: 'round-rectangle', width: 14, height: 14, 'font-size': 8 } },
  { selector: 'node.hub', style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': '#424242' } },
  { selector: 'node.root', style: { width: 40, height: 40, 'border-width': 4, 'border-color': '#0d47a1' } },
  {
    selector: 'edge',
    style: { width: 'mapData(count, 1, 20, 1, 4)', 'line-color': '#b0bec5', 'curve-style': 'straight', opacity: 0.8 },
  },
  { selector: 'node:selected', style: { 'overlay-opacity': 0.15, 'overlay-color': '#0d47a1' } },
];
