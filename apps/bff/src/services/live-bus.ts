// In-process pub/sub of what changed, per tenant: new links, new scores and labels, new customers,
// reviews, notes. The live stream (server-sent events) subscribes here; publishers never wait on it.
// With several replicas, every local change is also handed to the relay (services/change-relay.ts),
// which carries it to the other replicas over the ChangeFeed; theirs come back in through deliver().
export type LiveChange =
  | { type: 'link'; tenant: string; customerId: string; kind: string; value: string; at: string }
  | { type: 'customer'; tenant: string; customerId: string; name?: string; at: string }
  | { type: 'score'; tenant: string; customerId: string; score: number; action: string; at: string }
  | { type: 'label'; tenant: string; customerId: string; label: string; at: string }
  | {
      type: 'review';
      tenant: string;
      customerId: string;
      action: string | null;
      label: string | null;
      status: string;
      version: number;
      reviewId: string | null;
      by: string;
      at: string;
    }
  | { type: 'note'; tenant: string; customerId: string; noteId: string; by: string; at: string };

export type LiveListener = (change: LiveChange) => void;

export class LiveBus {
  readonly #byTenant = new Map<string, Set<LiveListener>>();
  #relay: LiveListener | undefined;

  /** Hands every change published here from now on to `relay` too (the change feed to other replicas). */
  relayTo(relay: LiveListener): void {
    this.#relay = relay;
  }

  /** Calls `listener` for every change of the tenant until the returned function is called. */
  subscribe(tenant: string, listener: LiveListener): () => void {
    let set = this.#byTenant.get(tenant);
    if (!set) this.#byTenant.set(tenant, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#byTenant.delete(tenant);
    };
  }

  /**
   * True when someone listens to the tenant: publishers can skip building changes otherwise. With a
   * relay (other replicas) someone always does.
   */
  hasListeners(tenant: string): boolean {
    return this.#relay !== undefined || this.#byTenant.has(tenant);
  }

  /** A change made on this replica: to the local listeners and to the other replicas. */
  publish(change: LiveChange): void {
    if (this.#relay) {
      try {
        this.#relay(change);
      } catch {
        // The relay counts its own failures; ingestion goes on.
      }
    }
    this.deliver(change);
  }

  /** A change to the local listeners only (one that came from another replica). */
  deliver(change: LiveChange): void {
    const set = this.#byTenant.get(change.tenant);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(change);
      } catch {
        // One broken subscriber must not stop ingestion or the other subscribers.
      }
    }
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.#byTenant.values()) n += set.size;
    return n;
  }
}
