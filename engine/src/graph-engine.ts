// GraphEngine: the customer–identifier graph of one tenant, in typed arrays. This class is the
// public API over one EngineState (state.ts); the work is done by modules that take that state:
// traversal.ts (breadth-first reach, network(), capped components), paths.ts (shortest chains),
// renumber.ts (compact()) and codec.ts (snapshots). Queries reuse preallocated scratch arrays and
// an epoch-stamped visited array: no per-query Set or Map on the traversal path.
import { DEAD } from './csr.ts';
import { capture, loadState, writeCapture } from './codec.ts';
import type { Capture } from './codec.ts';
import { CUSTOMER, normaliseKind, normaliseValue } from './ids.ts';
import { DEFAULT_PATH_BUDGET, path } from './paths.ts';
import { compact } from './renumber.ts';
import { EngineState, FRAUDSTER, MAX_CODES, toSeconds } from './state.ts';
import type { GraphEngineOptions } from './state.ts';
import { component, traverse } from './traversal.ts';
import { networkColumns, networkObjects } from './answer.ts';
import type {
  ChangeEvent,
  ComponentOptions,
  ComponentResult,
  CustomerAttributes,
  EngineStats,
  Network,
  NetworkColumns,
  NetworkOptions,
  PathOptions,
  PathResult,
  TimeInput,
  Traversal,
} from './types.ts';

export type { GraphEngineOptions } from './state.ts';

/** The state behind an engine: for this package's benchmarks only (index.ts does not export it). */
export let stateOf: (engine: GraphEngine) => EngineState;

export class GraphEngine {
  #s: EngineState;
  static {
    stateOf = (engine) => engine.#s;
  }
  /** Bumped whenever component keys may stop naming their components (unlink, compact). */
  #componentGeneration = 0;
  /** The snapshot being written, if any: writes tell it what they change in place (codec.ts). */
  #saving: Capture | undefined;
  /** The last save() asked for, so that saves run one after another (settled, never rejecting). */
  #saveQueue: Promise<void> | undefined;

  constructor(options: GraphEngineOptions = {}) {
    this.#s = new EngineState(options);
  }

  // ---- writes ----

  /** Records that a customer used an identifier at `at` (default now). Returns true when the link is new. */
  link(customerId: string, kind: string, value: string, at: TimeInput = Date.now()): boolean {
    const s = this.#s;
    const kindName = s.rawKinds.get(kind) ?? learnKind(s, kind);
    const normalised = normaliseValue(kindName, value);
    const id = checkCustomerId(customerId);
    if (normalised === '') throw new RangeError(`empty ${kindName} value`);
    const t = toSeconds(at, 'at');
    // An event usually carries several identifiers of one customer: skip the repeated probe.
    let c = s.lastCustomer;
    if (id !== s.lastCustomerId || c < 0) {
      c = s.node(CUSTOMER, id);
      s.lastCustomerId = id;
      s.lastCustomer = c;
    }
    const i = s.node(s.kindCode(kindName), normalised);
    let e = s.findEdge(c, i);
    const created = e < 0;
    if (created) {
      e = s.edges++;
      if (e >= s.edgeFirst.length) s.growEdges(e + 1);
      s.edgeFirst[e] = t;
      s.edgeLast[e] = t;
      s.edgeCount[e] = 1;
      s.adj.addPair(c, i, e);
      s.liveLinks++;
      if (!s.ufStale) s.uf.union(c, i);
    } else {
      this.#saving?.noteEdge(e);
      if (t < s.edgeFirst[e]) s.edgeFirst[e] = t;
      if (t > s.edgeLast[e]) s.edgeLast[e] = t;
      if (s.edgeCount[e] < 0xffff) s.edgeCount[e]++;
    }
    this.#maintain();
    if (s.listeners.size > 0) {
      s.emit({
        type: 'link',
        customerId: id,
        kind: kindName,
        value: normalised,
        at: t * 1000,
        firstSeen: s.edgeFirst[e] * 1000,
        lastSeen: s.edgeLast[e] * 1000,
        count: s.edgeCount[e],
        created,
      });
    }
    return created;
  }

