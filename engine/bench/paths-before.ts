// The path search as it was at the start of session 7 (engine/src/paths.ts at commit a1a1dea), kept
// for path-variants.ts to time against the current one in the same process. Its scratch arrays
// (visit stamps, parents, distances, queues) are its own, so the two never share them.
// `trace`, when given, receives per-search counts for the diagnosis of slow searches.
import { DEAD } from '../src/csr.ts';
import { grown } from '../src/growable.ts';
import { CUSTOMER } from '../src/ids.ts';
import type { EngineState } from '../src/state.ts';
import type { PathResult } from '../src/types.ts';

interface Scratch {
  visitA: Uint16Array;
  visitB: Uint16Array;
  parentA: Int32Array;
  parentB: Int32Array;
  distA: Int32Array;
  distB: Int32Array;
  queueA: Int32Array;
  queueB: Int32Array;
  epoch: number;
}

/** What one search did: nodes entered, links read, levels expanded per side, links read after the first meeting. */
export interface PathTrace {
  entered: number;
  links: number;
  levelsA: number;
  levelsB: number;
  linksAfterMeet: number;
  budget: boolean;
}

let scratch: Scratch | undefined;

function scratchFor(s: EngineState): Scratch {
  const n = s.ids.count;
  if (!scratch || scratch.parentA.length < n) {
    scratch = {
      visitA: new Uint16Array(n),
      visitB: new Uint16Array(n),
      parentA: new Int32Array(n),
      parentB: new Int32Array(n),
      distA: new Int32Array(n),
      distB: new Int32Array(n),
      queueA: new Int32Array(1024),
      queueB: new Int32Array(1024),
      epoch: 0,
    };
  }
  if (scratch.epoch >= 0xfff0) {
    scratch.visitA.fill(0);
    scratch.visitB.fill(0);
    scratch.epoch = 0;
  }
  scratch.epoch += 2;
  return scratch;
}

/** path() of engine/src/paths.ts at a1a1dea, without excluded values. */
export function pathBefore(
  s: EngineState,
  from: number,
  to: number,
  labelCode: number,
  maxDepth: number,
  maxNodes: number,
  trace?: PathTrace,
): PathResult | null {
  const arrays = scratchFor(s);
  return to >= 0
    ? bidirectional(s, from, to, maxDepth, maxNodes, arrays, trace)
    : nearest(s, from, labelCode, maxDepth, maxNodes, arrays);
}

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
  arrays: Scratch,
  trace: PathTrace | undefined,
): PathResult | null {
  if (from === to) return { nodes: [s.describe(from)], hops: 0 };
  const epoch = arrays.epoch;
  const { visitA, parentA, parentB, distA, distB, visitB } = arrays;
  const adj = s.adj;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queueA: Int32Array = arrays.queueA;
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
      if (trace) {
        trace.links += links;
        if (meetX >= 0) trace.linksAfterMeet += links;
      }
      for (let j = 0; j < links; j++) {
        const w = ts[j];
        if (checkDead && first[es[j]] === DEAD) continue;
        if (visitY[w] === epoch && dv + distY[w] < best) {
          best = dv + distY[w];
          meetX = v;
          meetY = w;
        }
        if (visitX[w] === epoch) continue;
        if (tailA + tailB >= maxNodes) {
          if (trace) trace.budget = true;
          return null;
        }
        visitX[w] = epoch;
        parentX[w] = v;
        distX[w] = dv;
        if (tail === queue.length) {
          queue = grown(queue, tail * 2);
          if (expandA) queueA = arrays.queueA = queue;
          else queueB = arrays.queueB = queue;
        }
        queue[tail++] = w;
        nextCost += adj.baseDegree(w) + 1;
        if (expandA) tailA = tail;
        else tailB = tail;
      }
    }
    if (trace) {
      trace.entered = tailA + tailB;
      if (expandA) trace.levelsA++;
      else trace.levelsB++;
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
  arrays: Scratch,
): PathResult | null {
  const epoch = arrays.epoch;
  const { visitA: visit, parentA, distA } = arrays;
  const adj = s.adj;
  const { nodeKind, meta } = s;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  let queue = arrays.queueA;
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
      if (tail >= maxNodes) return null;
      visit[w] = epoch;
      parentA[w] = v;
      distA[w] = dv;
      if (tail === queue.length) queue = arrays.queueA = grown(queue, tail * 2);
      queue[tail++] = w;
    }
  }
  return null;
}
