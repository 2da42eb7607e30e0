// EngineState: everything a GraphEngine holds, as plain fields, so that the modules that work on it
// (traversal.ts, paths.ts, renumber.ts, codec.ts) can live in their own files. GraphEngine keeps
// its state behind one private field; only this package's modules see the columns.
// Nodes (customers and identifiers) share one dense id space (ids.ts); adjacency is a CSR base plus
// a live delta (csr.ts); components are kept by union-find (union-find.ts); edges carry first/last
// seen (seconds) and a count in edge-id-indexed columns.
import { Adjacency, DEAD } from './csr.ts';
import { column, extended, grown, nextCapacity } from './growable.ts';
import { CUSTOMER, Interner, normaliseValue } from './ids.ts';
import type { AnswerArrays } from './answer.ts';
import type { PathArrays } from './paths.ts';
import type { ChangeEvent, ComponentStats, PathNode, TimeInput } from './types.ts';
import { UnionFind } from './union-find.ts';

export const FRAUDSTER = 'FRAUDSTER';
export const MAX_CODES = 15; // label and action share one byte: 4 bits each
export const NO_AS_OF = 0xfffffffe; // above every real time, below DEAD

export interface GraphEngineOptions {
  /** Expected number of nodes (customers + identifiers), to size arrays up front (bulk loads). */
  capacity?: number;
  /** Expected number of links, to size the edge columns and the delta up front (bulk loads). */
  linkCapacity?: number;
  /**
   * Start folding the delta into the base when it holds more than this share of the base's links
   * (default 0.5; Infinity: only explicit compact() calls)...
   */
  compactRatio?: number;
  /** ...and at least this many links (default 65,536). */
  compactMin?: number;
  /**
   * Nodes and links each write copies into a fold in progress (default 256). The fold's O(nodes +
   * links) work is spread over the writes that follow it, so no write pauses for a whole compaction.
   */
  foldWork?: number;
}

export class EngineState {
  ids: Interner;
  kindNames: string[] = [''];
  kindCodes = new Map<string, number>();
  rawKinds = new Map<string, string>();
  lastCustomerId = '';
  lastCustomer = -1; // node id of lastCustomerId; reset when compact() renumbers
  labels: string[] = [''];
  actions: string[] = [''];
  fraudCode = 0;

  // Node columns, indexed by node id.
  nodeKind: Uint8Array;
  meta: Uint8Array; // label code | action code << 4
  score: Float32Array;
  visit: Uint16Array; // epoch stamps; cleared when the epoch wraps
  epoch = 0;
  kindCounts = new Int32Array(256);

  // Edge columns, indexed by edge id (creation order; unlinked edges stay as DEAD until a snapshot).
  edgeFirst: Uint32Array;
  edgeLast: Uint32Array;
  edgeCount: Uint16Array; // saturates at 65,535 sightings
  edges = 0;
  liveLinks = 0;
  deadSlots = 0; // half-edges of unlinked edges still in the adjacency (dropped by compact())

  adj: Adjacency;
  uf: UnionFind;
  ufStale = false;
  compactRatio: number;
  compactMin: number;
  foldWork: number;
  deadAtFold = 0; // deadSlots when the fold in progress began: those are all dropped by it

  // Query scratch, reused by every query (no allocation on the traversal path).
  queue: Int32Array = new Int32Array(1024);
  depthEnds: number[] = [];
  kindMask = new Uint8Array(256);
  truncated = false;
  pathArrays: PathArrays | undefined;
  walkBits = new Uint32Array(0); // see bitsFor()
  answer: AnswerArrays | undefined; // networkColumns()'s arrays: allocated on the first network query

  listeners = new Set<(event: ChangeEvent) => void>();

  constructor(options: GraphEngineOptions = {}) {
    const capacity = Math.max(1024, options.capacity ?? 1024);
    this.compactRatio = options.compactRatio ?? 0.5;
    this.compactMin = options.compactMin ?? 65536;
    this.foldWork = Math.max(1, options.foldWork ?? 256);
    this.ids = new Interner(capacity);
    this.nodeKind = new Uint8Array(capacity);
    this.meta = column(Uint8Array, capacity);
    this.score = column(Float32Array, capacity, NaN);
    this.visit = new Uint16Array(capacity);
    const links = Math.max(1024, options.linkCapacity ?? 1024);
    this.edgeFirst = column(Uint32Array, links);
    this.edgeLast = column(Uint32Array, links);
    this.edgeCount = column(Uint16Array, links);
    this.adj = new Adjacency(capacity, undefined, links * 2);
    this.uf = new UnionFind(capacity);
  }

