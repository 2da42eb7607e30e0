// The snapshot codec: which arrays of an EngineState a snapshot holds, and how they come back.
// SECTIONS is the one list of them: its key is the section's name in the file, its order the file
// order; save writes every entry and load requires, type-checks and length-checks every entry.
// The file format itself (header, CRC, alignment, atomic write) is snapshot.ts.
import { Adjacency } from './csr.ts';
import { Interner } from './ids.ts';
import { readSnapshot, requireSections, writeSnapshot } from './snapshot.ts';
import type { SnapshotSection } from './snapshot.ts';
import { EngineState, FRAUDSTER } from './state.ts';
import type { GraphEngineOptions } from './state.ts';
import { UnionFind } from './union-find.ts';

type SectionArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;

interface Saving {
  s: EngineState;
  n: number; // nodes
  e: number; // edges (ids), dead ones included
  ids: ReturnType<Interner['arrays']>;
}

interface Section<A extends SectionArray> {
  type: { new (length: number): A; readonly name: string };
  save: (x: Saving) => A;
  /** The element count a valid file has, from its node and edge counts (unchecked when absent). */
  length?: (n: number, e: number) => number;
}

const section = <A extends SectionArray>(
  type: Section<A>['type'],
  save: Section<A>['save'],
  length?: Section<A>['length'],
): Section<A> => ({ type, save, length });
const perNode = (n: number): number => n;
const perNodePlusOne = (n: number): number => n + 1;
const perEdge = (_n: number, e: number): number => e;

const SECTIONS = {
  keyBytes: section(Uint8Array, (x) => x.ids.pool),
  keyStarts: section(Uint32Array, (x) => x.ids.starts, perNodePlusOne),
  keyTable: section(Int32Array, (x) => x.ids.table),
  keyTags: section(Uint8Array, (x) => x.ids.tags),
  nodeKind: section(Uint8Array, (x) => x.s.nodeKind.subarray(0, x.n), perNode),
  nodeMeta: section(Uint8Array, (x) => x.s.meta.subarray(0, x.n), perNode),
  nodeScore: section(Float32Array, (x) => x.s.score.subarray(0, x.n), perNode),
  csrOffsets: section(Uint32Array, (x) => x.s.adj.offsets, perNodePlusOne),
  csrTargets: section(Int32Array, (x) => x.s.adj.targets),
  csrEdges: section(Int32Array, (x) => x.s.adj.slotEdges),
  edgeFirst: section(Uint32Array, (x) => x.s.edgeFirst.subarray(0, x.e), perEdge),
  edgeLast: section(Uint32Array, (x) => x.s.edgeLast.subarray(0, x.e), perEdge),
  edgeCount: section(Uint16Array, (x) => x.s.edgeCount.subarray(0, x.e), perEdge),
  ufParent: section(Int32Array, (x) => x.s.uf.parent.subarray(0, x.n), perNode),
  ufCustomers: section(Int32Array, (x) => x.s.uf.customers.subarray(0, x.n), perNode),
  ufFraudRoots: section(Int32Array, (x) => Int32Array.from(x.s.uf.fraudsters.keys())),
  ufFraudCounts: section(Int32Array, (x) => Int32Array.from(x.s.uf.fraudsters.values())),
};

type Sections = typeof SECTIONS;
type Loaded = { [K in keyof Sections]: ReturnType<Sections[K]['save']> };

/** Writes a compacted state (see GraphEngine.save) to `file`, atomically. */
export function saveState(s: EngineState, file: string): void {
  const x: Saving = { s, n: s.ids.count, e: s.edges, ids: s.ids.arrays() };
  const sections: SnapshotSection[] = Object.entries(SECTIONS).map(([name, spec]) => ({ name, array: spec.save(x) }));
  const meta = {
    nodes: x.n,
    edges: x.e,
    liveLinks: s.liveLinks,
    kinds: s.kindNames,
    labels: s.labels,
    actions: s.actions,
    kindCounts: Array.from(s.kindCounts.subarray(0, s.kindNames.length)),
  };
  writeSnapshot(file, meta, sections);
}

/** Reads and validates a snapshot into a new state. Throws an Error naming the problem. */
export function loadState(file: string, options: GraphEngineOptions): EngineState {
  const contents = readSnapshot(file);
  requireSections(file, contents, Object.keys(SECTIONS));
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
  const got = {} as Record<string, SectionArray>;
  for (const [name, spec] of Object.entries(SECTIONS) as Array<[string, Section<SectionArray>]>) {
    const array = contents.sections.get(name)!;
    if (!(array instanceof spec.type)) throw snapshotError(`section '${name}' is not a ${spec.type.name}`);
    const length = spec.length?.(n, e);
    if (length !== undefined && array.length !== length)
      throw snapshotError(`section '${name}' has ${array.length} elements, expected ${length}`);
    got[name] = array;
  }
  const x = got as Loaded;
  const { csrOffsets: offsets, csrTargets: targets, csrEdges: slotEdges } = x;
  const { keyTable: table, keyStarts: starts, keyBytes: pool, keyTags: tags } = x;
  if (tags.length !== table.length) throw snapshotError('key tags do not match the key table');
  if (offsets[n] !== targets.length || slotEdges.length !== targets.length)
    throw snapshotError('CSR offsets do not match the targets');
  if (starts[n] !== pool.length) throw snapshotError('key offsets do not match the key bytes');
  if (table.length === 0 || (table.length & (table.length - 1)) !== 0 || table.length < n)
    throw snapshotError('key table size is not a power of two');
  for (let k = 0; k < targets.length; k++) {
    if (targets[k] < 0 || targets[k] >= n || slotEdges[k] < 0 || slotEdges[k] >= e)
      throw snapshotError(`CSR slot ${k} points outside the graph`);
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
  s.edgeFirst = x.edgeFirst;
  s.edgeLast = x.edgeLast;
  s.edgeCount = x.edgeCount;
  s.edges = e;
  s.liveLinks = liveLinks;
  s.adj = new Adjacency(n, { offsets, targets, slotEdges });
  const fraudsters = new Map<number, number>();
  x.ufFraudRoots.forEach((root, k) => fraudsters.set(root, x.ufFraudCounts[k]));
  s.uf = new UnionFind(n, { parent: x.ufParent, customers: x.ufCustomers, fraudsters });
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
