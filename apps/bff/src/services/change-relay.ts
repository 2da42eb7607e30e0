// Keeps replicas as one (docs/scale-out.md): every change this replica publishes on its live bus
// goes out on the ChangeFeed, one message per tenant per tick with a per-tenant sequence; every
// message from another replica is applied to this replica's graph and live bus.
//
// Delivery is at least once, so applying is idempotent: a message whose sequence was already
// applied is dropped, and a link the graph already holds is neither added nor announced again.
// A sequence that jumps (a publish that failed, a message lost) is a gap: the tenant's events are
// replayed from the ProfileStore from the mark of the last message applied before it, which every
// missing message's events come after (the mark is taken as the batch's changes are published,
// before the tenant's next batch is written: ingestion of a tenant is serial on a replica).
import { randomBytes } from 'node:crypto';
import type { ChangeFeed, FeedMessage } from '../ports/change-feed.ts';
import type { ProfileStore } from '../ports/profile-store.ts';
import type { GraphRegistry } from './graphs.ts';
import type { LiveBus, LiveChange } from './live-bus.ts';

export interface ChangeRelayDeps {
  feed: ChangeFeed;
  profiles: Pick<ProfileStore, 'mark' | 'replay'>;
  graphs: GraphRegistry;
  live: LiveBus;
  /** Another replica's viewers of a customer (LiveHub.remotePresence). */
  onPresence?: (origin: string, tenant: string, customerId: string, viewers: FeedPresence['viewers']) => void;
  /** Failures that lose nothing for good (the gap they leave is repaired), for the server log. */
  onProblem?: (problem: string, error?: unknown) => void;
}

type FeedPresence = NonNullable<FeedMessage['presence']>[number];

export interface RelayStats {
  /** Messages this replica published, and those the feed refused. */
  published: number;
  publishFailures: number;
  /** Messages from other replicas applied, repeats dropped, gaps repaired, events replayed for them. */
  applied: number;
  duplicates: number;
  gaps: number;
  replayedEvents: number;
}

export class ChangeRelay {
  /** This run of this replica: messages from it are not applied again when they come back. */
  readonly origin: string;
  readonly stats: RelayStats = {
    published: 0,
    publishFailures: 0,
    applied: 0,
    duplicates: 0,
    gaps: 0,
    replayedEvents: 0,
  };
  readonly #deps: ChangeRelayDeps;
  /** Last sequence published per tenant. */
  readonly #seq = new Map<string, number>();
  /** Changes of the current tick per tenant, and the mark taken when the first arrived. */
  readonly #pending = new Map<string, { changes: LiveChange[]; presence: FeedPresence[]; mark: Promise<number> }>();
  /** Per tenant: the publish (or apply) running, so the next starts after it. */
  readonly #publishing = new Map<string, Promise<void>>();
  readonly #applying = new Map<string, Promise<void>>();
  /** Per (origin, tenant): the last sequence applied and its mark. */
  readonly #applied = new Map<string, { seq: number; mark: number }>();

  constructor(deps: ChangeRelayDeps) {
    this.#deps = deps;
    this.origin = `${deps.feed.replica}/${randomBytes(4).toString('hex')}`;
  }

  /** The live bus's relay: collects a local change into this tick's message for its tenant. */
  relay(change: LiveChange): void {
    this.#pendingOf(change.tenant).changes.push(change);
  }

  /** The live streams' relay: who has the customer open on this replica now (empty: nobody). */
  presence(tenant: string, customerId: string, viewers: FeedPresence['viewers']): void {
    this.#pendingOf(tenant).presence.push({ customerId, viewers });
  }

  #pendingOf(tenant: string) {
    let pending = this.#pending.get(tenant);
    if (!pending) {
      // Called now, not at flush: the mark must come before the tenant's next batch is written.
      pending = { changes: [], presence: [], mark: this.#deps.profiles.mark() };
      this.#pending.set(tenant, pending);
      queueMicrotask(() => this.#flush(tenant));
    }
    return pending;
  }

  /** Resolves when every message collected so far has been handed to the feed (or failed). */
  async flushed(): Promise<void> {
    await Promise.resolve();
    await Promise.all([...this.#publishing.values()]);
  }

  #flush(tenant: string): void {
    const pending = this.#pending.get(tenant);
    if (!pending) return;
    this.#pending.delete(tenant);
    const seq = (this.#seq.get(tenant) ?? 0) + 1;
    this.#seq.set(tenant, seq);
    const previous = this.#publishing.get(tenant) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const mark = await pending.mark;
        await this.#deps.feed.publish({
          origin: this.origin,
          tenant,
          seq,
          mark,
          changes: pending.changes,
          ...(pending.presence.length > 0 && { presence: pending.presence }),
        });
        this.stats.published++;
      } catch (error) {
        // The sequence number stays used: the receivers see the gap and replay it.
        this.stats.publishFailures++;
        this.#deps.onProblem?.(`could not publish changes of tenant ${tenant} to the feed`, error);
      }
    });
    this.#publishing.set(tenant, next);
    void next.then(() => {
      if (this.#publishing.get(tenant) === next) this.#publishing.delete(tenant);
    });
  }

  /**
   * The feed's handler: applies another replica's message after the tenant's earlier ones.
   * Rejects (so the feed delivers it again) when a gap could not be repaired.
   */
  receive(message: FeedMessage): Promise<void> {
    if (message.origin === this.origin) return Promise.resolve();
    const { tenant } = message;
    const previous = this.#applying.get(tenant) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#apply(message));
    this.#applying.set(tenant, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.#applying.get(tenant) === next) this.#applying.delete(tenant);
      });
    return next;
  }

  async #apply(message: FeedMessage): Promise<void> {
    const { tenant, origin, seq, mark } = message;
    const key = `${origin}\u0000${tenant}`;
    const last = this.#applied.get(key);
    if (last && seq <= last.seq) {
      this.stats.duplicates++;
      return;
    }
    if (last && seq > last.seq + 1) {
      await this.#repair(tenant, last.mark);
      this.stats.gaps++;
    }
    const graph = this.#deps.graphs.get(tenant);
    const { live } = this.#deps;
    for (const change of message.changes) {
      // A message speaks for its own tenant only.
      if (change.tenant !== tenant) continue;
      switch (change.type) {
        case 'link':
          // Known already (a repeat, or replayed): nothing changes, nothing is announced.
          if (!graph.link(change.customerId, change.kind, change.value, Date.parse(change.at))) continue;
          break;
        case 'score':
          graph.setCustomer(change.customerId, { score: change.score, action: change.action });
          break;
        case 'label':
          graph.setCustomer(change.customerId, { label: change.label });
          break;
        case 'review':
          graph.setCustomer(change.customerId, { label: change.label, action: change.action });
          break;
        default:
          break;
      }
      live.deliver(change);
    }
    for (const p of message.presence ?? []) this.#deps.onPresence?.(origin, tenant, p.customerId, p.viewers);
    this.#applied.set(key, { seq, mark });
    this.stats.applied++;
  }

  /** Replays the tenant's events written since `since` into its graph, announcing the new links. */
  async #repair(tenant: string, since: number): Promise<void> {
    const { profiles, graphs, live } = this.#deps;
    await profiles.replay(since, (batchTenant, events) => {
      if (batchTenant !== tenant) return;
      this.stats.replayedEvents += events.length;
      for (const link of graphs.apply(tenant, events)) {
        const at = new Date(link.at).toISOString();
        live.deliver({ type: 'link', tenant, customerId: link.customerId, kind: link.kind, value: link.value, at });
      }
    });
  }
}
