// Shortest chains: between two customers (bidirectional breadth-first search) and from a customer
// to the nearest customer carrying a label (breadth-first search). Scratch arrays are allocated on
// first use and kept on the state; they hold nothing between searches.
import { DEAD } from './csr.ts';
import { grown } from './growable.ts';
import { CUSTOMER } from './ids.ts';
import { clearBits } from './state.ts';
import type { EngineState } from './state.ts';
import type { PathResult } from './types.ts';

/**
 * Scratch for path searches: allocated on first use. Nodes reached are marked in the state's
 * visited bits (bitsFor(): side A's and side B's words for the same 32 nodes side by side, in
 * cache) and cleared from the queues when the search ends. A node's parent is kept by queue
 * position, beside the queue (written in order, where a per-node array misses on every node).
 */
export interface PathArrays {
  queueB: Int32Array;
  parentA: Int32Array;
  parentB: Int32Array;
}

function ensurePathArrays(s: EngineState): PathArrays {
  s.pathArrays ??= { queueB: new Int32Array(1024), parentA: new Int32Array(1024), parentB: new Int32Array(1024) };
  return s.pathArrays;
}

/** The BFF's own budget (apps/bff/src/routes/customers.ts, PATH_NODE_BUDGET), so the bench times what it serves. */
export const DEFAULT_PATH_BUDGET = 20_000;

/**
 * The shortest chain from `from` to customer `to` (to >= 0), or to the nearest customer with
 * `labelCode`; null when there is none within maxDepth hops or the search would enter more than
 * maxNodes nodes before finding it.
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

/** The nodes at `k` of queue A and its parents back to the start, then at `j` of queue B and its parents (j < 0: none). */
function chainOf(s: EngineState, arrays: PathArrays, k: number, j: number): PathResult {
  const { parentA, queueB, parentB } = arrays;
  const queueA = s.queue;
  const chain: number[] = [];
  for (; k >= 0; k = parentA[k]) chain.unshift(queueA[k]);
  for (; j >= 0; j = parentB[j]) chain.push(queueB[j]);
  return { nodes: chain.map((v) => s.describe(v)), hops: chain.length - 1 };
}

// Both searches read a node's links in two runs, its base slots in the CSR arrays and then (only
// when it has any) its delta entries copied oldest first into scratch (Adjacency.deltaInto): one
// loop body over either run, no closure, no copy of the base. Tombstones are skipped, and looked
// for only when there are any: reading the edge column is a cache miss per link.

