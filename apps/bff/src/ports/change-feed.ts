// ChangeFeed: what one BFF replica changed, carried to every other replica, so each keeps its
// tenants' graphs and live streams current (docs/scale-out.md). Adapters: in process (one topic in
// memory: the embedded default, where this replica is alone on it) and Google Cloud Pub/Sub
// (@google-cloud/pubsub). One contract suite (test/contracts/change-feed.contract.ts) runs on both.
import type { LiveChange } from '../services/live-bus.ts';

/** One tenant's changes from one batch on one replica. */
export interface FeedMessage {
  /** The publishing replica's run (replica name and a random id per start). */
  origin: string;
  tenant: string;
  /** Per (origin, tenant) sequence from 1: a receiver that sees it jump knows it missed some. */
  seq: number;
  /** ProfileStore mark (ProfileStore.mark()) taken before these changes were written. */
  mark: number;
  changes: LiveChange[];
  /** Who has which customer open on the publishing replica (all of them, per customer named). */
  presence?: { customerId: string; viewers: { sub: string; email: string }[] }[];
}

/**
 * Called for each delivered message. Resolving acknowledges it; rejecting has it delivered again,
 * before any later message of the same tenant.
 */
export type FeedHandler = (message: FeedMessage) => Promise<void>;

export interface ChangeFeed {
  /** This replica's name: its subscription, kept across restarts. */
  readonly replica: string;
  /**
   * Starts retaining every message published from now on for this replica (creates its
   * subscription if it has none); nothing is delivered until follow(). Call before the graph is
   * restored, so no change falls between the replay and the feed.
   */
  open(): Promise<void>;
  /**
   * Publishes a message, ordered after the same tenant's earlier messages from this replica.
   * Resolves once the feed holds it; rejects with StoreUnavailable('feed') when it cannot.
   */
  publish(message: FeedMessage): Promise<void>;
  /**
   * Delivers retained and new messages to `handler`, at least once each, each tenant's in publish
   * order. Messages of other tenants may interleave.
   */
  follow(handler: FeedHandler): void;
  /** Readiness: rejects when the feed cannot be reached. */
  ping(): Promise<void>;
  /** Stops delivering and publishing; the subscription (and what it retains) stays. */
  close(): Promise<void>;
}
