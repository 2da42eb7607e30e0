// Shortest chains: between two customers (bidirectional breadth-first search) and from a customer
// to the nearest customer carrying a label (breadth-first search). Scratch arrays are allocated on
// first use and kept on the state; compaction drops them (they belong to one numbering).
import { DEAD } from './csr.ts';
import { grown } from './growable.ts';
import { CUSTOMER } from './ids.ts';
import { headroom } from './state.ts';
import type { EngineState } from './state.ts';
import type { PathResult } from './types.ts';

/** Scratch for path searches: allocated on first use. */
export interface PathArrays {
  parentA: Int32Array;
  parentB: Int32Array;
  distA: Int32Array;
  distB: Int32Array;
  visitB: Uint16Array;
  queueB: Int32Array;
}

function ensurePathArrays(s: EngineState): PathArrays {
  const n = s.ids.count;
  if (!s.pathArrays || s.pathArrays.parentA.length < n) {
    const size = headroom(n);
    s.pathArrays = {
      parentA: new Int32Array(size),
      parentB: new Int32Array(size),
      distA: new Int32Array(size),
      distB: new Int32Array(size),
      visitB: new Uint16Array(size),
      queueB: new Int32Array(1024),
    };
  }
  return s.pathArrays;
}

/** The BFF's own budget (apps/bff/src/routes/customers.ts, PATH_NODE_BUDGET), so the bench times what it serves. */
export const DEFAULT_PATH_BUDGET = 20_000;

/**
 * The shortest chain from `from` to customer `to` (to >= 0), or to the nearest customer with
 * `labelCode`; null when there is none within maxDepth hops or the search would enter more than
 * maxNodes nodes.
 */
export function path(
  s: EngineState,
  from: number,
  to: number,
  labelCode: number,
  maxDepth: number,
  maxNodes: number,
  excludeValues?: readonly string[],
): PathResult | null {
  if (!(maxNodes >= 1)) throw new RangeError('maxNodes must be >= 1');
  const arrays = ensurePathArrays(s);
  // Excluded nodes are never entered; the two ends are the caller's own and stay reachable.
  let excluded: Set<number> | undefined;
  if (excludeValues && excludeValues.length > 0) {
    excluded = new Set();
    for (const value of excludeValues) {
      const v = s.parseNodeId(value);
      if (v >= 0 && v !== from && v !== to) excluded.add(v);
    }
    if (excluded.size === 0) excluded = undefined;
  }
  return to >= 0
    ? bidirectional(s, from, to, maxDepth, maxNodes, arrays, excluded)
    : nearest(s, from, labelCode, maxDepth, maxNodes, arrays, excluded);
}

// Both searches read a node's links from one scratch copy (Adjacency.linksInto: its base slots,
// then its delta entries, oldest first): one loop body, no closure. Tombstones are skipped, and
// looked for only when there are any: reading the edge column is a cache miss per link.

/**
 * Level-synchronous bidirectional BFS: expands the cheaper frontier, one whole level at a time,
 * and keeps the shortest meeting found in that level (ties: the first met). A frontier's cost is
 * the sum of its nodes' degrees, not their count: one identifier shared by thousands of customers
 * is a frontier of one node that enters thousands, and expanding the other side first is what
 * keeps a search between two hubs' neighbourhoods inside the node budget (engine/docs/design-choices.md).
 */
