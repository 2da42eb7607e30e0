// The snapshot codec: which arrays of an EngineState a snapshot holds, and how they come back.
// SECTIONS is the one list of them: its key is the section's name in the file, its order the file
// order; save writes every entry and load requires, type-checks and length-checks every entry.
// The file format itself (header, CRC, alignment, atomic write) is snapshot.ts.
//
// A snapshot is the state at one instant, written while the engine keeps taking writes, without
// stopping the host for the whole graph (engine/README.md, "Snapshots while writes continue").
// capture() runs synchronously when save() is called and copies nothing large: it notes the node,
// edge and delta counts, the small tables, and keeps references to the arrays. Arrays that only
// grow need nothing more (key bytes and offsets, node kinds, the CSR base, which folds and
// compact() replace rather than change, and the delta, which only appends while folds wait for
// the save). For the rows that writes change in place (node attributes, union-find, edge times
// and counts), the engine hands the capture a row before it changes it, and the capture keeps the
// row's values as they were (Kept); the key table's slots filled by nodes created since are
// emptied again. writeCapture() then writes slice by slice, patching each slice with what was
// kept. The file is the state when save() was called, byte for byte (test/snapshot.test.ts).
import { Adjacency, DEAD } from './csr.ts';
import { Interner } from './ids.ts';
import { readSnapshot, requireSections, writeSnapshot } from './snapshot.ts';
import type { SectionArray, SnapshotSection } from './snapshot.ts';
import { EngineState, FRAUDSTER } from './state.ts';
import type { GraphEngineOptions } from './state.ts';
import { UnionFind } from './union-find.ts';
import type { UnionFindWatch } from './union-find.ts';

const BLOCK_BITS = 16;

/**
 * The values rows 0..rows-1 of some captured columns had at the capture, kept for the rows that
 * writes changed since; by block of 2^16 rows, so a slice's patch reads only its own blocks.
 */
class Kept {
  readonly #blocks = new Map<number, Map<number, number[]>>();
  readonly rows: number;
  readonly columns: SectionArray[];

  constructor(rows: number, columns: SectionArray[]) {
    this.rows = rows;
    this.columns = columns;
  }

  /** Keeps row `row` as it is now, unless it was made after the capture or is kept already. */
  keep(row: number): void {
    if (row >= this.rows) return;
    const block = row >>> BLOCK_BITS;
    let kept = this.#blocks.get(block);
    if (!kept) this.#blocks.set(block, (kept = new Map()));
    if (!kept.has(row))
      kept.set(
        row,
        this.columns.map((column) => column[row]),
      );
  }

  /** Puts the kept values of column `field` back into a slice holding rows start.. of it. */
  patch(field: number): NonNullable<SnapshotSection['patch']> {
    return (slice, start) => {
      const end = start + slice.length;
      for (let block = start >>> BLOCK_BITS; block <= (end - 1) >>> BLOCK_BITS; block++) {
        const kept = this.#blocks.get(block);
        if (!kept) continue;
        for (const [row, values] of kept) if (row >= start && row < end) slice[row - start] = values[field];
      }
    };
  }
}

/** The state as save() found it: counts, tables, references to its arrays, and the rows changed since. */
export class Capture implements UnionFindWatch {
  readonly n: number; // nodes
  readonly e: number; // edges (ids), dead ones included
  readonly meta: Record<string, unknown>;
  readonly arrays: Record<string, SectionArray>;
  /** The interner's hash table: the live one, or a copy of it once compact() is about to renumber it in place. */
  table: Int32Array;
  readonly nodes: Kept; // nodeMeta, nodeScore
  readonly edges: Kept; // edgeFirst, edgeLast, edgeCount
  components: Kept; // ufParent, ufCustomers

