// Shortest chains: between two customers (bidirectional breadth-first search) and from a customer
// to the nearest customer carrying a label (breadth-first search). Scratch arrays are allocated on
// first use and kept on the state; compaction drops them (they belong to one numbering).
import { DEAD } from './csr.ts';
import { grown } from './growable.ts';
import { CUSTOMER } from './ids.ts';
import { headroom } from './state.ts';
import type { EngineState } from './state.ts';
import type { PathResult } from './types.ts';

/**
 * Scratch for path searches: allocated on first use. One record of four per node, [mark A,
 * parent A, mark B, parent B], so entering a node reads and writes one cache line (its stamp, its
 * parent, its distance, the other side's stamp) instead of a line in each of five arrays. A mark is
 * `base + distance` for a node the current search reached, and below `base` otherwise: each search
 * takes the next range of bases (`next`), so nothing is cleared between searches.
 */
export interface PathArrays {
  marks: Int32Array;
  queueB: Int32Array;
  next: number;
}

/** Record layout in PathArrays.marks: side A's mark and parent, then side B's. */
const STRIDE = 4;
const PARENT = 1;
const SIDE_B = 2;

function ensurePathArrays(s: EngineState): PathArrays {
  const n = s.ids.count;
  if (!s.pathArrays || s.pathArrays.marks.length < n * STRIDE) {
    s.pathArrays = { marks: new Int32Array(headroom(n) * STRIDE), queueB: new Int32Array(1024), next: 1 };
  }
  return s.pathArrays;
}

/** The base of a search whose distances stay below `span`: the next one free, or 1 after clearing the marks. */
function takeBase(arrays: PathArrays, span: number): number {
  const width = span + 1;
  let base = arrays.next;
  if (base > 0x7fffffff - width) {
    arrays.marks.fill(0);
    base = 1;
  }
  arrays.next = base + width;
  return base;
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
  // No distance reaches maxDepth + 1, the nodes a search may enter, or the graph's node count.
  const base = takeBase(arrays, Math.min(maxDepth + 1, maxNodes, s.ids.count));
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
    ? bidirectional(s, from, to, maxDepth, maxNodes, arrays, base, excluded)
    : nearest(s, from, labelCode, maxDepth, maxNodes, arrays, base, excluded);
}

/** The chain through the records' parents: side A's from `a` back to its start, then side B's from `b` (-1: none). */
function chainOf(s: EngineState, marks: Int32Array, a: number, b: number): PathResult {
  const chain: number[] = [];
  for (let v = a; v >= 0; v = marks[v * STRIDE + PARENT]) chain.unshift(v);
  for (let w = b; w >= 0; w = marks[w * STRIDE + SIDE_B + PARENT]) chain.push(w);
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
 * The first meeting is a shortest one: every node the other side reached closer than its current
 * frontier has had all its links read, so a node of this level next to it would have been met
 * already, and the search would have ended one level earlier. Every meeting in a level is
 * therefore the same length, and the rest of the level (most of the work of a long search) need
 * not be read.
 */
function bidirectional(
  s: EngineState,
  from: number,
  to: number,
  maxDepth: number,
  maxNodes: number,
  arrays: PathArrays,
  base: number,
  excluded: Set<number> | undefined,
): PathResult | null {
  if (from === to) return { nodes: [s.describe(from)], hops: 0 };
  const marks = arrays.marks;
  const adj = s.adj;
  const { offsets, targets, slotEdges, hasDelta: deltaBits, baseNodes } = adj;
  const hasDelta = adj.deltaSize > 0;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queueA: Int32Array = s.queue;
  let queueB: Int32Array = arrays.queueB;
  marks[from * STRIDE] = base;
  marks[from * STRIDE + PARENT] = -1;
  marks[to * STRIDE + SIDE_B] = base;
  marks[to * STRIDE + SIDE_B + PARENT] = -1;
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
    // The side being expanded (X) and the other one (Y): offsets of their fields in a record.
    const x = expandA ? 0 : SIDE_B;
    const y = SIDE_B - x;
    const dv = base + (expandA ? depthA : depthB) + 1; // the mark of nodes entered in this level
    let nextCost = 0;
    let queue = expandA ? queueA : queueB;
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
          const r = w * STRIDE;
          if (marks[r + y] >= base) {
            // Met: the chain runs through v and w. Its length is (dv - base) + (w's distance on the other side).
            if (dv - base + marks[r + y] - base > maxDepth) return null;
            return expandA ? chainOf(s, marks, v, w) : chainOf(s, marks, w, v);
          }
          if (marks[r + x] >= base) continue;
          if (tailA + tailB >= maxNodes) return null;
          marks[r + x] = dv;
          marks[r + x + PARENT] = v;
          if (tail === queue.length) {
            queue = grown(queue, tail * 2);
            if (expandA) queueA = s.queue = queue;
            else queueB = arrays.queueB = queue;
          }
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
  return null;
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
  base: number,
  excluded: Set<number> | undefined,
): PathResult | null {
  const marks = arrays.marks;
  const adj = s.adj;
  const { offsets, targets, slotEdges, hasDelta: deltaBits, baseNodes } = adj;
  const hasDelta = adj.deltaSize > 0;
  const { nodeKind, meta } = s;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queue = s.queue;
  marks[from * STRIDE] = base;
  marks[from * STRIDE + PARENT] = -1;
  queue[0] = from;
  let tail = 1;
  for (let k = 0; k < tail; k++) {
    const v = queue[k];
    const dv = marks[v * STRIDE] + 1;
    if (dv - base > maxDepth) continue;
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
        const r = w * STRIDE;
        if (marks[r] >= base || (checkDead && first[es[j]] === DEAD)) continue;
        if (excluded !== undefined && excluded.has(w)) continue;
        if (tail >= maxNodes) return null;
        marks[r] = dv;
        marks[r + PARENT] = v;
        if (nodeKind[w] === CUSTOMER && (meta[w] & 15) === labelCode) return chainOf(s, marks, w, -1);
        if (tail === queue.length) queue = s.queue = grown(queue, tail * 2);
        queue[tail++] = w;
      }
    }
  }
  return null;
}