  /** Removes a link. Returns false when there was none. Component statistics are rebuilt on their next read. */
  unlink(customerId: string, kind: string, value: string, at: TimeInput = Date.now()): boolean {
    const s = this.#s;
    const kindName = normaliseKind(kind);
    const normalised = normaliseValue(kindName, value);
    const id = checkCustomerId(customerId);
    const code = s.kindCodes.get(kindName);
    if (code === undefined) return false;
    const c = s.ids.find(CUSTOMER, id);
    const i = s.ids.find(code, normalised);
    if (c < 0 || i < 0) return false;
    const e = s.findEdge(c, i);
    if (e < 0) return false;
    this.#saving?.noteEdge(e);
    s.edgeFirst[e] = DEAD;
    s.deadSlots += 2;
    s.liveLinks--;
    s.ufStale = true;
    this.#componentGeneration++;
    if (s.listeners.size > 0) {
      s.emit({ type: 'unlink', customerId: id, kind: kindName, value: normalised, at: toSeconds(at, 'at') * 1000 });
    }
    return true;
  }

  /** Sets a customer's attributes (creating the customer if needed); undefined leaves a field, null clears it. */
  setCustomer(customerId: string, attributes: CustomerAttributes): void {
    const s = this.#s;
    const id = checkCustomerId(customerId);
    const c = s.node(CUSTOMER, id);
    this.#saving?.noteNode(c);
    const meta = s.meta[c];
    let label = meta & 15;
    let action = meta >>> 4;
    if (attributes.label !== undefined)
      label = attributes.label === null ? 0 : codeOf(s.labels, attributes.label, 'label');
    if (attributes.action !== undefined)
      action = attributes.action === null ? 0 : codeOf(s.actions, attributes.action, 'action');
    if (attributes.score !== undefined) {
      if (attributes.score !== null && !Number.isFinite(attributes.score))
        throw new RangeError('score must be a finite number');
      s.score[c] = attributes.score === null ? NaN : attributes.score;
    }
    if (s.fraudCode === 0 && s.labels.includes(FRAUDSTER)) s.fraudCode = s.labels.indexOf(FRAUDSTER);
    const wasFraud = s.isFraud(c);
    s.meta[c] = label | (action << 4);
    const isFraud = s.isFraud(c);
    if (wasFraud !== isFraud && !s.ufStale) s.uf.addFraudster(c, isFraud ? 1 : -1);
    if (s.listeners.size > 0) s.emit({ type: 'customer', customerId: id, ...s.attributes(c) });
  }

