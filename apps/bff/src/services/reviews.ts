// What reviews need beyond the store: the follower that carries committed reviews from the outbox
// to the search index, the graph and the live bus; network risk for the queue (the engine's
// nearest-label path and component figures); and the cluster preview, answered from the graph.
import type { ClusterPreview, Label, NetworkRisk } from '@redoubt/contracts/api';
import type { GraphEngine } from '@redoubt/engine';
import type { ReviewChange, ReviewStore } from '../ports/review-store.ts';
import type { ProfileStore } from '../ports/profile-store.ts';
import type { AppliedReview } from './ingest.ts';

/** How far the queue looks for the nearest FRAUDSTER (customer–identifier–customer is 2 hops). */
export const RISK_MAX_HOPS = 6;

/**
 * Drains the review outbox in id order after each commit, through leases (ReviewStore.leaseChanges),
 * so the followers of several replicas on one database apply each change once and a customer's
 * changes in order. A change that fails to apply stops the drain (later changes of the same
 * customer must not overtake it; the rest of the batch is released for whoever drains next) and is
 * retried with backoff until it goes through: a review never stays without its index.
 */
export class ReviewFollower {
  readonly #store: Pick<ReviewStore, 'leaseChanges' | 'markApplied' | 'markFailed' | 'releaseChanges'>;
  readonly #apply: (tenant: string, change: AppliedReview) => Promise<void>;
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #delayMs = 0;
  #stopped = false;
  readonly #sweep: NodeJS.Timeout | undefined;
  /** Failed attempts since the last success (for health and tests). */
  failures = 0;

  /**
   * `sweepMs`: also drain on this interval, for rows nobody kicks for: those another replica leased
   * and left when it died (their lease lapses), while this replica writes nothing.
   */
  constructor(
    store: Pick<ReviewStore, 'leaseChanges' | 'markApplied' | 'markFailed' | 'releaseChanges'>,
    apply: (tenant: string, change: AppliedReview) => Promise<void>,
    options: { sweepMs?: number } = {},
  ) {
    this.#store = store;
    this.#apply = apply;
    if (options.sweepMs !== undefined) {
      this.#sweep = setInterval(() => void this.kick(), options.sweepMs);
      this.#sweep.unref();
    }
  }

  /** Starts a drain now (or right after the one running). Resolves when the outbox is empty or a change failed. */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        void this.kick();
      }
    });
    return this.#running;
  }

  async #drain(): Promise<void> {
    for (;;) {
      let batch: ReviewChange[];
      try {
        batch = await this.#store.leaseChanges(100);
      } catch {
        this.#retryLater();
        return;
      }
      if (batch.length === 0) {
        this.#delayMs = 0;
        return;
      }
      for (const [i, change] of batch.entries()) {
        try {
          await this.#apply(change.tenant, {
            customerId: change.customerId,
            action: change.action,
            label: change.label,
            status: change.status,
            version: change.version,
            reviewId: change.reviewId,
            by: change.by,
          });
          await this.#store.markApplied(change.outboxId);
          this.failures = 0;
        } catch (error) {
          this.failures++;
          await this.#store.markFailed(change.outboxId, (error as Error).message).catch(() => {});
          // Not released (the store is down too): the leases lapse on their own.
          await this.#store.releaseChanges(batch.slice(i + 1).map((c) => c.outboxId)).catch(() => {});
          this.#retryLater();
          return;
        }
      }
    }
  }

  #retryLater(): void {
    if (this.#stopped || this.#timer) return;
    this.#delayMs = Math.min(30_000, this.#delayMs ? this.#delayMs * 2 : 250);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.kick();
    }, this.#delayMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#sweep) clearInterval(this.#sweep);
    await this.#running;
  }
}

/**
 * Network risk of one customer: hops to the nearest FRAUDSTER through the live graph and the share
 * of FRAUDSTERs in its component (exact, from the engine's union-find), with the reason in words.
 * Rank: nearer and denser first.
 */
