// ReviewStore: analysts' notes, decisions and labels, the review queue and cluster batches, each
// with its audit row written in the same transaction. Adapters: PostgreSQL via pg, PGlite embedded.
import type {
  Action,
  ClusterBatch,
  Label,
  NewReview,
  QueueSort,
  Review,
  ReviewSettings,
  ReviewState,
} from '@redoubt/contracts/api';
import type { ReviewerRole } from '../domain/review-state.ts';
export interface Actor {
  sub: string;
  email: string;
  /** The server's request id (generated per request; never taken from the caller). */
  requestId?: string;
  /** The client address, behind TRUSTED_PROXY_HOPS proxies. */
  clientIp?: string;
  /** The caller's own X-Request-Id, kept for correlation only: untrusted, never the row's id. */
  callerRequestId?: string;
}

export interface Note {
  id: string;
  customerId: string;
  authorEmail: string;
  body: string;
  createdAt: string;
}

/** The reviewer: who, in which role for this tenant. */
export interface Reviewer extends Actor {
  role: ReviewerRole;
}

/** Who edits a tenant's review settings: a lead or the tenant's admin (the access table). */
export interface SettingsEditor extends Actor {
  role: 'lead' | 'admin';
}

/** A tenant's review settings and their version (the ETag; 0 until first edited). */
export interface VersionedReviewSettings {
  settings: ReviewSettings;
  version: number;
}

/** A write that is safe to retry: the key replays the stored answer; another body with it is refused. */
export interface Idempotent {
  key: string;
  /** The route it was sent to (keys are scoped to tenant, caller, route). */
  route: string;
}

export interface StoredAnswer<T> {
  status: number;
  body: T;
  /** True when this is a replay of an earlier answer for the same key. */
  replayed: boolean;
}

export interface ReviewResult {
  state: ReviewState;
  review: Review;
}

/** A customer to put in the queue (from a score saying REVIEW or a POTENTIALLY_ label). */
export interface QueueCandidate {
  customerId: string;
  name?: string;
  score?: number;
  action?: Action;
  label?: Label;
  reason: string;
  /** Epoch ms the reason arose (default now). */
  at?: number;
}

export interface QueueQuery {
  sort: Exclude<QueueSort, 'risk'>;
  limit: number;
  offset: number;
  /** Only items claimed by this subject ('me'), only unclaimed, or all. */
  assignee?: string | 'unassigned';
  /** Only items past (breached) or near their SLA. */
  sla?: 'near' | 'breached';
}

export interface QueueRow {
  state: ReviewState;
  name: string | null;
  score: number | null;
}

/** What the outbox carries to the search index, the graph and the live bus. */
export interface ReviewChange {
  outboxId: number;
  tenant: string;
  customerId: string;
  action: Action | null;
  label: Label | null;
  status: ReviewState['status'];
  version: number;
  reviewId: string | null;
  by: string;
}

/** The calls safe to repeat: guardStore retries them when the store was briefly unavailable (adapters/retry.ts). */
export const REVIEW_READS = [
  'listTenants',
  'listNotes',
  'reviewSettings',
  'editableReviewSettings',
  'reviewState',
  'queue',
  'queueCandidates',
] as const satisfies readonly (keyof ReviewStore)[];

