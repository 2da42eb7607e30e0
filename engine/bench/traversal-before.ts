// traverse() as it was at the end of session 5 (engine/src/traversal.ts at commit d27d476), for
// answer-before.ts.
import { grown } from '../src/growable.ts';
import { CUSTOMER, normaliseKind } from '../src/ids.ts';
import { NO_AS_OF, toSeconds } from '../src/state.ts';
import type { EngineState } from '../src/state.ts';
import type { NetworkOptions } from '../src/types.ts';

/**
 * Breadth-first search from `start` into s.queue; returns the node count and leaves level
 * boundaries in s.depthEnds and the cap flag in s.truncated. Excluded nodes are stamped epoch - 1
 * and included ones epoch, so both are skipped and network() can tell them apart.
 */
export function traverseBefore(s: EngineState, start: number, options: NetworkOptions, maxNodes: number): number {
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
