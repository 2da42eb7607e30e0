// The network answer built with graphology as a new user would: breadth-first search with a Set,
// neighbours in insertion order, exact node cap, then node objects with their attributes and degree,
// and the edges (with their attributes) between nodes of the answer. Same shape and order as the
// engine's network(), so the two can be compared query by query. Node keys are 'c:<customerId>'
// and '<kind>:<value>'; customers may carry `label`, `action` and `score` attributes, edges
// firstSeen/lastSeen (ms) and count.
// It leaves out the component figures (graphology has no union-find: a new user would walk the whole
// component, 2.4M nodes in these graphs), which favours graphology.
import type { UndirectedGraph } from 'graphology';
import type { Network, NetworkEdge, NetworkNode } from '../src/index.ts';

export type GraphologyAnswer = Omit<Network, 'component'>;

export function graphologyNetwork(
  graph: UndirectedGraph,
  start: string,
  maxDepth: number,
  maxNodes: number,
): GraphologyAnswer {
  const order: string[] = [start];
  const ends: number[] = [1];
  const seen = new Set<string>([start]);
  let next = 0;
  let truncated = false;
  for (let depth = 0; depth < maxDepth && next < order.length && !truncated; depth++) {
    const levelEnd = order.length;
    for (; next < levelEnd && !truncated; next++) {
      graph.someNeighbor(order[next], (w) => {
        if (seen.has(w)) return false;
        if (order.length >= maxNodes) return (truncated = true);
        seen.add(w);
        order.push(w);
        return false;
      });
    }
    if (!truncated) ends.push(order.length);
  }
  if (truncated) ends.push(order.length);
  const nodes: NetworkNode[] = new Array(order.length);
  let depth = 0;
  for (let k = 0; k < order.length; k++) {
    while (k >= ends[depth]) depth++;
    const id = order[k];
    const colon = id.indexOf(':');
    const key = id.slice(colon + 1);
    if (colon === 1 && id[0] === 'c') {
      const node: NetworkNode = { id, type: 'customer', key, depth, degree: graph.degree(id) };
      const attributes = graph.getNodeAttributes(id);
      if (attributes.label !== undefined) node.label = attributes.label as string;
      if (attributes.action !== undefined) node.action = attributes.action as string;
      if (attributes.score !== undefined) node.score = attributes.score as number;
      nodes[k] = node;
    } else {
      nodes[k] = { id, type: 'identifier', key, kind: id.slice(0, colon), depth, degree: graph.degree(id) };
    }
  }
  const edges: NetworkEdge[] = [];
  for (const node of nodes) {
    if (node.type !== 'customer') continue;
    graph.forEachEdge(node.id, (_edge, attributes, source, target) => {
      const other = source === node.id ? target : source;
      if (!seen.has(other)) return;
      edges.push({
        source: node.id,
        target: other,
        firstSeen: attributes.firstSeen,
        lastSeen: attributes.lastSeen,
        count: attributes.count,
      });
    });
  }
  return { nodes, edges, truncated };
}

/** The answer as the API's JSON (times as ISO strings), as a graphology-backed BFF would send it. */
export function graphologyJson(answer: GraphologyAnswer): string {
  return JSON.stringify({
    nodes: answer.nodes,
    edges: answer.edges.map((e) => ({
      source: e.source,
      target: e.target,
      firstSeen: new Date(e.firstSeen).toISOString(),
      lastSeen: new Date(e.lastSeen).toISOString(),
      count: e.count,
    })),
    truncated: answer.truncated,
  });
}

/** First difference between the engine's network() and graphology's answer, or undefined. */
export function answerDifference(engine: Network, graphology: GraphologyAnswer): string | undefined {
  if (engine.truncated !== graphology.truncated) return 'truncated';
  if (engine.nodes.length !== graphology.nodes.length)
    return `${engine.nodes.length} nodes vs ${graphology.nodes.length}`;
  for (let k = 0; k < engine.nodes.length; k++) {
    const a = JSON.stringify(engine.nodes[k], Object.keys(engine.nodes[k]).sort());
    const b = JSON.stringify(graphology.nodes[k], Object.keys(graphology.nodes[k]).sort());
    if (a !== b) return `node ${k}: ${a} vs ${b}`;
  }
  if (engine.edges.length !== graphology.edges.length)
    return `${engine.edges.length} edges vs ${graphology.edges.length}`;
  for (let j = 0; j < engine.edges.length; j++) {
    const a = engine.edges[j];
    const b = graphology.edges[j];
    // The engine keeps times at one-second resolution.
    const second = (ms: number): number => Math.floor(ms / 1000) * 1000;
    if (
      a.source !== b.source ||
      a.target !== b.target ||
      a.firstSeen !== second(b.firstSeen) ||
      a.lastSeen !== second(b.lastSeen) ||
      a.count !== b.count
    )
      return `edge ${j}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  return undefined;
}

/**
 * The JSON the BFF's route used to send for network(): its objects mapped to the API's shape
 * (ISO times, keys in the `Network` schema's order) and stringified. writeNetworkJson() must write
 * exactly these bytes.
 */
export function apiJson(network: Network): string {
  return JSON.stringify({
    nodes: network.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      key: n.key,
      ...(n.type === 'identifier' && { kind: n.kind }),
      depth: n.depth,
      ...(n.label !== undefined && { label: n.label }),
      ...(n.action !== undefined && { action: n.action }),
      ...(n.score !== undefined && { score: n.score }),
      degree: n.degree,
    })),
    edges: network.edges.map((e) => ({
      source: e.source,
      target: e.target,
      firstSeen: new Date(e.firstSeen).toISOString(),
      lastSeen: new Date(e.lastSeen).toISOString(),
      count: e.count,
    })),
    truncated: network.truncated,
    component: network.component,
  });
}