  constructor(s: EngineState) {
    const n = s.ids.count;
    const e = s.edges;
    const ids = s.ids.arrays();
    const { adj, uf } = s;
    this.n = n;
    this.e = e;
    this.table = ids.table;
    const ufStale = s.ufStale;
    this.meta = {
      nodes: n,
      edges: e,
      liveLinks: s.liveLinks,
      kinds: s.kindNames.slice(),
      labels: s.labels.slice(),
      actions: s.actions.slice(),
      kindCounts: Array.from(s.kindCounts.subarray(0, s.kindNames.length)),
      // A union-find made stale by unlinks is rebuilt by the loaded engine on its first component
      // read, as by this one: rebuilding it here would be the O(nodes + links) pause a save avoids.
      ufStale,
    };
    const none = new Int32Array(0);
    this.arrays = {
      keyBytes: ids.pool,
      keyStarts: ids.starts,
      keyTable: ids.table,
      keyTags: ids.tags,
      nodeKind: s.nodeKind.subarray(0, n),
      nodeMeta: s.meta.subarray(0, n),
      nodeScore: s.score.subarray(0, n),
      csrOffsets: adj.offsets.subarray(0, adj.baseNodes + 1),
      csrTargets: adj.targets.subarray(0, adj.offsets[adj.baseNodes]),
      csrEdges: adj.slotEdges.subarray(0, adj.offsets[adj.baseNodes]),
      deltaTarget: adj.dTarget.subarray(0, adj.deltaSize),
      deltaEdge: adj.dEdge.subarray(0, adj.deltaSize),
      edgeFirst: s.edgeFirst.subarray(0, e),
      edgeLast: s.edgeLast.subarray(0, e),
      edgeCount: s.edgeCount.subarray(0, e),
      ufParent: ufStale ? none : uf.parent.subarray(0, n),
      ufCustomers: ufStale ? none : uf.customers.subarray(0, n),
      // Fraudster counts per component root: one entry per component with fraudsters, copied.
      ufFraudRoots: ufStale ? none : Int32Array.from(uf.fraudsters.keys()),
      ufFraudCounts: ufStale ? none : Int32Array.from(uf.fraudsters.values()),
    };
    const a = this.arrays;
    this.nodes = new Kept(n, [a.nodeMeta, a.nodeScore]);
    this.edges = new Kept(e, [a.edgeFirst, a.edgeLast, a.edgeCount]);
    this.components = new Kept(ufStale ? 0 : n, [a.ufParent, a.ufCustomers]);
  }

  /** Called before customer `node`'s attributes change. */
  noteNode(node: number): void {
    this.nodes.keep(node);
  }

  /** Called before edge `edge` is seen again or unlinked. */
  noteEdge(edge: number): void {
    this.edges.keep(edge);
  }

  /** Called by the union-find before it writes row v, or all rows (v = -1: a rebuild after unlinks). */
  beforeWrite(v: number): void {
    if (v >= 0) {
      this.components.keep(v);
      return;
    }
    // A rebuild rewrites every row: the file gets a copy as the capture found it, and the rows
    // written from now on need no keeping (the patches made at the start still hold the rows
    // kept so far, and put them back into the copy's slices again, which changes nothing).
    const kept = this.components;
    if (kept.rows === 0) return;
    const parent = this.arrays.ufParent.slice();
    const customers = this.arrays.ufCustomers.slice();
    kept.patch(0)(parent, 0);
    kept.patch(1)(customers, 0);
    this.arrays.ufParent = parent;
    this.arrays.ufCustomers = customers;
    this.components = new Kept(0, []);
  }

  /** Called before compact() renumbers the key table in place. */
  noteRenumber(): void {
    if (this.table === this.arrays.keyTable) this.table = this.table.slice();
  }
}

/** Patches of the sections the engine may change after the capture (see the top of this file). */
function patchesOf(x: Capture): Record<string, SnapshotSection['patch']> {
  const limit = x.n; // table slots hold id + 1 (ids.ts); a slot above n was filled after the capture
  return {
    keyTable(slice, start) {
      const table = x.table;
      for (let k = 0; k < slice.length; k++) {
        const entry = table[start + k];
        slice[k] = entry <= limit ? entry : 0;
      }
    },
    keyTags(slice, start) {
      // Empty slots have tag 0. The table may be a copy (noteRenumber) while the tags are live.
      const table = x.table;
      for (let k = 0; k < slice.length; k++) {
        const entry = table[start + k];
        if (entry === 0 || entry > limit) slice[k] = 0;
      }
    },
    nodeMeta: x.nodes.patch(0),
    nodeScore: x.nodes.patch(1),
    edgeFirst: x.edges.patch(0),
    edgeLast: x.edges.patch(1),
    edgeCount: x.edges.patch(2),
    ufParent: x.components.patch(0),
    ufCustomers: x.components.patch(1),
  };
}