  /** The node id of (kind, value), creating the node if needed. */
  node(kind: number, value: string): number {
    const before = this.ids.count;
    const v = this.ids.intern(kind, value);
    if (v === before) {
      if (v >= this.nodeKind.length) this.growNodes(v + 1);
      this.nodeKind[v] = kind;
      this.meta[v] = 0;
      this.score[v] = NaN;
      this.kindCounts[kind]++;
      this.uf.add(v, kind === CUSTOMER);
    }
    return v;
  }

  /** Grows every node column to one capacity (node() checks nodeKind's length for all of them). */
  growNodes(min: number): void {
    const cap = nextCapacity(this.nodeKind.length, min);
    this.nodeKind = grown(this.nodeKind, cap);
    this.meta = extended(this.meta, cap);
    this.score = extended(this.score, cap, NaN);
    this.visit = grown(this.visit, cap);
    this.adj.ensureNodes(cap);
    this.uf.ensure(cap);
  }

  growEdges(min: number): void {
    const cap = nextCapacity(this.edgeFirst.length, min);
    this.edgeFirst = extended(this.edgeFirst, cap);
    this.edgeLast = extended(this.edgeLast, cap);
    this.edgeCount = extended(this.edgeCount, cap);
  }

  kindCode(kindName: string): number {
    let code = this.kindCodes.get(kindName);
    if (code === undefined) {
      code = this.kindNames.length;
      if (code > 255) throw new RangeError('too many identifier kinds (at most 255)');
      this.kindNames.push(kindName);
      this.kindCodes.set(kindName, code);
    }
    return code;
  }

  isFraud(v: number): boolean {
    return this.fraudCode !== 0 && (this.meta[v] & 15) === this.fraudCode;
  }

  attributes(c: number): { label?: string; action?: string; score?: number } {
    const out: { label?: string; action?: string; score?: number } = {};
    const meta = this.meta[c];
    if (meta & 15) out.label = this.labels[meta & 15];
    if (meta >>> 4) out.action = this.actions[meta >>> 4];
    const score = this.score[c];
    if (!Number.isNaN(score)) out.score = Math.round(score * 1e6) / 1e6;
    return out;
  }

  describe(v: number): PathNode {
    const kind = this.nodeKind[v];
    const key = this.ids.valueOf(v);
    if (kind === CUSTOMER) return { id: `c:${key}`, type: 'customer', key };
    const kindName = this.kindNames[kind];
    return { id: `${kindName}:${key}`, type: 'identifier', key, kind: kindName };
  }

  /** The live edge between customer c and identifier i, or -1. Scans the side with fewer links. */
  findEdge(c: number, i: number): number {
    const adj = this.adj;
    const small = adj.baseDegree(c) <= adj.baseDegree(i) ? c : i;
    const other = small === c ? i : c;
    const first = this.edgeFirst;
    if (small < adj.baseNodes) {
      const targets = adj.targets;
      for (let s = adj.offsets[small], end = adj.offsets[small + 1]; s < end; s++) {
        if (targets[s] === other && first[adj.slotEdges[s]] !== DEAD) return adj.slotEdges[s];
      }
    }
    for (let k = adj.head[small]; k >= 0; k = adj.dNext[k]) {
      if (adj.dTarget[k] === other && first[adj.dEdge[k]] !== DEAD) return adj.dEdge[k];
    }
    return -1;
  }

  /**
   * Visited bits for the capped component walk (traversal.ts) and the path searches (paths.ts): a
   * pair of words per 32 nodes, side A's then side B's (a walk uses side A's), all zero between
   * walks: each clears what it set (clearBits). 650 KB at 2.6M nodes stays in a core's cache, where
   * the visit stamps (2 bytes a node) miss on nearly every node entered.
   */
  bitsFor(): Uint32Array {
    const words = ((this.ids.count + 31) >>> 5) * 2;
    if (this.walkBits.length < words) this.walkBits = new Uint32Array(headroom(words));
    return this.walkBits;
  }

