// Watches ("tripwires") and shared infrastructure, in memory beside the stores (docs/live.md).
//
// WatchMatcher: every tenant with at least one watch is subscribed on the LiveBus. A new link
// (published by ingest after the graph has it) is a hit for
//   - an identifier watch when the link's identifier is the pinned one;
//   - a customer watch when the link's customer is the pinned customer, or its identifier is one
//     the pinned customer already uses (another customer joined them);
//   - a component watch when the link's customer is now in the pinned customer's component (union-
//     find after the link: it was in, or the link joined it);
// links through an identifier marked as shared infrastructure hit identifier watches only. Hits
// are stored with the link (WatchStore.recordHits), the link's customer goes into the review queue
// with the link as the reason, and the watch's owner gets a `watch` event on their open streams.
//
// SharedInfrastructure: each tenant's marked identifier node ids, which every traversal leaves out
// (routes/customers.ts passes them as the engine's excludeValues).
//
// Rules and marks are loaded per tenant at start, changed in place by this replica's routes, and
// read again every refreshMs so changes made through another replica arrive within that time.
import { normaliseKind, normaliseValue } from '@redoubt/engine';
import type { GraphEngine } from '@redoubt/engine';
import type { SharedMark, WatchTarget } from '@redoubt/contracts/watches';
import type { LiveWatch } from '@redoubt/contracts/live';
import type { QueueCandidate } from '../ports/review-store.ts';
import type { NewHit, WatchRule, WatchStore } from '../ports/watch-store.ts';
import type { LiveBus, LiveChange } from './live-bus.ts';

/** The engine's node id of a watch target or an identifier: 'c:<customer>' or '<kind>:<value>'. */
export function nodeIdOf(target: WatchTarget): string {
  if (target.type === 'identifier') return identifierNodeId(target.kind, target.value);
  return `c:${target.customerId}`;
}

/** '<kind>:<value>', both normalised as the engine's link() does. */
export function identifierNodeId(kind: string, value: string): string {
  const k = normaliseKind(kind);
  return `${k}:${normaliseValue(k, value)}`;
}

/** The tenant's shared-infrastructure marks, by node id. */
export class SharedInfrastructure {
  readonly #byTenant = new Map<string, Map<string, SharedMark>>();

  set(tenant: string, marks: readonly SharedMark[]): void {
    this.#byTenant.set(tenant, new Map(marks.map((m) => [m.nodeId, m])));
  }

  add(tenant: string, mark: SharedMark): void {
    let map = this.#byTenant.get(tenant);
    if (!map) this.#byTenant.set(tenant, (map = new Map()));
    map.set(mark.nodeId, mark);
  }

  remove(tenant: string, nodeId: string): void {
    this.#byTenant.get(tenant)?.delete(nodeId);
  }

  has(tenant: string, nodeId: string): boolean {
    return this.#byTenant.get(tenant)?.has(nodeId) ?? false;
  }

  /** The node ids every traversal of the tenant leaves out. */
  nodeIds(tenant: string): string[] {
    const map = this.#byTenant.get(tenant);
    return map ? [...map.keys()] : [];
  }
}

export interface WatchMatcherDeps {
  store: WatchStore;
  bus: LiveBus;
  graph: (tenant: string) => GraphEngine;
  shared: SharedInfrastructure;
  queue: { enqueue(tenant: string, candidates: QueueCandidate[]): Promise<number> };
  /** Sends the owner a live event on the streams they have open (LiveHub.notify). */
  notify: (tenant: string, sub: string, event: LiveWatch) => void;
  /** Called with what failed while storing hits (the link itself is stored already). */
  onError: (error: unknown) => void;
}

/** Most identifiers of a watched customer kept to match links against. */
const CUSTOMER_IDENTIFIERS = 5_000;

/** A component watch with the key of its component while that key holds (GraphEngine.componentKey). */
interface ComponentRule {
  rule: WatchRule;
  key: number;
  generation: number;
}

/** The tenant's rules, indexed for matching; rebuilt at the next link after the rules change. */
interface Index {
  byIdentifier: Map<string, WatchRule[]>;
  byCustomer: Map<string, WatchRule[]>;
  /** Identifier node id -> the watched customers using it. */
  customersOf: Map<string, Set<string>>;
  components: ComponentRule[];
}

interface TenantRules {
  rules: Map<string, WatchRule>;
  unsubscribe: () => void;
  index: Index | undefined;
}