  /**
   * Folds live links into the CSR base and renumbers nodes for locality, all at once: O(nodes +
   * links), 1–2 s at 4M links. Writes do the folding on their own in small steps (see foldWork), so
   * hosts call this for bulk loads and quiet moments (save() does not). Ids from traverse() change.
   */
  compact(): void {
    this.#saving?.noteRenumber();
    compact(this.#s);
    this.#componentGeneration++;
  }

  /**
   * Advances the fold in progress by `work` nodes and links, starting one if there are live links
   * to fold; returns true while a fold is still in progress. For hosts that finish folds in idle
   * time rather than leave them to the next writes.
   */
  fold(work = Infinity): boolean {
    const s = this.#s;
    const adj = s.adj;
    // A fold's last step moves the delta in place (csr.ts swapIn), which a snapshot being written
    // reads: folds wait for the save. Meanwhile new links only append to the delta.
    if (this.#saving) return adj.folding;
    if (!adj.folding) {
      if (adj.deltaSize === 0 && s.deadSlots === 0) return false;
      s.deadAtFold = s.deadSlots;
      adj.beginFold(s.ids.count, s.edges);
    }
    if (work > 0 && adj.foldStep(work, s.edgeFirst)) s.deadSlots -= s.deadAtFold;
    return adj.folding;
  }

  /** After a write: advances the fold in progress, or starts one when the delta has grown enough. */
  #maintain(): void {
    const s = this.#s;
    const adj = s.adj;
    if (this.#saving) return; // see fold()
    if (adj.folding) {
      this.fold(s.foldWork);
      return;
    }
    const delta = adj.deltaSize >>> 1;
    if (delta > s.compactMin && delta > (adj.offsets[adj.baseNodes] >>> 1) * s.compactRatio) this.fold(0);
  }

  // ---- reads ----

  /** The customer's network: nodes within `depth` hops in breadth-first order, the links among them, component figures. Null for an unknown customer. */
  network(customerId: string, options: NetworkOptions = {}): Network | null {
    const start = this.#s.ids.find(CUSTOMER, String(customerId));
    return start < 0 ? null : networkObjects(networkColumns(this.#s, start, options));
  }

  /**
   * network()'s answer as typed columns over the engine's own arrays and key bytes, with no object
   * or string per node or edge (serialise it with writeNetworkJson()). Valid until the engine's next
   * query or write. Null for an unknown customer.
   */
  networkColumns(customerId: string, options: NetworkOptions = {}): NetworkColumns | null {
    const start = this.#s.ids.find(CUSTOMER, String(customerId));
    return start < 0 ? null : networkColumns(this.#s, start, options);
  }

  /**
   * The raw breadth-first reach behind network(): internal ids in discovery order, no objects.
   * For hot paths and benchmarks; map ids with nodeId(). Null for an unknown customer.
   */
  traverse(customerId: string, options: NetworkOptions = {}): Traversal | null {
    const s = this.#s;
    const start = s.ids.find(CUSTOMER, String(customerId));
    if (start < 0) return null;
    const count = traverse(s, start, options, options.maxNodes ?? Infinity);
    return { nodes: s.queue.subarray(0, count), truncated: s.truncated, depthEnds: s.depthEnds.slice() };
  }

  /** The public id ('c:<customerId>' or '<kind>:<value>') of an internal node id from traverse(). */
  nodeId(node: number): string {
    const s = this.#s;
    const kind = s.nodeKind[node];
    return `${kind === CUSTOMER ? 'c' : s.kindNames[kind]}:${s.ids.valueOf(node)}`;
  }

  /** Component figures: exact from union-find, or over the first maxNodes nodes (breadth-first) when the component is larger. */
  component(customerId: string, options: ComponentOptions = {}): ComponentResult | null {
    const start = this.#s.ids.find(CUSTOMER, String(customerId));
    return start < 0 ? null : component(this.#s, start, options.maxNodes);
  }

  /**
   * True when two nodes ('c:<customerId>' or '<kind>:<value>', as network() names them) are in one
   * component (union-find, near O(1)); false when either is unknown. Watches on a component use it.
   */
  sameComponent(a: string, b: string): boolean {
    const s = this.#s;
    const u = s.parseNodeId(a);
    const v = s.parseNodeId(b);
    if (u < 0 || v < 0) return false;
    if (u === v) return true;
    s.ensureUf();
    return s.uf.find(u) === s.uf.find(v);
  }

  /**
   * A number naming the node's component as it is now (its union-find root), or -1 for an unknown
   * node: two nodes with the same key are in one component. A key stays valid while
   * isComponentKey(key, generation) says so: a link that merges its component into another, an
   * unlink or a compaction ends it. Callers matching many links against a few components keep the
   * keys instead of naming the nodes again for every link (services/watches.ts).
   */
  componentKey(nodeId: string): number {
    const s = this.#s;
    const v = s.parseNodeId(nodeId);
    if (v < 0) return -1;
    s.ensureUf();
    return s.uf.find(v);
  }

  /** The generation componentKey() answered in; compare with isComponentKey(). */
  get componentGeneration(): number {
    return this.#componentGeneration;
  }

  /** True while a key from componentKey() in `generation` still names a whole component. */
  isComponentKey(key: number, generation: number): boolean {
    const s = this.#s;
    return generation === this.#componentGeneration && !s.ufStale && key >= 0 && s.uf.parent[key]! < 0;
  }

  /**
   * The shortest chain from one customer to another (bidirectional breadth-first search), or to the
   * nearest customer carrying a label. Null when there is none within maxDepth hops.
   */
  path(fromCustomerId: string, to: string | { nearestLabel: string }, options: PathOptions = {}): PathResult | null {
    const s = this.#s;
    const maxDepth = options.maxDepth ?? 8;
    const maxNodes = options.maxNodes ?? DEFAULT_PATH_BUDGET;
    const from = s.ids.find(CUSTOMER, String(fromCustomerId));
    if (from < 0) return null;
    if (typeof to === 'string') {
      const target = s.ids.find(CUSTOMER, to);
      return target < 0 ? null : path(s, from, target, 0, maxDepth, maxNodes, options.excludeValues);
    }
    const labelCode = s.labels.indexOf(to.nearestLabel);
    return labelCode <= 0 ? null : path(s, from, -1, labelCode, maxDepth, maxNodes, options.excludeValues);
  }

  stats(): EngineStats {
    const s = this.#s;
    const identifiersByKind: Record<string, number> = {};
    for (let k = 1; k < s.kindNames.length; k++) identifiersByKind[s.kindNames[k]] = s.kindCounts[k];
    return {
      customers: s.kindCounts[CUSTOMER],
      identifiers: s.ids.count - s.kindCounts[CUSTOMER],
      links: s.liveLinks,
      deltaLinks: s.adj.deltaSize >>> 1,
      folding: s.adj.folding,
      identifiersByKind,
      bytes: s.byteSize(),
    };
  }

  // ---- change feed ----

  /** Calls `listener` synchronously after each change; returns the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    const listeners = this.#s.listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** The change feed as an async iterator (buffers events until read); ends at once on return() or abort. */
  changes(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<ChangeEvent> {
    const buffer: ChangeEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const unsubscribe = this.subscribe((event) => {
      buffer.push(event);
      wake?.();
    });
    const stop = (): void => {
      done = true;
      unsubscribe();
      wake?.();
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const iterator: AsyncIterableIterator<ChangeEvent> = {
      async next() {
        while (buffer.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (done || buffer.length === 0) return { value: undefined, done: true }; // events still buffered at the end are dropped
        return { value: buffer.shift()!, done: false };
      },
      async return() {
        stop();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  // ---- snapshots ----

  /**
   * Writes a snapshot of the graph as it is now to `file`, atomically (temporary file + rename),
   * without stopping the host for it: the state is captured synchronously (counts and references,
   * no copies), then written a slice at a time while reads and writes go on; rows that writes
   * change meanwhile are kept as they were (codec.ts). Writes made after the call are not in the
   * file; every write before it is.
   * Folds wait until the file is written. A save called while another is being written runs after
   * it, and captures the state when it starts. Nothing is compacted: call compact() for that.
   */
  save(file: string): Promise<void> {
    const run = async (): Promise<void> => {
      const s = this.#s;
      const taken = capture(s);
      this.#saving = taken;
      s.uf.watch = taken;
      try {
        await writeCapture(taken, file);
      } finally {
        this.#saving = undefined;
        s.uf.watch = undefined;
      }
    };
    const result = this.#saveQueue ? this.#saveQueue.then(run) : run();
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#saveQueue = settled;
    void settled.then(() => {
      if (this.#saveQueue === settled) this.#saveQueue = undefined;
    });
    return result;
  }

  /** Restores a snapshot written by save(). Throws an Error naming the problem for a damaged or foreign file. */
  static load(file: string, options: Omit<GraphEngineOptions, 'capacity' | 'linkCapacity'> = {}): GraphEngine {
    const state = loadState(file, options);
    const engine = new GraphEngine({ ...options, capacity: 1024, linkCapacity: 1024 });
    engine.#s = state;
    return engine;
  }
}

function checkCustomerId(customerId: string): string {
  const id = String(customerId);
  if (id === '') throw new RangeError('empty customer id');
  return id;
}

/** Caches the normalised name of a kind as the caller spells it (normaliseKind allocates). */
function learnKind(s: EngineState, kind: string): string {
  const kindName = normaliseKind(kind);
  if (s.rawKinds.size < 1024) s.rawKinds.set(kind, kindName);
  return kindName;
}

/** The code of a label or action, added to its table (at most MAX_CODES) when new. */
function codeOf(table: string[], value: string, what: string): number {
  const text = String(value);
  let code = table.indexOf(text, 1);
  if (code < 0) {
    if (table.length > MAX_CODES) throw new RangeError(`too many distinct ${what}s (at most ${MAX_CODES})`);
    code = table.push(text) - 1;
  }
  return code;
}
