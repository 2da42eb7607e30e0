// The graph engine's answers in the API's shapes (Network, CustomerPath): times as ISO strings.
import type { CustomerPath } from '@redoubt/contracts/api';
import { writeNetworkJson } from '@redoubt/engine';
import type { GraphEngine } from '@redoubt/engine';

export interface NetworkOptions {
  depth: number;
  maxNodes: number;
  kinds?: string[];
  asOf?: number;
  excludeValues?: string[];
}

/**
 * The customer's network as the `Network` JSON document, or undefined when the graph does not know
 * the customer. The engine writes it from its columnar answer (no object per node or edge), byte for
 * byte what the route's schema serializer made of network()'s objects.
 */
export function networkJson(graph: GraphEngine, customerId: string, options: NetworkOptions): Buffer | undefined {
  const columns = graph.networkColumns(customerId, options);
  return columns ? writeNetworkJson(columns) : undefined;
}

/** The shortest path; undefined when the first customer is unknown, null when nothing links them. */
export function toPath(
  graph: GraphEngine,
  from: string,
  to: string,
  budget: { maxDepth: number; maxNodes: number; excludeValues?: string[] },
): CustomerPath | null | undefined {
  if (!knows(graph, from)) return undefined;
  if (!knows(graph, to)) return null;
  // maxNodes: the engine gives up (null) once the search would enter more nodes than that.
  const result = graph.path(from, to, budget);
  return result ? toCustomerPath(result) : null;
}

/**
 * The shortest chain to the nearest customer labelled `label` (the engine's nearest-label path);
 * undefined when the customer is unknown, null when none is within the budget.
 */
export function toNearestLabelPath(
  graph: GraphEngine,
  from: string,
  label: string,
  budget: { maxDepth: number; maxNodes: number; excludeValues?: string[] },
): CustomerPath | null | undefined {
  if (!knows(graph, from)) return undefined;
  const result = graph.path(from, { nearestLabel: label }, budget);
  return result ? toCustomerPath(result) : null;
}

/** An engine path in the API's shape: identifiers say their kind, customers do not. */
function toCustomerPath(result: NonNullable<ReturnType<GraphEngine['path']>>): CustomerPath {
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
