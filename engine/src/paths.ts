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

/** The shortest chain from `from` to customer `to`, or to the nearest customer with `labelCode`. */
export function path(s: EngineState, from: number, to: number, labelCode: number, maxDepth: number): PathResult | null {
  const arrays = ensurePathArrays(s);
  return to >= 0 ? bidirectional(s, from, to, maxDepth, arrays) : nearest(s, from, labelCode, maxDepth, arrays);
}

/** Level-synchronous bidirectional BFS; expands the smaller frontier; picks the shortest meeting in a level. */
function bidirectional(
  s: EngineState,
  from: number,
  to: number,
  maxDepth: number,
  arrays: PathArrays,
): PathResult | null {
  if (from === to) return { nodes: [s.describe(from)], hops: 0 };
  const epoch = s.nextEpoch();
  const visitA = s.visit;
  const { parentA, parentB, distA, distB, visitB } = arrays;
  let queueA = s.queue;
  let queueB = arrays.queueB;
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
  while (headA < tailA && headB < tailB && depthA + depthB < maxDepth) {
    const expandA = tailA - headA <= tailB - headB;
    let best = Infinity;
    let meetV = -1;
    let meetW = -1;
    const levelEnd = expandA ? tailA : tailB;
    for (let k = expandA ? headA : headB; k < levelEnd; k++) {
      const v = expandA ? queueA[k] : queueB[k];
      s.adj.forEach(v, (w, e) => {
        if (s.edgeFirst[e] === DEAD) return;
        if (expandA) {
          if (visitB[w] === epoch && distA[v] + 1 + distB[w] < best) {
            best = distA[v] + 1 + distB[w];
            meetV = v;
            meetW = w;
          }
          if (visitA[w] === epoch) return;
          visitA[w] = epoch;
          parentA[w] = v;
          distA[w] = distA[v] + 1;
          if (tailA === queueA.length) queueA = s.queue = grown(queueA, tailA * 2);
          queueA[tailA++] = w;
        } else {
          if (visitA[w] === epoch && distB[v] + 1 + distA[w] < best) {
            best = distB[v] + 1 + distA[w];
            meetV = w;
            meetW = v;
          }
          if (visitB[w] === epoch) return;
          visitB[w] = epoch;
          parentB[w] = v;
          distB[w] = distB[v] + 1;
          if (tailB === queueB.length) queueB = arrays.queueB = grown(queueB, tailB * 2);
          queueB[tailB++] = w;
        }
      });
    }
    if (expandA) {
      headA = levelEnd;
      depthA++;
    } else {
      headB = levelEnd;
      depthB++;
    }
    if (meetV >= 0) {
      if (best > maxDepth) return null;
      const chain: number[] = [];
      for (let v = meetV; v >= 0; v = parentA[v]) chain.unshift(v);
      for (let w = meetW; w >= 0; w = parentB[w]) chain.push(w);
      return { nodes: chain.map((v) => s.describe(v)), hops: chain.length - 1 };
    }
  }
  return null;
}

function nearest(
  s: EngineState,
  from: number,
  labelCode: number,
  maxDepth: number,
  arrays: PathArrays,
): PathResult | null {
  const epoch = s.nextEpoch();
  const visit = s.visit;
  const { parentA, distA } = arrays;
  let queue = s.queue;
  visit[from] = epoch;
  parentA[from] = -1;
  distA[from] = 0;
  queue[0] = from;
  let tail = 1;
  for (let k = 0; k < tail; k++) {
    const v = queue[k];
    if (v !== from && s.nodeKind[v] === CUSTOMER && (s.meta[v] & 15) === labelCode) {
      const chain: number[] = [];
      for (let u = v; u >= 0; u = parentA[u]) chain.unshift(u);
      return { nodes: chain.map((u) => s.describe(u)), hops: chain.length - 1 };
    }
    if (distA[v] >= maxDepth) continue;
    s.adj.forEach(v, (w, e) => {
      if (visit[w] === epoch || s.edgeFirst[e] === DEAD) return;
      visit[w] = epoch;
      parentA[w] = v;
      distA[w] = distA[v] + 1;
      if (tail === queue.length) queue = s.queue = grown(queue, tail * 2);
      queue[tail++] = w;
    });
  }
  return null;
}