export function networkRisk(graph: GraphEngine, customerId: string, ownLabel?: Label | null): NetworkRisk {
  // The engine's nearest-label search starts past the customer itself.
  const path =
    ownLabel === 'FRAUDSTER'
      ? { hops: 0, nodes: [] }
      : graph.path(customerId, { nearestLabel: 'FRAUDSTER' }, { maxDepth: RISK_MAX_HOPS });
  const component = graph.component(customerId);
  const share = component?.share ?? 0;
  const customers = component?.customers ?? 0;
  const hops = path ? path.hops : null;
  let reason: string;
  if (path && path.hops === 0) reason = 'labelled FRAUDSTER';
  else if (path) {
    const via = path.nodes[1];
    const target = path.nodes[path.nodes.length - 1];
    reason = `${path.hops} hops from a FRAUDSTER${target ? ` (${target.key})` : ''}${via ? ` through ${via.kind ?? 'identifier'} ${via.key}` : ''}`;
  } else if (customers > 1) reason = `no FRAUDSTER within ${RISK_MAX_HOPS} hops; network of ${customers} customers`;
  else reason = 'no links to other customers';
  if (share > 0 && path && path.hops > 0) reason += `; ${Math.round(share * 100)}% of its network are FRAUDSTERs`;
  const proximity = hops === null ? 0 : hops === 0 ? 1 : 2 / (hops + 2);
  return { hops, componentShare: share, componentCustomers: customers, rank: 0.7 * proximity + 0.3 * share, reason };
}

/**
 * What labelling these customers would change, answered from the graph (components) and one batch
 * read of the customer rows (current labels, order value). GENUINE customers are left out unless
 * confirmed.
 */
export async function previewCluster(
  graph: GraphEngine,
  profiles: ProfileStore,
  tenant: string,
  selection: { customerIds: string[]; label: Label; confirmGenuine?: string[] },
): Promise<ClusterPreview & { apply: string[] }> {
  const ids = [...new Set(selection.customerIds)];
  const confirmed = new Set(selection.confirmGenuine ?? []);
  const records = await profiles.getCustomers(tenant, ids);
  const changes: ClusterPreview['changes'] = [];
  const unchanged: string[] = [];
  const genuineExcluded: string[] = [];
  const unknown: string[] = [];
  const orderValue: Record<string, number> = {};
  // Components have no public id: customers whose component figures are identical are treated as
  // one component (a collision needs two components of exactly the same size and fraud count).
  const components = new Map<string, { customers: number; fraudsters: number; delta: number }>();
  for (const id of ids) {
    const record = records.get(id);
    const stats = graph.component(id);
    if (!record && !stats) {
      unknown.push(id);
      continue;
    }
    const from = record?.label ?? null;
    if (from === selection.label) {
      unchanged.push(id);
      continue;
    }
    if (from === 'GENUINE' && !confirmed.has(id)) {
      genuineExcluded.push(id);
      continue;
    }
    changes.push({ customerId: id, from });
    for (const [counter, value] of Object.entries(record?.counters ?? {})) {
      if (counter.startsWith('orderValue')) {
        const currency = counter.slice('orderValue'.length) || 'XXX';
        orderValue[currency] = (orderValue[currency] ?? 0) + value;
      }
    }
    if (stats) {
      const key = `${stats.customers}/${stats.identifiers}/${stats.fraudsters}`;
      const entry = components.get(key) ?? { customers: stats.customers, fraudsters: stats.fraudsters, delta: 0 };
      if (selection.label === 'FRAUDSTER' && from !== 'FRAUDSTER') entry.delta++;
      if (selection.label !== 'FRAUDSTER' && from === 'FRAUDSTER') entry.delta--;
      components.set(key, entry);
    }
  }
  return {
    label: selection.label,
    changes,
    unchanged,
    genuineExcluded,
    unknown,
    components: [...components.values()].map((c) => ({
      customers: c.customers,
      fraudShareBefore: c.customers ? c.fraudsters / c.customers : 0,
      fraudShareAfter: c.customers ? Math.min(1, Math.max(0, (c.fraudsters + c.delta) / c.customers)) : 0,
    })),
    orderValue,
    apply: changes.map((c) => c.customerId),
  };
}