type Check = (n: number, e: number, meta: Record<string, unknown>) => number | undefined;
const perNode: Check = (n) => n;
const perNodePlusOne: Check = (n) => n + 1;
const perEdge: Check = (_n, e) => e;
const perNodeUnlessStale: Check = (n, _e, meta) => (meta.ufStale === true ? 0 : n);

/**
 * Every section, in file order: its type, the element count a valid file has (unchecked when
 * absent), and the first format version that has it.
 */
const SECTIONS = {
  keyBytes: { type: Uint8Array },
  keyStarts: { type: Uint32Array, length: perNodePlusOne },
  keyTable: { type: Int32Array },
  keyTags: { type: Uint8Array },
  nodeKind: { type: Uint8Array, length: perNode },
  nodeMeta: { type: Uint8Array, length: perNode },
  nodeScore: { type: Float32Array, length: perNode },
  csrOffsets: { type: Uint32Array },
  csrTargets: { type: Int32Array },
  csrEdges: { type: Int32Array },
  deltaTarget: { type: Int32Array, since: 2 },
  deltaEdge: { type: Int32Array, since: 2 },
  edgeFirst: { type: Uint32Array, length: perEdge },
  edgeLast: { type: Uint32Array, length: perEdge },
  edgeCount: { type: Uint16Array, length: perEdge },
  ufParent: { type: Int32Array, length: perNodeUnlessStale },
  ufCustomers: { type: Int32Array, length: perNodeUnlessStale },
  ufFraudRoots: { type: Int32Array },
  ufFraudCounts: { type: Int32Array },
} satisfies Record<
  string,
  { type: { new (length: number): SectionArray; readonly name: string }; length?: Check; since?: number }
>;

type Sections = typeof SECTIONS;
type Loaded = { [K in keyof Sections]: InstanceType<Sections[K]['type']> };

/** Takes a capture of `s` for writeCapture(): synchronous, O(nodes) copies (see the top of this file). */
export function capture(s: EngineState): Capture {
  return new Capture(s);
}

/** Writes a capture to `file`, atomically, a slice at a time. */
export function writeCapture(x: Capture, file: string): Promise<void> {
  const patches = patchesOf(x);
  const sections: SnapshotSection[] = Object.keys(SECTIONS).map((name) => ({
    name,
    // Read per slice: a union-find rebuild during the save swaps in a copy (Capture.beforeWrite).
    get array() {
      return x.arrays[name];
    },
    patch: patches[name],
  }));
  return writeSnapshot(file, x.meta, sections);
}