  /** A fresh visit epoch: nodes stamped epoch are visited, epoch - 1 excluded (see traversal.ts). */
  nextEpoch(): number {
    if (this.epoch >= 0xfff0) {
      this.visit.fill(0);
      this.epoch = 0;
    }
    this.epoch += 2;
    return this.epoch;
  }

  /** Live links of v: O(delta entries of v), or O(links of v) after unlinks not yet compacted. */
  degreeOf(v: number): number {
    const adj = this.adj;
    let degree = 0;
    if (this.deadSlots === 0) {
      degree = adj.baseDegree(v);
      for (let k = adj.head[v]; k >= 0; k = adj.dNext[k]) degree++;
      return degree;
    }
    adj.forEach(v, (_w, e) => {
      if (this.edgeFirst[e] !== DEAD) degree++;
    });
    return degree;
  }

  /** Internal id of a public node id ('c:<id>' or '<kind>:<value>'), or -1. */
  parseNodeId(nodeId: string): number {
    const colon = nodeId.indexOf(':');
    if (colon <= 0) return -1;
    const kind = nodeId.slice(0, colon).toLowerCase();
    const value = nodeId.slice(colon + 1);
    if (kind === 'c') return this.ids.find(CUSTOMER, value);
    const code = this.kindCodes.get(kind);
    return code === undefined ? -1 : this.ids.find(code, normaliseValue(kind, value));
  }

  componentStats(v: number): ComponentStats {
    this.ensureUf();
    const root = this.uf.find(v);
    const size = -this.uf.parent[root];
    const customers = this.uf.customers[root];
    const fraudsters = this.uf.fraudsters.get(root) ?? 0;
    return { customers, identifiers: size - customers, fraudsters, share: customers ? fraudsters / customers : 0 };
  }

  /** Rebuilds union-find from the live links after an unlink. O(nodes + links). */
  ensureUf(): void {
    if (!this.ufStale) return;
    const n = this.ids.count;
    const uf = this.uf;
    uf.reset(
      n,
      (v) => this.nodeKind[v] === CUSTOMER,
      (v) => this.isFraud(v),
    );
    for (let c = 0; c < n; c++) {
      if (this.nodeKind[c] !== CUSTOMER) continue;
      this.adj.forEach(c, (i, e) => {
        if (this.edgeFirst[e] !== DEAD) uf.union(c, i);
      });
    }
    this.ufStale = false;
  }

  emit(event: ChangeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  byteSize(): number {
    let bytes = this.ids.byteSize() + this.adj.byteSize() + this.queue.byteLength;
    for (const a of [this.nodeKind, this.meta, this.score, this.visit, this.edgeFirst, this.edgeLast, this.edgeCount]) {
      bytes += a.byteLength;
    }
    bytes += this.uf.parent.byteLength * 2;
    if (this.pathArrays) for (const a of Object.values(this.pathArrays)) bytes += a.byteLength;
    bytes += this.walkBits.byteLength;
    if (this.answer) for (const a of Object.values(this.answer)) bytes += a.byteLength;
    return bytes;
  }
}

/** Clears the bits (both sides') of the first `count` nodes of `queue`: every bit set is some queue's node. */
export function clearBits(bits: Uint32Array, queue: Int32Array, count: number): void {
  for (let k = 0; k < count; k++) {
    const pair = (queue[k] >>> 5) << 1;
    bits[pair] = 0;
    bits[pair + 1] = 0;
  }
}

/** Capacity for n items with a little growth slack. */
export function headroom(n: number): number {
  return n + (n >>> 6) + 1024;
}

/** Epoch milliseconds (or a Date) to whole seconds in a Uint32. */
export function toSeconds(time: TimeInput, field: string): number {
  const ms = typeof time === 'number' ? time : time instanceof Date ? time.getTime() : NaN;
  const s = Math.floor(ms / 1000);
  if (!(s >= 0 && s < NO_AS_OF)) throw new RangeError(`${field} must be a time between 1970 and 2106`);
  return s;
}
