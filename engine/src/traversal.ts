// Breadth-first reach from a customer, and capped component figures built on it (network()'s
// answer is answer.ts). The traversal reuses the state's queue and epoch-stamped visit array: no per-query Set
// or Map, no allocation unless the queue must grow.
import { DEAD } from './csr.ts';
import { grown } from './growable.ts';
import { CUSTOMER, normaliseKind } from './ids.ts';
import { NO_AS_OF, clearBits, toSeconds } from './state.ts';
import type { EngineState } from './state.ts';
import type { ComponentResult, NetworkOptions } from './types.ts';

export const DEFAULT_NETWORK_CAP = 2000;

/**
 * Breadth-first search from `start` into s.queue; returns the node count and leaves level
 * boundaries in s.depthEnds and the cap flag in s.truncated. Excluded nodes are stamped epoch - 1
 * and included ones epoch, so both are skipped and network() can tell them apart.
 */
export function traverse(s: EngineState, start: number, options: NetworkOptions, maxNodes: number): number {
  const maxDepth = options.depth ?? 3;
  if (!(maxDepth >= 0)) throw new RangeError('depth must be >= 0');
  if (!(maxNodes >= 1)) throw new RangeError('maxNodes must be >= 1');
  const asOf = options.asOf === undefined ? NO_AS_OF : toSeconds(options.asOf, 'asOf');
  const epoch = s.nextEpoch();
  const visit = s.visit;
  if (options.excludeValues) {
    for (const value of options.excludeValues) {
      const v = s.parseNodeId(value);
      if (v >= 0) visit[v] = epoch - 1;
    }
  }
  let kindMask: Uint8Array | undefined;
  if (options.kinds) {
    kindMask = s.kindMask;
    kindMask.fill(0);
    kindMask[CUSTOMER] = 1;
    for (const k of options.kinds) {
      const code = s.kindCodes.get(normaliseKind(k));
      if (code !== undefined) kindMask[code] = 1;
    }
  }
  const nodeKind = s.nodeKind;
  const first = s.edgeFirst;
  // Edge columns are only read when something can fail the test: an asOf, or tombstones.
  const checkEdges = asOf !== NO_AS_OF || s.deadSlots > 0;
  const adj = s.adj;
  const { offsets, targets, slotEdges, hasDelta: deltaBits, baseNodes } = adj;
  const hasDelta = adj.deltaSize > 0; // saves a random read per expanded node after compaction
  let queue = s.queue;
  const ends = s.depthEnds;
  ends.length = 0;
  queue[0] = start;
  visit[start] = epoch;
  let count = 1;
  let next = 0;
  let truncated = false;
  ends.push(1);
  // The base loop and the delta loop share their body on purpose, written out twice: the cap
  // leaves the whole search with `break levels`, which cannot cross a function boundary, and the
  // two sources differ in shape (a CSR slice; a linked list copied oldest-first into scratch).
  // A shared helper would return a status per neighbour and be checked after each call.
  levels: for (let depth = 0; depth < maxDepth && next < count; depth++) {
    const levelEnd = count;
    for (; next < levelEnd; next++) {
      const v = queue[next];
      if (v < baseNodes) {
        for (let k = offsets[v], end = offsets[v + 1]; k < end; k++) {
          const w = targets[k];
          if (visit[w] >= epoch - 1 || (checkEdges && first[slotEdges[k]] > asOf)) continue;
          if (kindMask !== undefined && kindMask[nodeKind[w]] === 0) continue;
          if (count >= maxNodes) {
            truncated = true;
            break levels;
          }
          if (count === queue.length) queue = s.queue = grown(queue, count * 2);
          visit[w] = epoch;
          queue[count++] = w;
        }
      }
      if (hasDelta && (deltaBits[v >>> 5] & (1 << (v & 31))) !== 0) {
        const n = adj.deltaInto(v);
        const dt = adj.scratchTarget;
        const de = adj.scratchEdge;
        for (let k = 0; k < n; k++) {
          const w = dt[k];
          if (visit[w] >= epoch - 1 || (checkEdges && first[de[k]] > asOf)) continue;
          if (kindMask !== undefined && kindMask[nodeKind[w]] === 0) continue;
          if (count >= maxNodes) {
            truncated = true;
            break levels;
          }
          if (count === queue.length) queue = s.queue = grown(queue, count * 2);
          visit[w] = epoch;
          queue[count++] = w;
        }
      }
    }
    ends.push(count);
  }
  if (truncated) ends.push(count);
  s.truncated = truncated;
  return count;
}

/**
 * Component figures: exact from union-find, or over the first maxNodes nodes (breadth-first) when
 * the component is larger. The capped walk marks nodes in the state's visited bits (bitsFor(): in
 * cache, where the visit stamps miss on every node entered) and clears them from its queue. The
 * graph is bipartite and the walk starts at a customer, so the nodes entered from odd levels are
 * the customers; fraudsters are counted as they are entered (no second pass over the queue).
 */
export function component(s: EngineState, start: number, max: number | undefined): ComponentResult {
  const stats = s.componentStats(start);
  if (max === undefined || stats.customers + stats.identifiers <= max) return { ...stats, truncated: false };
  if (!(max >= 1)) throw new RangeError('maxNodes must be >= 1');
  const bits = s.bitsFor();
  const adj = s.adj;
  const { offsets, targets, hasDelta: deltaBits, baseNodes } = adj;
  const hasDelta = adj.deltaSize > 0;
  const first = s.edgeFirst;
  const checkDead = s.deadSlots > 0;
  const meta = s.meta;
  const fraudCode = stats.fraudsters > 0 ? s.fraudCode : -1; // -1: no label code matches
  let queue = s.queue;
  queue[0] = start;
  bits[(start >>> 5) << 1] |= 1 << (start & 31);
  let count = 1;
  let next = 0;
  let customers = 1;
  let fraudsters = (meta[start] & 15) === fraudCode ? 1 : 0;
  // A node's links in two runs, as in paths.ts: its base slots in place, then its delta entries.
  levels: for (let depth = 0; next < count; depth++) {
    const levelEnd = count;
    const enteringCustomers = depth % 2 === 1;
    for (; next < levelEnd; next++) {
      const v = queue[next];
      for (let run = 0; run < 2; run++) {
        let ts = targets;
        let es = adj.slotEdges;
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
          if (count >= max) break levels;
          if (count === queue.length) queue = s.queue = grown(queue, count * 2);
          bits[word] |= bit;
          queue[count++] = w;
          if (enteringCustomers) {
            customers++;
            if ((meta[w] & 15) === fraudCode) fraudsters++;
          }
        }
      }
    }
  }
  clearBits(bits, queue, count);
  return {
    customers,
    identifiers: count - customers,
    fraudsters,
    share: customers ? fraudsters / customers : 0,
    truncated: true,
  };
}
