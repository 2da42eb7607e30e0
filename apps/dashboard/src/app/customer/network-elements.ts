// Turns the BFF's Network into cytoscape elements and style. Pure functions, so the mapping is
// tested without a canvas.
import type { ConcentricLayoutOptions, ElementDefinition, StylesheetJson } from 'cytoscape';
import type { Network, NetworkEdge, NetworkNode } from '@redoubt/contracts/api';
import { labelText, riskTone } from '../risk/risk-chips';
import type { ThemeColours } from '../shell/theme-colours';

/** A customer's risk tone: its node is drawn in the theme's colour of that name. */
export type Tone = ReturnType<typeof riskTone>;
const TONES: readonly Tone[] = ['prevent', 'review', 'allow', 'neutral'];

export interface KindStyle {
  readonly name: string;
  /** How a group node counts them ("37 IPs"). */
  readonly plural: string;
  readonly tag: string;
  readonly colour: string;
  readonly icon: string;
}

/**
 * Identifier kinds: display name, a short tag drawn on the canvas, a colour and a Material Symbol.
 * The kinds' colours are mid-tones legible on both themes' surfaces; everything else on the canvas
 * is drawn in the theme's colours (networkStyle).
 */
export const KIND_STYLE: Readonly<Record<string, KindStyle>> = {
  email: { name: 'Email', plural: 'emails', tag: '@', colour: '#5c6bc0', icon: 'mail' },
  phone: { name: 'Phone', plural: 'phones', tag: 'tel', colour: '#00897b', icon: 'call' },
  device: { name: 'Device', plural: 'devices', tag: 'dev', colour: '#8e24aa', icon: 'devices' },
  card: { name: 'Card', plural: 'cards', tag: 'card', colour: '#f9a825', icon: 'credit_card' },
  ip: { name: 'IP address', plural: 'IPs', tag: 'ip', colour: '#6d4c41', icon: 'lan' },
  address: { name: 'Address', plural: 'addresses', tag: 'addr', colour: '#3949ab', icon: 'home' },
};

/** Identifiers shared by more customers than this are drawn as hubs (likely shared infrastructure). */
export const HUB_DEGREE = 20;

/** Callers may name kinds beyond the usual six; those get a grey tag with their own name. */
export function kindStyle(kind: string | undefined): KindStyle {
  return (
    KIND_STYLE[kind ?? ''] ?? {
      name: kind ?? 'Identifier',
      plural: `${kind ?? ''} identifiers`.trim(),
      tag: kind ?? '?',
      colour: '#757575',
      icon: 'tag',
    }
  );
}

