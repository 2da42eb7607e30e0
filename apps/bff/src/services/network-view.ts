// The graph engine's answers in the API's shapes (Network, CustomerPath): times as ISO strings.
import type { CustomerPath, Network } from '@redoubt/contracts/api';
import type { GraphEngine } from '@redoubt/engine';

type EngineNetwork = NonNullable<ReturnType<GraphEngine['network']>>;
type EngineNode = EngineNetwork['nodes'][number];

function node(n: EngineNode): Network['nodes'][number] {
  return {
    id: n.id,
    type: n.type,
    key: n.key,
    ...(n.kind !== undefined && n.type === 'identifier' && { kind: n.kind }),
    depth: n.depth,
    ...(n.label != null && { label: n.label as Network['nodes'][number]['label'] }),
    ...(n.action != null && { action: n.action as Network['nodes'][number]['action'] }),
    ...(n.score != null && !Number.isNaN(n.score) && { score: n.score }),
    degree: n.degree,
  };
}

export interface NetworkOptions {
  depth: number;
  maxNodes: number;
  kinds?: string[];
  asOf?: number;
  excludeValues?: string[];
}

/** The customer's network, or undefined when the graph does not know the customer. */
export function toNetwork(graph: GraphEngine, customerId: string, options: NetworkOptions): Network | undefined {
  const result = graph.network(customerId, options);
  if (!result) return undefined;
  return {
    nodes: result.nodes.map(node),
    edges: result.edges.map((e) => ({
      source: e.source,
      target: e.target,
      firstSeen: new Date(e.firstSeen).toISOString(),
      lastSeen: new Date(e.lastSeen).toISOString(),
      count: e.count,
    })),
    truncated: result.truncated,
    component: result.component,
  };
}

/** The shortest path; undefined when the first customer is unknown, null when nothing links them. */
export function toPath(
  graph: GraphEngine,
  from: string,
  to: string,
  maxDepth: number,
): CustomerPath | null | undefined {
  if (!knows(graph, from)) return undefined;
  if (!knows(graph, to)) return null;
  const result = graph.path(from, to, { maxDepth });
  if (!result) return null;
  return {
    hops: result.hops,
    nodes: result.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      key: n.key,
      ...(n.kind !== undefined && n.type === 'identifier' && { kind: n.kind }),
    })),
  };
}

/** True when the graph has the customer (a one-node component query is O(1)). */
function knows(graph: GraphEngine, customerId: string): boolean {
  return graph.component(customerId, { maxNodes: 1 }) !== null;
}