function bidirectional(
  s: EngineState,
  from: number,
  to: number,
  maxDepth: number,
  maxNodes: number,
  arrays: PathArrays,
  excluded: Set<number> | undefined,
): PathResult | null {
  if (from === to) return { nodes: [s.describe(from)], hops: 0 };
  const epoch = s.nextEpoch();
  const visitA = s.visit;
  const { parentA, parentB, distA, distB, visitB } = arrays;
  const adj = s.adj;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queueA: Int32Array = s.queue;
  let queueB: Int32Array = arrays.queueB;
  visitA[from] = epoch;
  parentA[from] = -1;
  distA[from] = 0;
  visitB[to] = epoch;
  parentB[to] = -1;
  distB[to] = 0;
  queueA[0] = from;
  queueB[0] = to;
  let headA = 0;
  let tailA = 1;
  let headB = 0;
  let tailB = 1;
  let depthA = 0;
  let depthB = 0;
  // Links leaving each side's current level, and (while a level is expanded) its next level.
  let costA = adj.baseDegree(from) + 1;
  let costB = adj.baseDegree(to) + 1;
  while (headA < tailA && headB < tailB && depthA + depthB < maxDepth) {
    const expandA = costA <= costB;
    let nextCost = 0;
    // The side being expanded, and the other one.
    const visitX = expandA ? visitA : visitB;
    const visitY = expandA ? visitB : visitA;
    const parentX = expandA ? parentA : parentB;
    const distX = expandA ? distA : distB;
    const distY = expandA ? distB : distA;
    let queue = expandA ? queueA : queueB;
    let tail = expandA ? tailA : tailB;
    const levelEnd = tail;
    let best = Infinity;
    let meetX = -1;
    let meetY = -1;
    for (let k = expandA ? headA : headB; k < levelEnd; k++) {
      const v = queue[k];
      const dv = distX[v] + 1;
      const links = adj.linksInto(v);
      const ts = adj.scratchTarget;
      const es = adj.scratchEdge;
      for (let j = 0; j < links; j++) {
        const w = ts[j];
        if (checkDead && first[es[j]] === DEAD) continue;
        if (excluded !== undefined && excluded.has(w)) continue;
        if (visitY[w] === epoch && dv + distY[w] < best) {
          best = dv + distY[w];
          meetX = v;
          meetY = w;
        }
        if (visitX[w] === epoch) continue;
        if (tailA + tailB >= maxNodes) return null;
        visitX[w] = epoch;
        parentX[w] = v;
        distX[w] = dv;
        if (tail === queue.length) {
          queue = grown(queue, tail * 2);
          if (expandA) queueA = s.queue = queue;
          else queueB = arrays.queueB = queue;
        }
        queue[tail++] = w;
        nextCost += adj.baseDegree(w) + 1;
        if (expandA) tailA = tail;
        else tailB = tail;
      }
    }
    if (expandA) {
      headA = levelEnd;
      depthA++;
      costA = nextCost;
    } else {
      headB = levelEnd;
      depthB++;
      costB = nextCost;
    }
    if (meetX >= 0) {
      if (best > maxDepth) return null;
      const meetV = expandA ? meetX : meetY;
      const meetW = expandA ? meetY : meetX;
      const chain: number[] = [];
      for (let v = meetV; v >= 0; v = parentA[v]) chain.unshift(v);
      for (let w = meetW; w >= 0; w = parentB[w]) chain.push(w);
      return { nodes: chain.map((v) => s.describe(v)), hops: chain.length - 1 };
    }
  }
  return null;
}

/** Breadth-first search for the nearest customer (other than `from`) carrying `labelCode`. */
function nearest(
  s: EngineState,
  from: number,
  labelCode: number,
  maxDepth: number,
  maxNodes: number,
  arrays: PathArrays,
  excluded: Set<number> | undefined,
): PathResult | null {
  const epoch = s.nextEpoch();
  const visit = s.visit;
  const { parentA, distA } = arrays;
  const adj = s.adj;
  const { nodeKind, meta } = s;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queue = s.queue;
  visit[from] = epoch;
  parentA[from] = -1;
  distA[from] = 0;
  queue[0] = from;
  let tail = 1;
  for (let k = 0; k < tail; k++) {
    const v = queue[k];
    if (v !== from && nodeKind[v] === CUSTOMER && (meta[v] & 15) === labelCode) {
      const chain: number[] = [];
      for (let u = v; u >= 0; u = parentA[u]) chain.unshift(u);
      return { nodes: chain.map((u) => s.describe(u)), hops: chain.length - 1 };
    }
    if (distA[v] >= maxDepth) continue;
    const dv = distA[v] + 1;
    const links = adj.linksInto(v);
    const ts = adj.scratchTarget;
    const es = adj.scratchEdge;
    for (let j = 0; j < links; j++) {
      const w = ts[j];
      if (visit[w] === epoch || (checkDead && first[es[j]] === DEAD)) continue;
      if (excluded !== undefined && excluded.has(w)) continue;
      if (tail >= maxNodes) return null;
      visit[w] = epoch;
      parentA[w] = v;
      distA[w] = dv;
      if (tail === queue.length) queue = s.queue = grown(queue, tail * 2);
      queue[tail++] = w;
    }
  }
  return null;
}
