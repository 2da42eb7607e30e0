// The in-process ChangeFeed: one topic in memory, a subscription per replica name that retains
// what is published until it is acknowledged, each tenant's messages delivered one at a time in
// order (a rejected one is delivered again before the next). The embedded default has this replica
// alone on its topic; tests put several replicas of one process on one topic.
import type { ChangeFeed, FeedHandler, FeedMessage } from '../../ports/change-feed.ts';

/** How long a rejected message waits before it is delivered again. */
const REDELIVER_AFTER_MS = 20;

class Subscription {
  /** Unacknowledged messages per tenant, oldest first. */
  readonly queues = new Map<string, FeedMessage[]>();
  readonly pumping = new Set<string>();
  handler: FeedHandler | undefined;

  push(message: FeedMessage): void {
    let queue = this.queues.get(message.tenant);
    if (!queue) this.queues.set(message.tenant, (queue = []));
    // A copy, as a network would make: the receiver cannot alter the publisher's objects.
    queue.push(structuredClone(message));
    this.pump(message.tenant);
  }

  pump(tenant: string): void {
    if (!this.handler || this.pumping.has(tenant)) return;
    this.pumping.add(tenant);
    void this.#drain(tenant).finally(() => this.pumping.delete(tenant));
  }

  async #drain(tenant: string): Promise<void> {
    const queue = this.queues.get(tenant);
    while (queue && queue.length > 0 && this.handler) {
      try {
        await this.handler(queue[0]!);
        queue.shift();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, REDELIVER_AFTER_MS));
      }
    }
    if (queue?.length === 0) this.queues.delete(tenant);
  }
}

/** A topic several in-process replicas can share (pass the same instance to each). */
export class InProcessTopic {
  readonly subscriptions = new Map<string, Subscription>();

  publish(message: FeedMessage): void {
    for (const subscription of this.subscriptions.values()) subscription.push(message);
  }
}

export class InProcessChangeFeed implements ChangeFeed {
  readonly replica: string;
  readonly #topic: InProcessTopic;
  #subscription: Subscription | undefined;
  #closed = false;

  constructor(topic: InProcessTopic, replica: string) {
    this.#topic = topic;
    this.replica = replica;
  }

  async open(): Promise<void> {
    let subscription = this.#topic.subscriptions.get(this.replica);
    if (!subscription) this.#topic.subscriptions.set(this.replica, (subscription = new Subscription()));
    this.#subscription = subscription;
    this.#closed = false;
  }

  async publish(message: FeedMessage): Promise<void> {
    if (!this.#closed) this.#topic.publish(message);
  }

  follow(handler: FeedHandler): void {
    const subscription = this.#subscription;
    if (!subscription) throw new Error('open() the feed before following it');
    subscription.handler = handler;
    for (const tenant of subscription.queues.keys()) subscription.pump(tenant);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#subscription) this.#subscription.handler = undefined;
  }
}
