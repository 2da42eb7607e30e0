// The Google Cloud Pub/Sub ChangeFeed (@google-cloud/pubsub): one topic (PUBSUB_TOPIC) that every
// replica publishes to with the tenant as ordering key, and one subscription per replica
// (`<topic>-<replica>`, message ordering on), created on first start and kept across restarts so a
// replica that was down receives what it missed. Delivery is at least once: the receiver
// (services/change-relay.ts) drops repeats by sequence. PUBSUB_EMULATOR_HOST points the client at
// Google's emulator (docs/toolchain.md).
import { PubSub } from '@google-cloud/pubsub';
import type { Message, Subscription, Topic } from '@google-cloud/pubsub';
import type { ChangeFeed, FeedHandler, FeedMessage } from '../../ports/change-feed.ts';
import { StoreUnavailable } from '../../domain/errors.ts';

export interface PubSubFeedOptions {
  projectId: string;
  topic: string;
  /** This replica's name (its subscription). */
  replica: string;
  /** host:port of the emulator; unset means Google Cloud with the ambient credentials. */
  emulatorHost?: string;
  /** A subscription unused this long is deleted by Pub/Sub (a replica that is gone); default 7 days. */
  subscriptionTtlSeconds?: number;
  /** Called with messages that are not FeedMessages (acknowledged and dropped) and stream errors. */
  onProblem?: (problem: string, error?: unknown) => void;
}

/** gRPC ALREADY_EXISTS: the topic or subscription was created before (by us or another replica). */
const ALREADY_EXISTS = 6;
const CALL_TIMEOUT_MS = 5_000;
const PUBLISH_TIMEOUT_MS = 10_000;

/** A Pub/Sub resource id: letters, digits and - _ . ~ + %, starting with a letter, 3 to 255 long. */
export function subscriptionId(topic: string, replica: string): string {
  const id = `${topic}-${replica}`.replace(/[^A-Za-z0-9\-_.~+%]/g, '-');
  return (/^[A-Za-z]/.test(id) ? id : `r-${id}`).slice(0, 255);
}

export class PubSubChangeFeed implements ChangeFeed {
  readonly replica: string;
  readonly #options: PubSubFeedOptions;
  readonly #client: PubSub;
  readonly #topic: Topic;
  #subscription: Subscription | undefined;
  #closed = false;

  constructor(options: PubSubFeedOptions) {
    this.#options = options;
    this.replica = options.replica;
    this.#client = new PubSub({
      projectId: options.projectId,
      // With the emulator: no credentials are looked for (universeDomain, docs/toolchain.md).
      ...(options.emulatorHost !== undefined && {
        apiEndpoint: options.emulatorHost,
        emulatorMode: true,
        universeDomain: 'googleapis.com',
      }),
    });
    // A few milliseconds of batching: one request carries many tenants' messages at high rates
    // without holding a lone message back noticeably.
    this.#topic = this.#client.topic(options.topic, {
      messageOrdering: true,
      batching: { maxMessages: 500, maxMilliseconds: 5 },
      // The client's default retries a publish for up to 600 s; a tenant's later changes queue
      // behind it. Past this bound it fails, and the receivers repair the gap (see publish()).
      gaxOpts: { timeout: PUBLISH_TIMEOUT_MS },
    });
  }

  get subscriptionName(): string {
    return subscriptionId(this.#options.topic, this.replica);
  }

  async open(): Promise<void> {
    try {
      await this.#topic.create({ timeout: CALL_TIMEOUT_MS }).catch(ignoreExisting);
      await this.#topic
        .createSubscription(this.subscriptionName, {
          enableMessageOrdering: true,
          // The client extends the lease while a message is handled; a replica that died holds its
          // tenants' ordered messages back from its own restart for this long at most.
          ackDeadlineSeconds: 10,
          expirationPolicy: { ttl: { seconds: this.#options.subscriptionTtlSeconds ?? 7 * 86_400 } },
          gaxOpts: { timeout: CALL_TIMEOUT_MS },
        })
        .catch(ignoreExisting);
    } catch (error) {
      throw new StoreUnavailable('feed', error);
    }
    this.#subscription = this.#topic.subscription(this.subscriptionName, {
      flowControl: { maxMessages: 2_000, allowExcessMessages: false },
    });
    this.#closed = false;
  }

  async publish(message: FeedMessage): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#topic.publishMessage({
        data: Buffer.from(JSON.stringify(message)),
        orderingKey: message.tenant,
        attributes: { origin: message.origin, seq: String(message.seq) },
      });
    } catch (error) {
      // An ordering key stops after a failed publish until resumed; the receivers see the skipped
      // sequence number and repair the gap from the ProfileStore.
      this.#topic.resumePublishing(message.tenant);
      throw new StoreUnavailable('feed', error);
    }
  }

  follow(handler: FeedHandler): void {
    const subscription = this.#subscription;
    if (!subscription) throw new Error('open() the feed before following it');
    subscription.on('message', (m: Message) => {
      let message: FeedMessage;
      try {
        message = parse(m.data);
      } catch (error) {
        this.#options.onProblem?.('a message on the feed is not a change message: dropped', error);
        m.ack();
        return;
      }
      handler(message).then(
        () => m.ack(),
        () => m.nack(),
      );
    });
    subscription.on('error', (error: unknown) => this.#options.onProblem?.('feed subscription error', error));
  }

  async ping(): Promise<void> {
    const subscription = this.#subscription ?? this.#topic.subscription(this.subscriptionName);
    await subscription.getMetadata({ timeout: 2_000 });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#subscription?.close().catch(() => undefined);
    await this.#topic.flush().catch(() => undefined);
    await this.#client.close().catch(() => undefined);
  }
}

function ignoreExisting(error: unknown): void {
  if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
}

function parse(data: Buffer): FeedMessage {
  const value = JSON.parse(data.toString('utf8')) as Partial<FeedMessage>;
  if (
    typeof value.origin !== 'string' ||
    typeof value.tenant !== 'string' ||
    !Number.isInteger(value.seq) ||
    typeof value.mark !== 'number' ||
    !Array.isArray(value.changes)
  ) {
    throw new Error('not a change message');
  }
  return value as FeedMessage;
}
