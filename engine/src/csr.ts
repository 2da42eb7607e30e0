// Adjacency: an immutable CSR base (offsets/targets/slotEdges typed arrays) plus an append-only
// per-node delta of live links (linked lists in typed arrays). compact() folds the delta into a new
// base. Neighbours are always visited in link-creation order (ascending edge id): base slots hold
// older edges than any delta entry, so the order survives compaction and traversals stay
// deterministic.
import { column, extended, grown, nextCapacity } from './growable.ts';

/** edgeFirst value of an unlinked edge: also fails every `firstSeen <= asOf` test. */
export const DEAD = 0xffffffff;

/**
 * A fold in progress: a new base over nodes 0..nodes-1 holding the live links with edge ids below
 * `edges`, built a run of nodes at a time while reads keep using the current base and delta.
 */
interface Fold {
  nodes: number;
  edges: number;
  deltaStart: number; // delta entries from here on were made during the fold (edge ids >= edges)
  next: number; // next node to copy
  at: number; // next free slot
  offsets: Uint32Array;
  targets: Int32Array;
  slotEdges: Int32Array;
}

export interface CsrArrays {
  offsets: Uint32Array;
  targets: Int32Array;
  slotEdges: Int32Array;
}

export class Adjacency {
  /** Nodes 0..baseNodes-1 have slots offsets[v]..offsets[v+1] in the base. */
  baseNodes = 0;
  offsets: Uint32Array = new Uint32Array(1);
  targets: Int32Array = new Int32Array(0);
  slotEdges: Int32Array = new Int32Array(0);

  /** Delta: head[v] is v's newest entry (-1: none); entries chain to older ones through next. */
  head!: Int32Array;
  /**
   * Bit v set: v has delta entries. A traversal tests this instead of head[v]: the bitmap is 1/32 of
   * head's size, so it stays in cache while inserts churn memory, and a query during a burst of
   * inserts does not pay a cache miss per expanded node to learn that it has no new links.
   */
  hasDelta!: Uint32Array;
  dTarget: Int32Array;
  dEdge: Int32Array;
  dNext: Int32Array;
  deltaSize = 0;

  #fold: Fold | undefined;

  /** deltaInto() output, oldest first; reused by every call (no allocation per query). */
  scratchTarget = new Int32Array(64);
  scratchEdge = new Int32Array(64);

  constructor(nodeCapacity: number, base?: CsrArrays, deltaCapacity = 1024) {
    this.resetNodes(nodeCapacity);
    this.dTarget = column(Int32Array, deltaCapacity);
    this.dEdge = column(Int32Array, deltaCapacity);
    this.dNext = column(Int32Array, deltaCapacity);
    if (base) {
      this.offsets = base.offsets;
      this.targets = base.targets;
      this.slotEdges = base.slotEdges;
      this.baseNodes = base.offsets.length - 1;
    }
  }

  ensureNodes(capacity: number): void {
    if (capacity > this.head.length) this.head = grown(this.head, capacity, -1);
    const words = (capacity + 31) >>> 5;
    if (words > this.hasDelta.length) this.hasDelta = grown(this.hasDelta, words);
  }

  /** Empties the delta's per-node state for `capacity` nodes (new, or renumbered by compaction). */
  resetNodes(capacity: number): void {
    this.head = new Int32Array(capacity).fill(-1);
    this.hasDelta = new Uint32Array((capacity + 31) >>> 5);
  }

  /** Appends edge e between v and w to the delta: entries v -> w and w -> v, in that order. */
  addPair(v: number, w: number, e: number): void {
    this.#add(v, w, e);
    this.#add(w, v, e);
  }