/**
 * Level-synchronous bidirectional BFS: expands the cheaper frontier, one whole level at a time,
 * and stops at the first meeting. A frontier's cost is the sum of its nodes' degrees, not their
 * count: one identifier shared by thousands of customers is a frontier of one node that enters
 * thousands, and expanding the other side first is what keeps a search between two hubs'
 * neighbourhoods inside the node budget (engine/docs/design-choices.md).
 *
 * The first meeting is a shortest one, and the node met is in the other side's frontier: every
 * node the other side reached before its frontier has had all its links read, so a node of this
 * level next to one of them would have been met already, and the search would have ended one
 * level earlier. Every meeting in a level is therefore the same length, and the rest of the level
 * (much of the work of a long search) need not be read.
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
  const bits = s.bitsFor();
  let { parentA, parentB } = arrays;
  const adj = s.adj;
  const { offsets, targets, slotEdges, hasDelta: deltaBits, baseNodes } = adj;
  const hasDelta = adj.deltaSize > 0;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queueA: Int32Array = s.queue;
  let queueB: Int32Array = arrays.queueB;
  bits[(from >>> 5) << 1] |= 1 << (from & 31);
  bits[((to >>> 5) << 1) + 1] |= 1 << (to & 31);
  queueA[0] = from;
  parentA[0] = -1;
  queueB[0] = to;
  parentB[0] = -1;
  let headA = 0;
  let tailA = 1;
  let headB = 0;
  let tailB = 1;
  let depthA = 0;
  let depthB = 0;
  // Links leaving each side's current level, and (while a level is expanded) its next level.
  let costA = adj.baseDegree(from) + 1;
  let costB = adj.baseDegree(to) + 1;
  // Where the search ended: the meeting's positions in queue A and queue B, or -1.
  let meetA = -1;
  let meetB = -1;
  search: while (headA < tailA && headB < tailB && depthA + depthB < maxDepth) {
    const expandA = costA <= costB;
    // The side being expanded (X) and the other (Y): their words in a pair of the bitset.
    const x = expandA ? 0 : 1;
    const y = 1 - x;
    let nextCost = 0;
    let queue = expandA ? queueA : queueB;
    let parent = expandA ? parentA : parentB;
    let tail = expandA ? tailA : tailB;
    const levelEnd = tail;
    for (let k = expandA ? headA : headB; k < levelEnd; k++) {
      const v = queue[k];
      // Two runs of links: the base slots, then the delta's entries in scratch.
      for (let run = 0; run < 2; run++) {
        let ts = targets;
        let es = slotEdges;
        let j: number;
        let end: number;
        if (run === 0) {
          if (v >= baseNodes) continue;
          j = offsets[v];
          end = offsets[v + 1];
        } else {
          if (!hasDelta || (deltaBits[v >>> 5] & (1 << (v & 31))) === 0) continue;
          j = 0;
          end = adj.deltaInto(v);
          ts = adj.scratchTarget;
          es = adj.scratchEdge;
        }
        for (; j < end; j++) {
          const w = ts[j];
          if (checkDead && first[es[j]] === DEAD) continue;
          if (excluded !== undefined && excluded.has(w)) continue;
          const pair = (w >>> 5) << 1;
          const bit = 1 << (w & 31);
          if ((bits[pair + y] & bit) !== 0) {
            // Met: w is in the other side's frontier (see above), the end of its queue.
            const other = expandA ? queueB : queueA;
            let at = expandA ? tailB : tailA;
            while (other[--at] !== w);
            meetA = expandA ? k : at;
            meetB = expandA ? at : k;
            break search;
          }
          if ((bits[pair + x] & bit) !== 0) continue;
          if (tailA + tailB >= maxNodes) break search;
          bits[pair + x] |= bit;
          // s.queue is shared with traverse(), so the queue and its parents grow apart.
          if (tail === queue.length) {
            queue = grown(queue, tail * 2);
            if (expandA) queueA = s.queue = queue;
            else queueB = arrays.queueB = queue;
          }
          if (tail === parent.length) {
            parent = grown(parent, tail * 2);
            if (expandA) parentA = arrays.parentA = parent;
            else parentB = arrays.parentB = parent;
          }
          parent[tail] = k;
          queue[tail++] = w;
          nextCost += (w < baseNodes ? offsets[w + 1] - offsets[w] : 0) + 1;
          if (expandA) tailA = tail;
          else tailB = tail;
        }
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
  }
  clearBits(bits, queueA, tailA);
  clearBits(bits, queueB, tailB);
  return meetA >= 0 ? chainOf(s, arrays, meetA, meetB) : null;
}

/**
 * Breadth-first search for the nearest customer (other than `from`) carrying `labelCode`: the first
 * such node entered, which is the first the queue would reach, so the search stops there.
 */
function nearest(
  s: EngineState,
  from: number,
  labelCode: number,
  maxDepth: number,
  maxNodes: number,
  arrays: PathArrays,
  excluded: Set<number> | undefined,
): PathResult | null {
  const bits = s.bitsFor();
  let parent = arrays.parentA;
  const adj = s.adj;
  const { offsets, targets, slotEdges, hasDelta: deltaBits, baseNodes } = adj;
  const hasDelta = adj.deltaSize > 0;
  const { nodeKind, meta } = s;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queue = s.queue;
  bits[(from >>> 5) << 1] |= 1 << (from & 31);
  queue[0] = from;
  parent[0] = -1;
  let tail = 1;
  let found = -1; // the labelled customer's position in the queue
  levels: for (let depth = 0, k = 0; depth < maxDepth && k < tail; depth++) {
    const levelEnd = tail;
    for (; k < levelEnd; k++) {
      const v = queue[k];
      for (let run = 0; run < 2; run++) {
        let ts = targets;
        let es = slotEdges;
        let j: number;
        let end: number;
        if (run === 0) {
          if (v >= baseNodes) continue;
          j = offsets[v];
          end = offsets[v + 1];
        } else {
          if (!hasDelta || (deltaBits[v >>> 5] & (1 << (v & 31))) === 0) continue;
          j = 0;
          end = adj.deltaInto(v);
          ts = adj.scratchTarget;
          es = adj.scratchEdge;
        }
        for (; j < end; j++) {
          const w = ts[j];
          const word = (w >>> 5) << 1;
          const bit = 1 << (w & 31);
          if ((bits[word] & bit) !== 0 || (checkDead && first[es[j]] === DEAD)) continue;
          if (excluded !== undefined && excluded.has(w)) continue;
          if (tail >= maxNodes) break levels;
          bits[word] |= bit;
          if (tail === queue.length) queue = s.queue = grown(queue, tail * 2);
          if (tail === parent.length) parent = arrays.parentA = grown(parent, tail * 2);
          parent[tail] = k;
          queue[tail++] = w;
          if (nodeKind[w] === CUSTOMER && (meta[w] & 15) === labelCode) {
            found = tail - 1;
            break levels;
          }
        }
      }
    }
  }
  clearBits(bits, queue, tail);
  return found >= 0 ? chainOf(s, arrays, found, -1) : null;
}
