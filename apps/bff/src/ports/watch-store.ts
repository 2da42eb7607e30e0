// WatchStore: analysts' watches ("tripwires") with the hits that triggered them, and the tenant's
// shared-infrastructure marks. Every write is audited in its own transaction. Adapter: PostgreSQL
// via pg or PGlite (adapters/watch-store/sql-watch-store.ts).
import type { SharedMark, Watch, WatchTarget } from '@redoubt/contracts/watches';
import type { Actor } from './review-store.ts';

/** A watch as the matcher needs it (services/watches.ts). */
export interface WatchRule {
  id: string;
  ownerSub: string;
  targetType: WatchTarget['type'];
  /** The engine's node id: 'c:<customer>' (customer, component) or '<kind>:<value>'. */
  target: string;
}

export interface NewWatchInput {
  target: WatchTarget;
  /** The node id of the target, normalised by the caller (services/watches.ts nodeIdOf). */
  nodeId: string;
  note?: string;
}

export interface NewHit {
  watchId: string;
  customerId: string;
  kind: string;
  value: string;
  linkedAt: number;
}

export interface NewMarkInput {
  kind: string;
  value: string;
  nodeId: string;
  reason: string;
}

export interface WatchStore {
  /** The owner's watches, newest first, each with its hit count and most recent hits. */
  listWatches(tenant: string, ownerSub: string, hitsPerWatch: number): Promise<Watch[]>;
  /** Creates the watch, or returns the owner's existing watch on the same target (created false). */
  addWatch(tenant: string, actor: Actor, input: NewWatchInput): Promise<{ watch: Watch; created: boolean }>;
  /** Deletes the owner's watch; false when there was none (already deleted, or someone else's). */
  removeWatch(tenant: string, actor: Actor, id: string): Promise<boolean>;
  /** Every watch of the tenant (the matcher's rules). */
  watchRules(tenant: string): Promise<WatchRule[]>;
  /**
   * Records hits; returns how many were new (a hit on a deleted watch is dropped, one already
   * stored, e.g. by another replica, is kept once).
   */
  recordHits(tenant: string, hits: NewHit[]): Promise<number>;

  listMarks(tenant: string): Promise<SharedMark[]>;
  /** Marks the value, or returns the existing mark on it (created false). */
  addMark(tenant: string, actor: Actor, input: NewMarkInput): Promise<{ mark: SharedMark; created: boolean }>;
  /** Unmarks; the removed mark, or undefined when there was none. */
  removeMark(tenant: string, actor: Actor, id: string): Promise<SharedMark | undefined>;
  /** Tenants that exist (to load every tenant's rules and marks at start). */
  tenants(): Promise<string[]>;
}