/** Reads and validates a snapshot (format version 1 or 2) into a new state. Throws an Error naming the problem. */
export function loadState(file: string, options: GraphEngineOptions): EngineState {
  const contents = readSnapshot(file);
  const names = Object.entries(SECTIONS)
    .filter(([, spec]) => contents.version >= ('since' in spec ? spec.since : 1))
    .map(([name]) => name);
  requireSections(file, contents, names);
  const { meta } = contents;
  const n = intField(meta, 'nodes');
  const e = intField(meta, 'edges');
  const liveLinks = intField(meta, 'liveLinks');
  const kinds = stringsField(meta, 'kinds');
  const labels = stringsField(meta, 'labels');
  const actions = stringsField(meta, 'actions');
  const kindCounts = meta.kindCounts;
  if (!Array.isArray(kindCounts) || kindCounts.length !== kinds.length)
    throw snapshotError('kindCounts does not match kinds');
  const got: Record<string, SectionArray> = { deltaTarget: new Int32Array(0), deltaEdge: new Int32Array(0) };
  for (const name of names) {
    const spec: { type: { new (length: number): SectionArray; readonly name: string }; length?: Check } =
      SECTIONS[name as keyof Sections];
    const array = contents.sections.get(name)!;
    if (!(array instanceof spec.type)) throw snapshotError(`section '${name}' is not a ${spec.type.name}`);
    const length = spec.length?.(n, e, meta);
    if (length !== undefined && array.length !== length)
      throw snapshotError(`section '${name}' has ${array.length} elements, expected ${length}`);
    got[name] = array;
  }
  const x = got as Loaded;
  const { csrOffsets: offsets, csrTargets: targets, csrEdges: slotEdges, deltaTarget, deltaEdge, edgeFirst } = x;
  const { keyTable: table, keyStarts: starts, keyBytes: pool, keyTags: tags } = x;
  if (tags.length !== table.length) throw snapshotError('key tags do not match the key table');
  // The CSR base covers nodes 0..baseNodes-1; nodes made since the last fold have only delta links.
  const baseNodes = offsets.length - 1;
  if (baseNodes < 0 || baseNodes > n || offsets[baseNodes] !== targets.length || slotEdges.length !== targets.length)
    throw snapshotError('CSR offsets do not match the targets');
  if (deltaTarget.length !== deltaEdge.length || deltaTarget.length % 2 !== 0)
    throw snapshotError('delta targets and edges do not pair up');
  if (starts[n] !== pool.length) throw snapshotError('key offsets do not match the key bytes');
  if (table.length === 0 || (table.length & (table.length - 1)) !== 0 || table.length < n)
    throw snapshotError('key table size is not a power of two');
  for (let slot = 0; slot < table.length; slot++) {
    if (table[slot] < 0 || table[slot] > n) throw snapshotError(`key table slot ${slot} points outside the graph`);
  }
  // Unlinked edges still in the adjacency (a snapshot taken between folds keeps them): counted here,
  // so the loaded engine reads edge columns where it must and drops them at its next fold.
  let deadSlots = 0;
  for (let k = 0; k < targets.length; k++) {
    if (targets[k] < 0 || targets[k] >= n || slotEdges[k] < 0 || slotEdges[k] >= e)
      throw snapshotError(`CSR slot ${k} points outside the graph`);
    if (edgeFirst[slotEdges[k]] === DEAD) deadSlots++;
  }
  for (let k = 0; k < deltaTarget.length; k++) {
    if (deltaTarget[k] < 0 || deltaTarget[k] >= n || deltaEdge[k] < 0 || deltaEdge[k] >= e)
      throw snapshotError(`delta entry ${k} points outside the graph`);
    if (edgeFirst[deltaEdge[k]] === DEAD) deadSlots++;
  }
  const nodeKind = x.nodeKind;
  for (let v = 0; v < n; v++) if (nodeKind[v] >= kinds.length) throw snapshotError(`node ${v} has an unknown kind`);
  if (x.ufFraudRoots.length !== x.ufFraudCounts.length) throw snapshotError('fraud roots and counts differ in length');

  const s = new EngineState({ ...options, capacity: 1024, linkCapacity: 1024 });
  s.ids = new Interner(0, { pool, poolUsed: pool.length, starts, count: n, table, tags });
  s.kindNames = kinds;
  kinds.forEach((k, code) => code > 0 && s.kindCodes.set(k, code));
  s.labels = labels;
  s.actions = actions;
  s.fraudCode = Math.max(0, labels.indexOf(FRAUDSTER));
  s.nodeKind = nodeKind;
  s.meta = x.nodeMeta;
  s.score = x.nodeScore;
  s.visit = new Uint16Array(n);
  s.kindCounts.set(kindCounts as number[]);
  s.edgeFirst = edgeFirst;
  s.edgeLast = x.edgeLast;
  s.edgeCount = x.edgeCount;
  s.edges = e;
  s.liveLinks = liveLinks;
  s.deadSlots = deadSlots;
  s.adj = new Adjacency(n, { offsets, targets, slotEdges });
  s.adj.restoreDelta(deltaTarget, deltaEdge);
  if (meta.ufStale === true) {
    s.uf = new UnionFind(n);
    s.ufStale = true;
  } else {
    const fraudsters = new Map<number, number>();
    x.ufFraudRoots.forEach((root, k) => fraudsters.set(root, x.ufFraudCounts[k]));
    s.uf = new UnionFind(n, { parent: x.ufParent, customers: x.ufCustomers, fraudsters });
  }
  return s;
}

function snapshotError(message: string): Error {
  return new Error(`invalid graph snapshot: ${message}`);
}

function intField(meta: Record<string, unknown>, name: string): number {
  const value = meta[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw snapshotError(`metadata field '${name}' is not a count`);
  return value;
}

function stringsField(meta: Record<string, unknown>, name: string): string[] {
  const value = meta[name];
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'string'))
    throw snapshotError(`metadata field '${name}' is not a list of strings`);
  return value;
}