export function customerTone(node: Pick<NetworkNode, 'label' | 'action'>): Tone {
  // A label is a person's judgement, so it wins over the model's action.
  const label = node.label && node.label !== 'UNLABELLED' ? node.label : undefined;
  return riskTone(label ?? node.action);
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
export function ringsOf(nodes: readonly Pick<NetworkNode, 'id' | 'depth'>[]): Map<string, number> {
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
 * Nodes the canvas draws smoothly (bench:live measures a 2,000-node network in Chromium, docs/live.md):
 * past this, identifiers only one drawn customer uses fold into that customer ("+3"), and
 * identifiers of one kind shared by customers collapse into group nodes ("37 IPs").
 */
export const SMOOTH_NODES = 800;

/**
 * Identifiers of one kind at one depth. Leaves (linked to one drawn customer) fold into their
 * customer: they link nobody, and a group node of them would draw a star of edges that suggests a
 * link the customers do not have. Shared ones collapse into one group node.
 */
interface Group {
  id: string;
  kind: string;
  depth: number;
  leaf: boolean;
  members: NetworkNode[];
}

/**
 * Which identifiers to fold or collapse so that at most `limit` nodes are drawn: units are the
 * identifiers of one kind at one depth, split into leaves (exactly one drawn link) and shared ones.
 * Leaves go first, then the outermost depth, then the biggest unit, until the count fits; customers
 * never collapse. Returns identifier id -> its unit.
 */
export function groupsOf(
  nodes: readonly NetworkNode[],
  edges: readonly Pick<NetworkEdge, 'source' | 'target'>[],
  limit: number,
): Map<string, Group> {
  const grouped = new Map<string, Group>();
  if (nodes.length <= limit) return grouped;
  const drawnLinks = new Map<string, number>();
  for (const e of edges) {
    drawnLinks.set(e.source, (drawnLinks.get(e.source) ?? 0) + 1);
    drawnLinks.set(e.target, (drawnLinks.get(e.target) ?? 0) + 1);
  }
  const units = new Map<string, Group>();
  for (const n of nodes) {
    if (n.type !== 'identifier') continue;
    const leaf = drawnLinks.get(n.id) === 1;
    const kind = n.kind ?? n.id.slice(0, n.id.indexOf(':'));
    const id = `group:${kind}:${n.depth}:${leaf ? 'leaf' : 'shared'}`;
    let unit = units.get(id);
    if (!unit) units.set(id, (unit = { id, kind, depth: n.depth, leaf, members: [] }));
    unit.members.push(n);
  }
  const order = [...units.values()].sort(
    (a, b) =>
      Number(b.leaf) - Number(a.leaf) ||
      b.depth - a.depth ||
      b.members.length - a.members.length ||
      a.id.localeCompare(b.id),
  );
  let count = nodes.length;
  for (const unit of order) {
    if (count <= limit) break;
    if (unit.members.length < 2) continue;
    // Folded leaves leave no node behind; a group is one node for all its members.
    count -= unit.leaf ? unit.members.length : unit.members.length - 1;
    for (const m of unit.members) grouped.set(m.id, unit);
  }
  return grouped;
}

function nodeElement(n: NetworkNode, rootId: string, ring: number | undefined): ElementDefinition {
  return {
    group: 'nodes',
    data: {
      id: n.id,
      key: n.key,
      type: n.type,
      depth: n.depth,
      ring,
      caption: nodeCaption(n),
      title: nodeTitle(n),
      ...(n.type === 'customer' ? { tone: customerTone(n) } : { colour: kindStyle(n.kind).colour }),
    },
    classes: [n.type, n.type === 'customer' && n.key === rootId ? 'root' : '', n.degree > HUB_DEGREE ? 'hub' : '']
      .filter(Boolean)
      .join(' '),
  };
}

function edgeElement(e: Pick<NetworkEdge, 'source' | 'target' | 'count' | 'firstSeen'>): ElementDefinition {
  return {
    group: 'edges',
    data: { id: `${e.source}|${e.target}`, source: e.source, target: e.target, count: e.count, firstSeen: e.firstSeen },
  };
}

/** What a folded customer says: "ann +3", and in its title how to draw them. */
function foldedData(data: ElementDefinition['data'], leaves: number): ElementDefinition['data'] {
  return {
    ...data,
    plainCaption: data['caption'],
    plainTitle: data['title'],
    caption: `${String(data['caption'])} +${leaves}`,
    title: `${String(data['title'])} · ${leaves} identifiers of its own folded in (Expand draws them)`,
  };
}

/**
 * Elements in a stable order (depth, then id), so the concentric layout puts every node in the
 * same place on every load: screenshots and colleagues see the same picture. Past `limit` nodes,
 * identifiers fold into their customer or collapse into group nodes (groupsOf); a folded customer
 * and a group node carry their members' elements (`members`, `memberEdges`) so expandGroup() can
 * draw them without asking the BFF again.
 */
export function toElements(network: Network, rootId: string, limit = Infinity): ElementDefinition[] {
  const nodes = [...network.nodes].sort(
    (a, b) => a.depth - b.depth || rootFirst(a, b, rootId) || a.id.localeCompare(b.id),
  );
  const known = new Set(nodes.map((n) => n.id));
  // A truncated network may name nodes it did not send; cytoscape refuses dangling edges.
  const edges = network.edges.filter((e) => known.has(e.source) && known.has(e.target));
  const groups = groupsOf(nodes, edges, limit);
  // Folded leaves, by the customer they fold into (a leaf has exactly one drawn link).
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const folded = new Map<string, { members: NetworkNode[]; edges: NetworkEdge[] }>();
  for (const e of edges) {
    const leaf = groups.get(e.target)?.leaf ? e.target : groups.get(e.source)?.leaf ? e.source : undefined;
    if (leaf === undefined) continue;
    const customer = leaf === e.target ? e.source : e.target;
    let fold = folded.get(customer);
    if (!fold) folded.set(customer, (fold = { members: [], edges: [] }));
    fold.members.push(byId.get(leaf)!);
    fold.edges.push(e);
  }
  // What is drawn: each group once, where its first member was in the order; folded leaves not at all.
  const drawn: (NetworkNode | Group)[] = [];
  const placed = new Set<string>();
  for (const n of nodes) {
    const group = groups.get(n.id);
    if (!group) drawn.push(n);
    else if (!group.leaf && !placed.has(group.id)) {
      placed.add(group.id);
      drawn.push(group);
    }
  }
  const rings = ringsOf(drawn);
  const nodeElements = drawn.map((d): ElementDefinition => {
    if (!('members' in d)) {
      const element = nodeElement(d, rootId, rings.get(d.id));
      const fold = folded.get(d.id);
      if (!fold) return element;
      return {
        ...element,
        data: {
          ...foldedData(element.data, fold.members.length),
          members: fold.members.map((m) => nodeElement(m, rootId, undefined)),
          memberEdges: fold.edges.map(edgeElement),
        },
        classes: `${element.classes} folded`,
      };
    }
    const style = kindStyle(d.kind);
    const ids = new Set(d.members.map((m) => m.id));
    return {
      group: 'nodes',
      data: {
        id: d.id,
        key: d.id,
        type: 'group',
        kind: d.kind,
        depth: d.depth,
        ring: rings.get(d.id),
        caption: `${d.members.length} ${style.plural}`,
        title: `${d.members.length} ${style.plural} at ${d.depth} hops, grouped (tap to expand)`,
        colour: style.colour,
        members: d.members.map((m) => nodeElement(m, rootId, undefined)),
        memberEdges: edges.filter((e) => ids.has(e.target) || ids.has(e.source)).map(edgeElement),
      },
      classes: 'group',
    };
  });
  // A customer's links into one group become one edge, counting them; links to folded leaves are
  // not drawn.
  const edgeElements = new Map<string, ElementDefinition>();
  for (const e of edges) {
    if (groups.get(e.source)?.leaf || groups.get(e.target)?.leaf) continue;
    const source = groups.get(e.source)?.id ?? e.source;
    const target = groups.get(e.target)?.id ?? e.target;
    const element = edgeElement({ ...e, source, target });
    const id = String(element.data.id);
    const seen = edgeElements.get(id);
    if (!seen) edgeElements.set(id, element);
    else {
      seen.data['count'] = Number(seen.data['count']) + e.count;
      // New since a date when any link it stands for is.
      if (e.firstSeen > String(seen.data['firstSeen'])) seen.data['firstSeen'] = e.firstSeen;
    }
  }
  return [...nodeElements, ...edgeElements.values()];
}

/** The concentric layout of toElements' rings, root in the middle; nothing is animated. */
export function networkLayout(nodeCount: number): ConcentricLayoutOptions {
  return {
    name: 'concentric',
    concentric: (node) => -Number(node.data('ring')),
    levelWidth: () => 1,
    minNodeSpacing: nodeCount > 60 ? 8 : 28,
    animate: false,
    padding: 24,
  };
}

/** The canvas's style in the theme's colours (a canvas cannot read CSS variables: shell/theme-colours.ts). */
export function networkStyle(c: ThemeColours): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        label: 'data(caption)',
        'font-size': 9,
        'font-family': 'Roboto, sans-serif',
        color: c.text,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'min-zoomed-font-size': 6,
      },
    },
    { selector: 'node.customer', style: { shape: 'ellipse', width: 26, height: 26, 'background-color': c.neutral } },
    ...TONES.map((tone) => ({ selector: `node.customer[tone = "${tone}"]`, style: { 'background-color': c[tone] } })),
    {
      selector: 'node.identifier',
      style: { shape: 'round-rectangle', width: 14, height: 14, 'font-size': 8, 'background-color': 'data(colour)' },
    },
    { selector: 'node.hub', style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': c.mutedText } },
    {
      selector: 'node.group',
      style: {
        shape: 'round-rectangle',
        width: 34,
        height: 22,
        'background-color': 'data(colour)',
        'border-width': 2,
        'border-style': 'double',
        'border-color': c.mutedText,
        'font-weight': 'bold',
      },
    },
    // A customer with identifiers of its own folded in ("ann +3").
    { selector: 'node.folded', style: { 'border-width': 3, 'border-style': 'double', 'border-color': c.mutedText } },
    { selector: 'node.root', style: { width: 40, height: 40, 'border-width': 4, 'border-color': c.primary } },
    {
      selector: 'edge',
      style: {
        width: 'mapData(count, 1, 20, 1, 4)',
        'line-color': c.neutral,
        'curve-style': 'straight',
        opacity: 0.55,
      },
    },
    { selector: 'node:selected', style: { 'overlay-opacity': 0.15, 'overlay-color': c.primary } },
  ];
}