  #add(v: number, w: number, e: number): void {
    const i = this.deltaSize++;
    if (i >= this.dTarget.length) {
      const length = nextCapacity(this.dTarget.length, i + 1);
      this.dTarget = extended(this.dTarget, length);
      this.dEdge = extended(this.dEdge, length);
      this.dNext = extended(this.dNext, length);
    }
    this.dTarget[i] = w;
    this.dEdge[i] = e;
    this.dNext[i] = this.head[v];
    this.head[v] = i;
    this.hasDelta[v >>> 5] |= 1 << (v & 31);
  }

  baseDegree(v: number): number {
    return v < this.baseNodes ? this.offsets[v + 1] - this.offsets[v] : 0;
  }

  /** Copies v's delta entries, oldest first, into scratchTarget/scratchEdge; returns how many. */
  deltaInto(v: number): number {
    let n = 0;
    for (let i = this.head[v]; i >= 0; i = this.dNext[i]) n++;
    if (n > this.scratchTarget.length) {
      this.scratchTarget = new Int32Array(n * 2);
      this.scratchEdge = new Int32Array(n * 2);
    }
    let k = n;
    for (let i = this.head[v]; i >= 0; i = this.dNext[i]) {
      k--;
      this.scratchTarget[k] = this.dTarget[i];
      this.scratchEdge[k] = this.dEdge[i];
    }
    return n;
  }

  /**
   * Copies all of v's links, oldest first (base slots, then delta entries), dead ones included,
   * into scratchTarget/scratchEdge; returns how many. For loops off the traversal's hot path, which
   * then read one array instead of two runs.
   */
  linksInto(v: number): number {
    const base = this.baseDegree(v);
    let delta = 0;
    for (let i = this.head[v]; i >= 0; i = this.dNext[i]) delta++;
    const n = base + delta;
    if (n > this.scratchTarget.length) {
      this.scratchTarget = new Int32Array(n * 2);
      this.scratchEdge = new Int32Array(n * 2);
    }
    const { scratchTarget, scratchEdge, targets, slotEdges } = this;
    for (let k = 0, s = base > 0 ? this.offsets[v] : 0; k < base; k++, s++) {
      scratchTarget[k] = targets[s];
      scratchEdge[k] = slotEdges[s];
    }
    for (let i = this.head[v], k = n - 1; i >= 0; i = this.dNext[i], k--) {
      scratchTarget[k] = this.dTarget[i];
      scratchEdge[k] = this.dEdge[i];
    }
    return n;
  }

  /** Calls fn(w, e) for every half-edge of v (dead ones included), oldest first. Not for hot paths. */
  forEach(v: number, fn: (w: number, e: number) => void): void {
    if (v < this.baseNodes) {
      for (let s = this.offsets[v], end = this.offsets[v + 1]; s < end; s++) fn(this.targets[s], this.slotEdges[s]);
    }
    if (this.head[v] >= 0) {
      const n = this.deltaInto(v);
      // fn may call deltaInto again: copy first.
      const t = this.scratchTarget.slice(0, n);
      const e = this.scratchEdge.slice(0, n);
      for (let i = 0; i < n; i++) fn(t[i], e[i]);
    }
  }

  /**
   * Folds the delta into a new base over nodes 0..nodeCount-1, dropping dead edges. O(nodes + links),
   * reading base and delta sequentially: delta entries come in pairs (v -> w, w -> v, see addPair),
   * so an entry's source is its partner's target, and entries are in edge-id order.
   */
  compact(nodeCount: number, edgeFirst: Uint32Array): void {
    const offsets = new Uint32Array(nodeCount + 1);
    const { targets, slotEdges, dTarget, dEdge, baseNodes } = this;
    const oldOffsets = this.offsets;
    for (let v = 0; v < baseNodes; v++) {
      let live = 0;
      for (let s = oldOffsets[v], end = oldOffsets[v + 1]; s < end; s++) if (edgeFirst[slotEdges[s]] !== DEAD) live++;
      offsets[v + 1] = live;
    }
    const size = this.deltaSize;
    for (let j = 0; j < size; j++) if (edgeFirst[dEdge[j]] !== DEAD) offsets[dTarget[j ^ 1] + 1]++;
    for (let v = 0; v < nodeCount; v++) offsets[v + 1] += offsets[v];
    const total = offsets[nodeCount];
    const newTargets = new Int32Array(total);
    const newEdges = new Int32Array(total);
    const cursor = offsets.slice(0, nodeCount);
    for (let v = 0; v < baseNodes; v++) {
      let k = cursor[v];
      for (let s = oldOffsets[v], end = oldOffsets[v + 1]; s < end; s++) {
        const e = slotEdges[s];
        if (edgeFirst[e] === DEAD) continue;
        newTargets[k] = targets[s];
        newEdges[k++] = e;
      }
      cursor[v] = k;
    }
    for (let j = 0; j < size; j++) {
      const e = dEdge[j];
      if (edgeFirst[e] === DEAD) continue;
      const k = cursor[dTarget[j ^ 1]]++;
      newTargets[k] = dTarget[j];
      newEdges[k] = e;
    }
    this.offsets = offsets;
    this.targets = newTargets;
    this.slotEdges = newEdges;
    this.baseNodes = nodeCount;
    this.head.fill(-1);
    this.hasDelta.fill(0);
    this.deltaSize = 0;
    this.dTarget = column(Int32Array, 1024);
    this.dEdge = column(Int32Array, 1024);
    this.dNext = column(Int32Array, 1024);
  }

  /** True while a fold (beginFold) is in progress. */
  get folding(): boolean {
    return this.#fold !== undefined;
  }

  /**
   * Starts folding the delta into a new base, without stopping reads or writes: foldStep() copies
   * a run of nodes at a time into new arrays (the current ones are only read), and the last step
   * swaps the new base in. Links made meanwhile get edge ids >= edgeCount and stay in the delta.
   * Nodes keep their ids (only compact() renumbers), so ids held by callers stay valid.
   * compact() keeps its own one-pass fold: it reads the delta in order, where a fold walks each
   * node's list, and after a bulk load the whole graph sits in the delta.
   */
  beginFold(nodeCount: number, edgeCount: number): void {
    const slots = this.offsets[this.baseNodes] + this.deltaSize; // every half-edge that can be copied
    this.#fold = {
      nodes: nodeCount,
      edges: edgeCount,
      deltaStart: this.deltaSize,
      next: 0,
      at: 0,
      offsets: new Uint32Array(nodeCount + 1),
      targets: new Int32Array(slots),
      slotEdges: new Int32Array(slots),
    };
  }

  /** Drops a fold in progress (compact() does the whole job at once instead). */
  abortFold(): void {
    this.#fold = undefined;
  }

  /**
   * Copies nodes into the fold until about `budget` nodes and slots are done, dropping unlinked
   * edges; returns true when the fold is complete and swapped in. A node is copied in one go, so a
   * link unlinked meanwhile is either copied (and read as dead, like any tombstone) or dropped.
   */
  foldStep(budget: number, edgeFirst: Uint32Array): boolean {
    const fold = this.#fold!;
    const { offsets, targets, slotEdges, nodes, edges } = fold;
    const { offsets: baseOffsets, targets: baseTargets, slotEdges: baseEdges, baseNodes, head } = this;
    let at = fold.at;
    let v = fold.next;
    for (; v < nodes && budget > 0; v++) {
      if (v < baseNodes) {
        const start = baseOffsets[v];
        const end = baseOffsets[v + 1];
        for (let s = start; s < end; s++) {
          const e = baseEdges[s];
          if (edgeFirst[e] === DEAD) continue;
          targets[at] = baseTargets[s];
          slotEdges[at++] = e;
        }
        budget -= end - start;
      }
      if (head[v] >= 0) {
        const n = this.deltaInto(v);
        const dt = this.scratchTarget;
        const de = this.scratchEdge;
        for (let k = 0; k < n; k++) {
          const e = de[k];
          if (e >= edges || edgeFirst[e] === DEAD) continue;
          targets[at] = dt[k];
          slotEdges[at++] = e;
        }
        budget -= n;
      }
      offsets[v + 1] = at;
      budget--;
    }
    fold.next = v;
    fold.at = at;
    if (v < nodes) return false;
    this.#swapIn(fold);
    return true;
  }

  /**
   * Makes the fold the base; the delta keeps only its tail, the links made since the fold began,
   * moved to the front of its own arrays: the swap allocates nothing (an allocation here could hand
   * the write that finishes the fold a garbage collection).
   */
  #swapIn(fold: Fold): void {
    const { dTarget, dEdge, deltaSize } = this;
    const kept = deltaSize - fold.deltaStart;
    dTarget.copyWithin(0, fold.deltaStart, deltaSize);
    dEdge.copyWithin(0, fold.deltaStart, deltaSize);
    this.#relink(kept);
    this.offsets = fold.offsets;
    this.targets = fold.targets.subarray(0, fold.at);
    this.slotEdges = fold.slotEdges.subarray(0, fold.at);
    this.baseNodes = fold.nodes;
    this.#fold = undefined;
  }

  /** The delta of a snapshot (entries in pairs, as addPair makes them) as this adjacency's delta. */
  restoreDelta(dTarget: Int32Array, dEdge: Int32Array): void {
    if (dTarget.length === 0) return;
    this.dTarget = dTarget;
    this.dEdge = dEdge;
    this.dNext = column(Int32Array, dTarget.length);
    this.#relink(dTarget.length);
  }

  /** Rebuilds the per-node lists over delta entries 0..size-1, which hold pairs (v -> w, w -> v) from an even index. */
  #relink(size: number): void {
    const { dTarget, dNext, head, hasDelta } = this;
    head.fill(-1);
    hasDelta.fill(0);
    for (let i = 0; i < size; i++) {
      const source = dTarget[i ^ 1];
      dNext[i] = head[source];
      head[source] = i;
      hasDelta[source >>> 5] |= 1 << (source & 31);
    }
    this.deltaSize = size;
  }

  byteSize(): number {
    return (
      this.offsets.byteLength +
      this.targets.byteLength +
      this.slotEdges.byteLength +
      this.head.byteLength +
      this.hasDelta.byteLength +
      this.dTarget.byteLength * 3 +
      this.scratchTarget.byteLength * 2
    );
  }
}
