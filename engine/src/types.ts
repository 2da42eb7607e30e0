// Public shapes of @redoubt/engine. Field names match the HTTP contract (libs/contracts `Network`),
// except that times are epoch milliseconds here (the BFF turns them into ISO strings).

/** Epoch milliseconds or a Date. Stored at one-second resolution. */
export type TimeInput = number | Date;

export interface CustomerAttributes {
  /** e.g. 'FRAUDSTER', 'GENUINE'; null clears. At most 15 distinct labels per engine. */
  label?: string | null;
  /** e.g. 'ALLOW', 'REVIEW', 'PREVENT'; null clears. At most 15 distinct actions per engine. */
  action?: string | null;
  /** Kept at float32 precision (about 7 significant digits); null clears. */
  score?: number | null;
}

export interface NetworkOptions {
  /** Hops from the customer in the customer–identifier graph (default 3). */
  depth?: number;
  /** Exact cap on returned nodes, in breadth-first order (default 2,000 for network(), none for traverse()). */
  maxNodes?: number;
  /** Identifier kinds to follow (default: all). */
  kinds?: readonly string[];
  /** Leave out links first seen after this time. */
  asOf?: TimeInput;
  /** Node ids never entered: '<kind>:<value>' (value normalised like link()) or 'c:<customerId>'. */
  excludeValues?: readonly string[];
}

export interface NetworkNode {
  /** 'c:<customerId>' or '<kind>:<value>'. */
  id: string;
  type: 'customer' | 'identifier';
  /** Customer id, or the identifier's normalised value. */
  key: string;
  kind?: string;
  /** Hops from the start customer. */
  depth: number;
  label?: string;
  action?: string;
  score?: number;
  /** Live links of the node (for an identifier: customers sharing it), whatever the query's filters. */
  degree: number;
}

export interface NetworkEdge {
  /** Always the customer node id. */
  source: string;
  /** Always the identifier node id. */
  target: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

export interface ComponentStats {
  customers: number;
  identifiers: number;
  fraudsters: number;
  /** fraudsters / customers (0 when there are no customers). */
  share: number;
}

export interface Network {
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  /** True when maxNodes left out nodes that were within reach. */
  truncated: boolean;
  /** Statistics of the start customer's whole connected component (all kinds, current links). */
  component: ComponentStats;
}

/**
 * network()'s answer as columns (networkColumns()): node k in breadth-first order, edge j in the
 * order of network()'s edges. The arrays belong to the engine and are longer than the answer: read
 * the first nodeCount / edgeCount entries, before the engine's next query or write.
 */
export interface NetworkColumns {
  nodeCount: number;
  /** Internal node ids, as traverse() returns them. */
  nodes: Int32Array;
  /** Kind code: 0 for a customer, else an index into kindNames. */
  kind: Uint8Array;
  depth: Int32Array;
  /** Live links of the node, whatever the query's filters. */
  degree: Int32Array;
  /** Label and action codes (0: none), indices into labels and actions; customers only. */
  label: Uint8Array;
  action: Uint8Array;
  /** Score as network() gives it (rounded to 6 decimals); NaN when unset. */
  score: Float64Array;
  /** Node k's key (customer id or normalised value) is keyBytes[keyStart[k], keyEnd[k]), UTF-8. */
  keyBytes: Buffer;
  keyStart: Uint32Array;
  keyEnd: Uint32Array;
  kindNames: readonly string[];
  labels: readonly string[];
  actions: readonly string[];
  edgeCount: number;
  /** Node indices (not ids): the customer, and the identifier. */
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  /** Epoch seconds. */
  firstSeen: Uint32Array;
  lastSeen: Uint32Array;
  count: Uint16Array;
  truncated: boolean;
  component: ComponentStats;
}

export interface ComponentOptions {
  /** Count only the first maxNodes nodes in breadth-first order when the component is larger. */
  maxNodes?: number;
}

export interface ComponentResult extends ComponentStats {
  /** True when the component is larger than maxNodes and the figures cover its first maxNodes nodes. */
  truncated: boolean;
}

export interface PathOptions {
  /** Longest chain searched, in hops (default 8). */
  maxDepth?: number;
  /**
   * Most nodes the search may enter, both sides together (default 20,000): a search that would
   * enter more answers null, as when there is no chain, so one query through hubs stays bounded.
   */
  maxNodes?: number;
  /** Node ids never entered, as network()'s excludeValues (shared infrastructure). */
  excludeValues?: readonly string[];
}

export interface PathNode {
  id: string;
  type: 'customer' | 'identifier';
  key: string;
  kind?: string;
}

export interface PathResult {
  /** From the start customer to the target, alternating customers and identifiers. */
  nodes: PathNode[];
  hops: number;
}

/**
 * A breadth-first traversal's raw result: internal node ids in discovery order. `nodes` is a view
 * of the engine's reused queue: valid until the next query on the same engine.
 */
export interface Traversal {
  nodes: Int32Array;
  truncated: boolean;
  /** depthEnds[d] = number of nodes with depth <= d. */
  depthEnds: number[];
}

export type ChangeEvent =
  | {
      type: 'link';
      customerId: string;
      kind: string;
      value: string;
      at: number;
      firstSeen: number;
      lastSeen: number;
      count: number;
      /** True when this call created the link (false: an existing link was seen again). */
      created: boolean;
    }
  | { type: 'unlink'; customerId: string; kind: string; value: string; at: number }
  | { type: 'customer'; customerId: string; label?: string; action?: string; score?: number };

export interface EngineStats {
  customers: number;
  identifiers: number;
  /** Live customer–identifier links. */
  links: number;
  /** Links added since the last compaction (in the delta). */
  deltaLinks: number;
  /** True while writes are folding the delta into the base (see GraphEngineOptions.foldWork). */
  folding: boolean;
  identifiersByKind: Record<string, number>;
  /** Bytes held in the engine's typed arrays. */
  bytes: number;
}