export interface ReviewStore {
  ensureTenant(id: string, name: string): Promise<void>;
  listTenants(): Promise<{ id: string; name: string }[]>;
  listNotes(tenant: string, customerId: string, limit: number): Promise<Note[]>;
  /**
   * Adds a note; the client-chosen id makes a retry safe: the same id and body return the stored
   * note (created false), the same id with another body is a conflict.
   */
  addNote(
    tenant: string,
    actor: Actor,
    note: { id: string; customerId: string; body: string },
  ): Promise<{ note: Note; created: boolean } | { conflict: true }>;
  reviewSettings(tenant: string): Promise<ReviewSettings>;
  /** The settings as stored now, with their version, for editing. */
  editableReviewSettings(tenant: string): Promise<VersionedReviewSettings>;
  /**
   * Replaces the settings if still at version `ifMatch` (VersionMismatch with the current ones
   * otherwise); audited in the same transaction; with a key, a retry replays the stored answer.
   */
  updateReviewSettings(
    tenant: string,
    editor: SettingsEditor,
    ifMatch: number,
    settings: ReviewSettings,
    idempotent?: Idempotent,
  ): Promise<StoredAnswer<VersionedReviewSettings>>;
  reviewState(tenant: string, customerId: string): Promise<ReviewState>;
  /** The review history, newest first, with `undoable` worked out for `viewer`. */
  listReviews(
    tenant: string,
    customerId: string,
    viewer: Actor,
    limit: number,
  ): Promise<{ state: ReviewState; reviews: Review[] }>;
  /**
   * Records a decision and/or label (or a reopen, or an undo). `ifMatch` is the version the
   * reviewer read: VersionMismatch when it moved on. Audit row, outbox row, idempotency answer in
   * the same transaction.
   */
  review(
    tenant: string,
    reviewer: Reviewer,
    customerId: string,
    ifMatch: number,
    input: NewReview,
    idempotent: Idempotent,
  ): Promise<StoredAnswer<ReviewResult>>;
  /** Puts customers in the queue; customers already queued get their score refreshed. */
  enqueue(tenant: string, candidates: QueueCandidate[]): Promise<number>;
  queue(tenant: string, query: QueueQuery, now?: number): Promise<{ rows: QueueRow[]; total: number }>;
  /** The open (or expired-claim) items, for ranking by network risk in the service. */
  queueCandidates(tenant: string, limit: number): Promise<QueueRow[]>;
  claim(tenant: string, reviewer: Reviewer, customerId: string): Promise<ReviewState>;
  release(tenant: string, reviewer: Reviewer, customerId: string): Promise<ReviewState>;
  reassign(
    tenant: string,
    reviewer: Reviewer,
    customerId: string,
    to: { sub: string; email: string },
    reason: string,
  ): Promise<ReviewState>;
  /**
   * Claims the next item atomically: by age or score in SQL, or the first of `order` (customer ids
   * ranked by the caller) that is still free. Null when nothing is left.
   */
  next(
    tenant: string,
    reviewer: Reviewer,
    sort: Exclude<QueueSort, 'risk'> | { order: string[] },
  ): Promise<ReviewState | null>;
  /** Labels customers as one batch: one transaction, one review and one audit row each. */
  applyBatch(
    tenant: string,
    reviewer: Reviewer,
    batch: { label: Label; customerIds: string[]; reason?: string; reasonText?: string; request?: unknown },
    idempotent: Idempotent,
  ): Promise<StoredAnswer<ClusterBatch>>;
  /** Restores each customer of the batch whose label is still the batch's; the others are reported. */
  revertBatch(tenant: string, reviewer: Reviewer, batchId: string): Promise<ClusterBatch>;
  /** Outbox rows not yet applied, oldest first (every tenant). */
  /**
   * Leases up to `limit` outbox rows not yet applied (every tenant), oldest first: only the oldest
   * pending row of each customer, and none leased by another follower, so followers of several
   * replicas apply each row once and a customer's changes in order. A lease lapses after a while
   * (a follower that died); markApplied, markFailed and releaseChanges end it.
   */
  leaseChanges(limit: number): Promise<ReviewChange[]>;
  markApplied(outboxId: number): Promise<void>;
  /** Counts the failed attempt and ends the lease: the row is retried, by this follower or another. */
  markFailed(outboxId: number, error: string): Promise<void>;
  /** Ends the leases of rows this follower will not apply now. */
  releaseChanges(outboxIds: number[]): Promise<void>;
  /**
   * Audits a refused cross-tenant attempt in the tenant that was asked for (outcome 'failure').
   * Writes nothing when that tenant does not exist: there is no tenant log to write to, and no data.
   */
  recordAccessDenied(tenant: string, actor: Actor, attempt: { route: string; path: string }): Promise<void>;
  /** Calls listener after each commit that wrote outbox rows; returns the unsubscribe function. */
  onOutbox?(listener: () => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