interface PendingHit extends NewHit {
  rule: WatchRule;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export class WatchMatcher {
  readonly #deps: WatchMatcherDeps;
  readonly #tenants = new Map<string, TenantRules>();
  readonly #pending = new Map<string, PendingHit[]>();
  #work: Promise<void> = Promise.resolve();
  #scheduled = false;
  #closed = false;
  /** Hits stored since start; hit batches that failed to store. */
  hits = 0;
  failures = 0;

  constructor(deps: WatchMatcherDeps) {
    this.#deps = deps;
  }

  /** Replaces the tenant's rules (start-up and the periodic refresh). */
  setRules(tenant: string, rules: readonly WatchRule[]): void {
    const state = this.#tenants.get(tenant);
    if (rules.length === 0) {
      if (state) {
        state.unsubscribe();
        this.#tenants.delete(tenant);
      }
      return;
    }
    const map = new Map(rules.map((r) => [r.id, r]));
    if (state) {
      state.rules = map;
      state.index = undefined;
      return;
    }
    this.#subscribe(tenant, map);
  }

  add(tenant: string, rule: WatchRule): void {
    const state = this.#tenants.get(tenant);
    if (!state) {
      this.#subscribe(tenant, new Map([[rule.id, rule]]));
      return;
    }
    state.rules.set(rule.id, rule);
    state.index = undefined;
  }

  remove(tenant: string, id: string): void {
    const state = this.#tenants.get(tenant);
    if (!state) return;
    state.rules.delete(id);
    state.index = undefined;
    if (state.rules.size === 0) {
      state.unsubscribe();
      this.#tenants.delete(tenant);
    }
  }

  ruleCount(): number {
    let n = 0;
    for (const t of this.#tenants.values()) n += t.rules.size;
    return n;
  }

  /** Resolves once every hit seen so far is stored, queued and sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#scheduled || this.#pending.size > 0) {
      await this.#work;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.#work;
  }

  async close(): Promise<void> {
    await this.idle();
    this.#closed = true;
    for (const state of this.#tenants.values()) state.unsubscribe();
    this.#tenants.clear();
  }

  #subscribe(tenant: string, rules: Map<string, WatchRule>): void {
    const state: TenantRules = { rules, unsubscribe: () => {}, index: undefined };
    state.unsubscribe = this.#deps.bus.subscribe(tenant, (change) => this.#onChange(tenant, state, change));
    this.#tenants.set(tenant, state);
  }

  /** The rules by what they pin; each watched customer's identifiers read once from the graph. */
  #indexOf(state: TenantRules, graph: GraphEngine): Index {
    if (state.index) return state.index;
    const index: Index = { byIdentifier: new Map(), byCustomer: new Map(), customersOf: new Map(), components: [] };
    for (const rule of state.rules.values()) {
      if (rule.targetType === 'identifier') push(index.byIdentifier, rule.target, rule);
      else if (rule.targetType === 'customer') push(index.byCustomer, rule.target, rule);
      else index.components.push({ rule, key: -1, generation: -1 });
    }
    for (const customerNode of index.byCustomer.keys()) {
      const network = graph.network(customerNode.slice(2), { depth: 1, maxNodes: CUSTOMER_IDENTIFIERS });
      if (!network) continue;
      for (const node of network.nodes) {
        if (node.type !== 'identifier') continue;
        let set = index.customersOf.get(node.id);
        if (!set) index.customersOf.set(node.id, (set = new Set()));
        set.add(customerNode);
      }
    }
    state.index = index;
    return index;
  }

  #onChange(tenant: string, state: TenantRules, change: LiveChange): void {
    if (change.type !== 'link' || this.#closed) return;
    const graph = this.#deps.graph(tenant);
    const index = this.#indexOf(state, graph);
    const identifier = identifierNodeId(change.kind, change.value);
    const customer = `c:${change.customerId}`;
    const hits: WatchRule[] = [...(index.byIdentifier.get(identifier) ?? [])];
    const own = index.byCustomer.get(customer);
    if (own) {
      // The watched customer's new identifier: later links through it join them.
      let set = index.customersOf.get(identifier);
      if (!set) index.customersOf.set(identifier, (set = new Set()));
      set.add(customer);
    }
    // Links through shared infrastructure hit identifier watches only.
    if (!this.#deps.shared.has(tenant, identifier)) {
      if (own) hits.push(...own);
      for (const watched of index.customersOf.get(identifier) ?? []) {
        if (watched !== customer) hits.push(...index.byCustomer.get(watched)!);
      }
      if (index.components.length > 0) {
        const key = graph.componentKey(customer);
        for (const c of index.components) {
          if (!graph.isComponentKey(c.key, c.generation)) {
            c.generation = graph.componentGeneration;
            c.key = graph.componentKey(c.rule.target);
          }
          if (c.key >= 0 && c.key === key) hits.push(c.rule);
        }
      }
    }
    if (hits.length === 0) return;
    const colon = identifier.indexOf(':');
    const kind = identifier.slice(0, colon);
    const value = identifier.slice(colon + 1);
    let list = this.#pending.get(tenant);
    if (!list) this.#pending.set(tenant, (list = []));
    const linkedAt = Date.parse(change.at);
    for (const rule of hits)
      list.push({ rule, watchId: rule.id, customerId: change.customerId, kind, value, linkedAt });
    this.#schedule();
  }

  /** Stores the hits of one ingest batch together, after the batch's links were all published. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const batches = [...this.#pending];
      this.#pending.clear();
      this.#work = this.#work.then(async () => {
        for (const [tenant, hits] of batches) await this.#flush(tenant, hits);
      });
    });
  }

  async #flush(tenant: string, pending: PendingHit[]): Promise<void> {
    const { store, queue, notify } = this.#deps;
    try {
      this.hits += await store.recordHits(
        tenant,
        pending.map(({ rule: _rule, ...hit }) => hit),
      );
      // One queue entry per customer, the first link that brought them in as the reason. Enqueueing
      // a queued customer again changes nothing (ReviewStore.enqueue).
      const candidates = new Map<string, QueueCandidate>();
      for (const p of pending) {
        if (candidates.has(p.customerId)) continue;
        candidates.set(p.customerId, {
          customerId: p.customerId,
          reason: `new link ${p.kind} ${p.value} into a watched ${p.rule.targetType} (${p.rule.target})`,
          at: p.linkedAt,
        });
      }
      await queue.enqueue(tenant, [...candidates.values()]);
      // The owner's streams on this replica; every replica sees the link, so each tells its own.
      for (const p of pending) {
        notify(tenant, p.rule.ownerSub, {
          type: 'watch',
          watchId: p.rule.id,
          targetType: p.rule.targetType,
          target: p.rule.target,
          customerId: p.customerId,
          kind: p.kind,
          value: p.value,
          at: new Date(p.linkedAt).toISOString(),
        });
      }
    } catch (error) {
      this.failures++;
      this.#deps.onError(error);
    }
  }
}
