// ReviewStore on PostgreSQL: the same code for node-postgres and PGlite (see db/database.ts).
import { createHash, randomUUID } from 'node:crypto';
import type {
  Action,
  ClusterBatch,
  Label,
  NewReview,
  Review,
  ReviewSettings,
  ReviewState,
} from '@redoubt/contracts/api';
import { canonicalLabel } from '@redoubt/contracts/api';
import type { Database, Queryable, Statement, Transaction } from '../../db/database.ts';
import type {
  Actor,
  Idempotent,
  Note,
  QueueCandidate,
  QueueQuery,
  QueueRow,
  ReviewChange,
  ReviewResult,
  Reviewer,
  ReviewStore,
  SettingsEditor,
  StoredAnswer,
  VersionedReviewSettings,
} from '../../ports/review-store.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unprocessable, VersionMismatch } from '../../domain/errors.ts';
import { transition } from '../../domain/review-state.ts';
import type { MachineState, ReviewEvent, ReviewStatus } from '../../domain/review-state.ts';

interface NoteRow {
  id: string;
  customer_id: string;
  author_email: string;
  body: string;
  created_at: Date | string;
}

const toNote = (r: NoteRow): Note => ({
  id: r.id,
  customerId: r.customer_id,
  authorEmail: r.author_email,
  body: r.body,
  createdAt: new Date(r.created_at).toISOString(),
});

export interface AuditEntryInput {
  action: string;
  objectType: string;
  objectId: string;
  outcome?: 'success' | 'failure';
  before?: unknown;
  after?: unknown;
}

/**
 * The audit row's INSERT. Its trigger takes the tenant's chain lock (migration 012), held until
 * commit: writers send it last, with the commit (Transaction.commitWith), so the chain is held for
 * the insert and the commit only.
 */
export function auditStatement(tenant: string, actor: Actor, entry: AuditEntryInput): Statement {
  return {
    sql: `INSERT INTO audit_log (tenant_id, actor_sub, actor_email, action, outcome, object_type, object_id, request_id, client_ip, before, after, caller_request_id, actor_role)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    params: [
      tenant,
      actor.sub,
      actor.email,
      entry.action,
      entry.outcome ?? 'success',
      entry.objectType,
      entry.objectId,
      actor.requestId ?? null,
      actor.clientIp ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.callerRequestId ?? null,
      // Reviewers and audit readers carry the role they act as in this tenant (migration 011).
      'role' in actor && typeof actor.role === 'string' ? actor.role : null,
    ],
  };
}

export async function audit(tx: Queryable, tenant: string, actor: Actor, entry: AuditEntryInput): Promise<void> {
  const { sql, params } = auditStatement(tenant, actor, entry);
  await tx.query(sql, params);
}

/** Reasons offered until a tenant configures its own (review_settings.reasons). */
export const DEFAULT_REASONS: ReviewSettings['reasons'] = [
  { id: 'confirmed-fraud', text: 'Confirmed fraud (chargeback, stolen card)' },
  { id: 'linked-to-fraud', text: 'Linked to known fraudsters' },
  { id: 'account-takeover', text: 'Account takeover' },
  { id: 'verified-genuine', text: 'Verified genuine (contact, documents)' },
  { id: 'false-positive', text: 'False positive of the score' },
  { id: 'needs-more-data', text: 'Needs more data' },
  { id: 'other', text: 'Other (see text)' },
];

/** How long a follower's lease on outbox rows lasts if it neither applies nor releases them (it died). */
const OUTBOX_LEASE_MS = 30_000;

/** How long a tenant's review settings are reused before being read again. */
const SETTINGS_TTL_MS = 5_000;

const STATE_COLUMNS = `customer_id, status, version, action, label, score, name, assignee_sub, assignee_email,
  claim_expires_at, queued_at, queue_reason, updated_at, updated_by_sub, updated_by_email, last_review_id`;

interface StateRow {
  customer_id: string;
  status: ReviewStatus;
  version: number;
  action: Action | null;
  label: Label | null;
  score: number | null;
  name: string | null;
  assignee_sub: string | null;
  assignee_email: string | null;
  claim_expires_at: Date | string | null;
  queued_at: Date | string | null;
  queue_reason: string | null;
  updated_at: Date | string | null;
  updated_by_sub: string | null;
  updated_by_email: string | null;
  last_review_id: string | null;
}

/** An Idempotency-Key's stored answer. */
interface StoredKey<T> {
  request_hash: string;
  status_code: number;
  response: T;
}

interface ReviewRow {
  id: string;
  customer_id: string;
  kind: Review['kind'];
  actor_sub: string;
  actor_email: string;
  action: Action | null;
  label: Label | null;
  reason: string | null;
  reason_text: string | null;
  note: string | null;
  before: Review['before'];
  after: Review['after'];
  version: number;
  undoes: string | null;
  batch_id: string | null;
  created_at: Date | string;
}

const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());

function toState(r: StateRow): ReviewState {
  return {
    customerId: r.customer_id,
    status: r.status,
    version: r.version,
    action: r.action,
    label: canonicalLabel(r.label),
    assignee: r.assignee_sub ? { sub: r.assignee_sub, email: r.assignee_email ?? '' } : null,
    claimExpiresAt: isoOrNull(r.claim_expires_at),
    queuedAt: isoOrNull(r.queued_at),
    queueReason: r.queue_reason,
    updatedAt: isoOrNull(r.updated_at),
    updatedBy: r.updated_by_sub ? { sub: r.updated_by_sub, email: r.updated_by_email ?? '' } : null,
  };
}

function emptyState(customerId: string): ReviewState {
  return toState({
    customer_id: customerId,
    status: 'none',
    version: 0,
    action: null,
    label: null,
    score: null,
    name: null,
    assignee_sub: null,
    assignee_email: null,
    claim_expires_at: null,
    queued_at: null,
    queue_reason: null,
    updated_at: null,
    updated_by_sub: null,
    updated_by_email: null,
    last_review_id: null,
  });
}

function toReview(r: ReviewRow, undoable = false): Review {
  return {
    id: r.id,
    customerId: r.customer_id,
    at: new Date(r.created_at).toISOString(),
    reviewer: { sub: r.actor_sub, email: r.actor_email },
    kind: r.kind,
    action: r.action,
    label: canonicalLabel(r.label),
    reason: r.reason,
    reasonText: r.reason_text,
    note: r.note,
    before: { ...r.before, label: canonicalLabel(r.before.label) },
    after: { ...r.after, label: canonicalLabel(r.after.label) },
    version: r.version,
    undoes: r.undoes,
    batchId: r.batch_id,
    undoable,
  };
}

const machineOf = (r: StateRow): MachineState => ({
  status: r.status,
  assignee: r.assignee_sub ? { sub: r.assignee_sub, email: r.assignee_email ?? '' } : null,
  claimExpiresAt: ms(r.claim_expires_at),
});

/** Key order does not change a request: hash the canonical JSON. */
function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export interface ReviewStoreOptions {
  /** Test hooks that throw to prove a write is all-or-nothing. Never set in production. */
  faults?: { afterReviewInsert?: () => void | Promise<void> };
}

export class SqlReviewStore implements ReviewStore {
  readonly db: Database;
  readonly #faults: ReviewStoreOptions['faults'];
  readonly #outboxListeners = new Set<() => void>();
  constructor(db: Database, options: ReviewStoreOptions = {}) {
    this.db = db;
    this.#faults = options.faults;
  }

  /** Called after each commit that wrote outbox rows (the follower drains then). */
  onOutbox(listener: () => void): () => void {
    this.#outboxListeners.add(listener);
    return () => this.#outboxListeners.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#outboxListeners) {
      try {
        listener();
      } catch {
        // A failing follower is retried by its own timer; the write has committed.
      }
    }
  }

  async ensureTenant(id: string, name: string): Promise<void> {
    await this.db.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
  }

  async listTenants(): Promise<{ id: string; name: string }[]> {
    return (await this.db.query<{ id: string; name: string }>('SELECT id, name FROM tenants ORDER BY id')).rows;
  }

  listNotes(tenant: string, customerId: string, limit: number): Promise<Note[]> {
    return this.db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<NoteRow>(
        `SELECT id, customer_id, author_email, body, created_at FROM notes
         WHERE customer_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
        [customerId, limit],
      );
      return rows.map(toNote);
    });
  }

  addNote(
    tenant: string,
    actor: Actor,
    note: { id: string; customerId: string; body: string },
  ): Promise<{ note: Note; created: boolean } | { conflict: true }> {
    return this.db.withTenant(tenant, async (tx) => {
      const inserted = await tx.query<NoteRow>(
        `INSERT INTO notes (tenant_id, id, customer_id, author_sub, author_email, body)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, id) DO NOTHING
         RETURNING id, customer_id, author_email, body, created_at`,
        [tenant, note.id, note.customerId, actor.sub, actor.email, note.body],
      );
      if (inserted.rows[0]) {
        const created = toNote(inserted.rows[0]);
        await audit(tx, tenant, actor, {
          action: 'note.add',
          objectType: 'customer',
          objectId: note.customerId,
          after: created,
        });
        return { note: created, created: true };
      }
      const existing = await tx.query<NoteRow & { author_sub: string }>(
        'SELECT id, customer_id, author_sub, author_email, body, created_at FROM notes WHERE id = $1',
        [note.id],
      );
      const row = existing.rows[0];
      if (row && row.customer_id === note.customerId && row.body === note.body && row.author_sub === actor.sub) {
        return { note: toNote(row), created: false };
      }
      return { conflict: true };
    });
  }

  async recordAccessDenied(tenant: string, actor: Actor, attempt: { route: string; path: string }): Promise<void> {
    // An unknown tenant has no audit log (tenant_id references tenants) and nothing to protect.
    const known = await this.db.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
    if (known.rows.length === 0) return;
    await this.db.withTenant(tenant, (tx) =>
      audit(tx, tenant, actor, {
        action: 'access.denied',
        outcome: 'failure',
        objectType: 'route',
        objectId: attempt.route,
        after: { path: attempt.path },
      }),
    );
  }

  // ---- reviews ----

  /** Settings change rarely and every write reads them: kept per tenant for a few seconds. */
  readonly #settingsCache = new Map<string, { value: ReviewSettings; until: number }>();

  async #settings(tx: Queryable, tenant?: string): Promise<ReviewSettings> {
    const cached = tenant === undefined ? undefined : this.#settingsCache.get(tenant);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = await this.#readSettings(tx);
    if (tenant !== undefined) this.#settingsCache.set(tenant, { value, until: Date.now() + SETTINGS_TTL_MS });
    return value;
  }

  async #readSettings(tx: Queryable, lock = false): Promise<ReviewSettings> {
    return (await this.#readVersionedSettings(tx, lock)).settings;
  }

  async #readVersionedSettings(tx: Queryable, lock = false): Promise<VersionedReviewSettings> {
    const { rows } = await tx.query<{
      sla_hours: string | number;
      claim_idle_minutes: string | number;
      undo_minutes: string | number;
      reasons: ReviewSettings['reasons'] | null;
      version: number;
    }>(
      `SELECT sla_hours, claim_idle_minutes, undo_minutes, reasons, version FROM review_settings${lock ? ' FOR UPDATE' : ''}`,
    );
    const r = rows[0];
    return {
      settings: {
        slaHours: r ? Number(r.sla_hours) : 24,
        claimIdleMinutes: r ? Number(r.claim_idle_minutes) : 30,
        undoMinutes: r ? Number(r.undo_minutes) : 10,
        reasons: r?.reasons ?? DEFAULT_REASONS,
      },
      version: r?.version ?? 0,
    };
  }

  reviewSettings(tenant: string): Promise<ReviewSettings> {
    return this.db.withTenant(tenant, (tx) => this.#settings(tx, tenant));
  }

  /** The settings as stored now (not cached) with their version, for editing. */
  editableReviewSettings(tenant: string): Promise<VersionedReviewSettings> {
    return this.db.withTenant(tenant, (tx) => this.#readVersionedSettings(tx));
  }

  /**
   * Replaces a tenant's review settings if they are still at `ifMatch` (VersionMismatch with the
   * current ones otherwise), audited in the same transaction; with a key, a retry replays the answer.
   */
  updateReviewSettings(
    tenant: string,
    actor: SettingsEditor,
    ifMatch: number,
    settings: ReviewSettings,
    idempotent?: Idempotent,
  ): Promise<StoredAnswer<VersionedReviewSettings>> {
    const hash = requestHash({ ifMatch, settings });
    return this.db.withTenant(tenant, async (tx) => {
      if (idempotent) {
        const replayed = await this.#replay<VersionedReviewSettings>(tx, tenant, actor, idempotent, hash);
        if (replayed) return replayed;
      }
      // The row (created at version 0, the defaults, on the first edit) locked for this transaction.
      await tx.query('INSERT INTO review_settings (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING', [
        tenant,
      ]);
      const current = await this.#readVersionedSettings(tx, true);
      if (current.version !== ifMatch) {
        throw new VersionMismatch(
          `The review settings changed since you read them (version ${ifMatch}); they are at version ${current.version}`,
          current,
        );
      }
      const { rows } = await tx.query<{ version: number }>(
        `UPDATE review_settings SET sla_hours = $2, claim_idle_minutes = $3, undo_minutes = $4, reasons = $5,
           version = version + 1 WHERE tenant_id = $1 RETURNING version`,
        [tenant, settings.slaHours, settings.claimIdleMinutes, settings.undoMinutes, JSON.stringify(settings.reasons)],
      );
      const body: VersionedReviewSettings = { settings, version: rows[0]!.version };
      const statements: Statement[] = [
        auditStatement(tenant, actor, {
          action: 'review.settings',
          objectType: 'review_settings',
          objectId: tenant,
          before: current,
          after: body,
        }),
      ];
      if (idempotent) {
        statements.unshift({
          sql: `INSERT INTO idempotency_keys (tenant_id, actor_sub, route, key, request_hash, status_code, response)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          params: [tenant, actor.sub, idempotent.route, idempotent.key, hash, 200, JSON.stringify(body)],
        });
      }
      await tx.commitWith(statements);
      this.#settingsCache.delete(tenant);
      return { status: 200, body, replayed: false };
    });
  }

  /** Sets a tenant's review settings (operators and tests; the route is updateReviewSettings). */
  configureReviews(tenant: string, settings: Partial<ReviewSettings>): Promise<void> {
    return this.db.withTenant(tenant, async (tx) => {
      this.#settingsCache.delete(tenant);
      const current = await this.#readSettings(tx);
      const next = { ...current, ...settings };
      await tx.query(
        `INSERT INTO review_settings (tenant_id, sla_hours, claim_idle_minutes, undo_minutes, reasons, version)
         VALUES ($1, $2, $3, $4, $5, 1)
         ON CONFLICT (tenant_id) DO UPDATE SET sla_hours = $2, claim_idle_minutes = $3, undo_minutes = $4, reasons = $5,
           version = review_settings.version + 1`,
        [tenant, next.slaHours, next.claimIdleMinutes, next.undoMinutes, JSON.stringify(next.reasons)],
      );
      this.#settingsCache.delete(tenant);
    });
  }

  async #stateRow(tx: Queryable, customerId: string, lock: boolean): Promise<StateRow | undefined> {
    const { rows } = await tx.query<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM review_state WHERE customer_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [customerId],
    );
    return rows[0];
  }

  /** The row, created as 'none' if the customer has none yet, locked for this transaction. */
  async #lockState(tx: Queryable, tenant: string, customerId: string): Promise<StateRow> {
    const { sql, params } = this.#lockStateStatement(tenant, customerId);
    return (await tx.query<StateRow>(sql, params)).rows[0]!;
  }

  #lockStateStatement(tenant: string, customerId: string): Statement {
    // The no-op DO UPDATE locks an existing row and returns it, like FOR UPDATE.
    return {
      sql: `INSERT INTO review_state AS s (tenant_id, customer_id, status) VALUES ($1, $2, 'none')
       ON CONFLICT (tenant_id, customer_id) DO UPDATE SET status = s.status
       RETURNING ${STATE_COLUMNS}`,
      params: [tenant, customerId],
    };
  }

  reviewState(tenant: string, customerId: string): Promise<ReviewState> {
    return this.db.withTenant(tenant, async (tx) => {
      const row = await this.#stateRow(tx, customerId, false);
      return row ? toState(row) : emptyState(customerId);
    });
  }

  async #lastReview(tx: Queryable, customerId: string): Promise<ReviewRow | undefined> {
    const { rows } = await tx.query<ReviewRow>(
      'SELECT * FROM reviews WHERE customer_id = $1 ORDER BY seq DESC LIMIT 1',
      [customerId],
    );
    return rows[0];
  }

  listReviews(
    tenant: string,
    customerId: string,
    viewer: Actor,
    limit: number,
  ): Promise<{ state: ReviewState; reviews: Review[] }> {
    return this.db.withTenant(tenant, async (tx) => {
      const row = await this.#stateRow(tx, customerId, false);
      const settings = await this.#settings(tx, tenant);
      const { rows } = await tx.query<ReviewRow>(
        'SELECT * FROM reviews WHERE customer_id = $1 ORDER BY seq DESC LIMIT $2',
        [customerId, limit],
      );
      const now = Date.now();
      return {
        state: row ? toState(row) : emptyState(customerId),
        reviews: rows.map((r, i) =>
          toReview(r, i === 0 && this.#undoable(r, row, viewer, settings, now) === undefined),
        ),
      };
    });
  }

  /** Why `viewer` may not undo review `r` now, or undefined when they may. */
  #undoable(
    r: ReviewRow,
    state: StateRow | undefined,
    viewer: Actor,
    settings: ReviewSettings,
    now: number,
  ): string | undefined {
    if (r.actor_sub !== viewer.sub) return 'only the reviewer who made it may undo a review';
    if (r.kind !== 'decision') return 'only a decision can be undone';
    if (!state || state.last_review_id !== r.id) return 'only the latest review of the customer can be undone';
    if (now - new Date(r.created_at).getTime() > settings.undoMinutes * 60_000) {
      return `the undo window of ${settings.undoMinutes} minutes has passed`;
    }
    return undefined;
  }

  /**
   * Replays the stored answer for an Idempotency-Key, refuses the key with another body, or returns
   * undefined for a new key. A per-key advisory lock makes concurrent retries wait for the first.
   */
  async #replay<T>(
    tx: Queryable,
    tenant: string,
    actor: Actor,
    idempotent: Idempotent,
    hash: string,
  ): Promise<StoredAnswer<T> | undefined> {
    const [lock, read] = this.#replayStatements(tenant, actor, idempotent);
    await tx.query(lock.sql, lock.params);
    const { rows } = await tx.query<StoredKey<T>>(read.sql, read.params);
    return this.#replayed(rows[0], hash);
  }

  /**
   * The key's advisory lock, then the read of its stored answer: two statements, so the read's
   * snapshot is taken after the lock is granted and sees the answer of a retry that held it.
   */
  #replayStatements(tenant: string, actor: Actor, idempotent: Idempotent): [Statement, Statement] {
    return [
      {
        sql: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
        params: [JSON.stringify([tenant, actor.sub, idempotent.route, idempotent.key])],
      },
      {
        sql: 'SELECT request_hash, status_code, response FROM idempotency_keys WHERE actor_sub = $1 AND route = $2 AND key = $3',
        params: [actor.sub, idempotent.route, idempotent.key],
      },
    ];
  }

  /** The stored answer to replay, a 422 for the key with another body, or undefined for a new key. */
  #replayed<T>(stored: StoredKey<T> | undefined, hash: string): StoredAnswer<T> | undefined {
    if (!stored) return undefined;
    if (stored.request_hash !== hash) {
      throw new Unprocessable('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request', [
        { field: '/headers/idempotency-key', reason: 'was already used with a different request body' },
      ]);
    }
    return { status: stored.status_code, body: stored.response, replayed: true };
  }

  /** The outbox row, and with `answer` the idempotency row in the same statement (one round trip). */
  async #outbox(
    tx: Queryable,
    tenant: string,
    state: ReviewState,
    reviewId: string | null,
    by: string,
    answer?: { actor: Actor; idempotent: Idempotent; hash: string; status: number; body: unknown },
  ): Promise<void> {
    const { sql, params } = this.#outboxStatement(tenant, state, reviewId, by, answer);
    await tx.query(sql, params);
  }

  #outboxStatement(
    tenant: string,
    state: ReviewState,
    reviewId: string | null,
    by: string,
    answer?: { actor: Actor; idempotent: Idempotent; hash: string; status: number; body: unknown },
  ): Statement {
    const payload = JSON.stringify({
      action: state.action,
      label: state.label,
      status: state.status,
      version: state.version,
      reviewId,
      by,
    });
    if (!answer) {
      return {
        sql: 'INSERT INTO review_outbox (tenant_id, customer_id, payload) VALUES ($1, $2, $3)',
        params: [tenant, state.customerId, payload],
      };
    }
    return {
      sql: `WITH outbox AS (INSERT INTO review_outbox (tenant_id, customer_id, payload) VALUES ($1, $2, $3))
       INSERT INTO idempotency_keys (tenant_id, actor_sub, route, key, request_hash, status_code, response)
       VALUES ($1, $4, $5, $6, $7, $8, $9)`,
      params: [
        tenant,
        state.customerId,
        payload,
        answer.actor.sub,
        answer.idempotent.route,
        answer.idempotent.key,
        answer.hash,
        answer.status,
        JSON.stringify(answer.body),
      ],
    };
  }

  /** Writes the new state row (#nextRow) and returns it. */
  async #writeState(
    tx: Queryable,
    row: StateRow,
    next: MachineState,
    actor: Actor,
    change: { action: Action | null; label: Label | null; reviewId?: string | null; now: number },
  ): Promise<StateRow> {
    const { sql, params } = this.#writeStateStatement(this.#nextRow(row, next, actor, change));
    return (await tx.query<StateRow>(sql, params)).rows[0]!;
  }

  /**
   * The row an event leaves: the machine's status and assignee, version + 1, queued since the first
   * time it entered the queue. Computed here, so a write can answer without reading the row back:
   * the callers hold the row locked, so it is exactly what #writeStateStatement writes.
   */
  #nextRow(
    row: StateRow,
    next: MachineState,
    actor: Actor,
    change: { action: Action | null; label: Label | null; reviewId?: string | null; now: number },
  ): StateRow {
    const now = new Date(change.now);
    return {
      ...row,
      status: next.status,
      version: row.version + 1,
      action: change.action,
      label: change.label,
      assignee_sub: next.assignee?.sub ?? null,
      assignee_email: next.assignee?.email ?? null,
      claim_expires_at: next.claimExpiresAt === null ? null : new Date(next.claimExpiresAt),
      queued_at: next.status === 'open' || next.status === 'claimed' ? (row.queued_at ?? now) : row.queued_at,
      updated_at: now,
      updated_by_sub: actor.sub,
      updated_by_email: actor.email,
      last_review_id: change.reviewId ?? row.last_review_id,
    };
  }

  #writeStateStatement(written: StateRow): Statement {
    return {
      sql: `UPDATE review_state SET status = $2, version = $3, action = $4, label = $5,
         assignee_sub = $6, assignee_email = $7, claim_expires_at = $8, queued_at = $9,
         updated_at = $10, updated_by_sub = $11, updated_by_email = $12, last_review_id = $13
       WHERE customer_id = $1 RETURNING ${STATE_COLUMNS}`,
      params: [
        written.customer_id,
        written.status,
        written.version,
        written.action,
        written.label,
        written.assignee_sub,
        written.assignee_email,
        written.claim_expires_at,
        written.queued_at,
        written.updated_at,
        written.updated_by_sub,
        written.updated_by_email,
        written.last_review_id,
      ],
    };
  }

  review(
    tenant: string,
    reviewer: Reviewer,
    customerId: string,
    ifMatch: number,
    input: NewReview,
    idempotent: Idempotent,
  ): Promise<StoredAnswer<ReviewResult>> {
    const hash = requestHash({ customerId, ifMatch, input });
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) => {
        // Two round trips: BEGIN (db/database.ts) with the key's lock, its stored answer and the
        // customer's row locked; then the review, the new state, the outbox, key and audit rows
        // with the commit. The audit chain's lock (migration 012) is taken by the last statement
        // before COMMIT, in the same message, so concurrent writers queue on it for the commit only.
        const [lockKey, readKey] = this.#replayStatements(tenant, reviewer, idempotent);
        const [, keys, locked] = await tx.batch<[object, StoredKey<ReviewResult>, StateRow]>([
          lockKey,
          readKey,
          this.#lockStateStatement(tenant, customerId),
        ]);
        const replayed = this.#replayed(keys.rows[0], hash);
        if (replayed) return replayed;
        const settings = await this.#settings(tx, tenant);
        if (input.reason !== undefined && !settings.reasons.some((r) => r.id === input.reason)) {
          throw new InvalidInput(
            '/body/reason',
            `is not one of this tenant's reasons (${settings.reasons.map((r) => r.id).join(', ')})`,
          );
        }
        const hasChange = input.action !== undefined || input.label !== undefined;
        if (!hasChange && !input.reopen && !input.undo) {
          throw new InvalidInput('/body', 'needs an action, a label, reopen or undo');
        }
        if (input.undo && (hasChange || input.reopen)) {
          throw new InvalidInput('/body/undo', 'cannot be combined with action, label or reopen');
        }
        const row = locked.rows[0]!;
        if (row.version !== ifMatch) {
          const last = await this.#lastReview(tx, customerId);
          const by = row.updated_by_email ?? 'someone';
          throw new VersionMismatch(
            `The review changed since you read it (version ${ifMatch}); ${by} made version ${row.version}`,
            {
              state: toState(row),
              lastReview: last ? toReview(last) : null,
            },
          );
        }
        const now = Date.now();
        const before = { status: row.status, action: row.action, label: row.label };
        let kind: Review['kind'] = 'decision';
        let event: ReviewEvent = 'decide';
        let action = input.action ?? row.action;
        let label = input.label !== undefined ? input.label : row.label;
        let undone: ReviewRow | undefined;
        if (input.undo) {
          undone = (
            await tx.query<ReviewRow>('SELECT * FROM reviews WHERE id = $1 AND customer_id = $2', [
              input.undo,
              customerId,
            ])
          ).rows[0];
          if (!undone) throw new NotFound(`No review ${input.undo} of customer "${customerId}"`);
          const why = this.#undoable(undone, row, reviewer, settings, now);
          if (why) throw new Conflict('UNDO_REFUSED', `Cannot undo: ${why}`);
          kind = 'undo';
          action = undone.before.action;
          label = undone.before.label;
          event = undone.before.status === 'decided' ? 'decide' : 'reopen';
        } else if (input.reopen) {
          kind = 'reopen';
          event = 'reopen';
        }
        const next = transition(machineOf(row), {
          event,
          actor: reviewer,
          now,
          ...(kind === 'undo' ? { reason: 'undo' } : { reason: input.reasonText ?? input.reason ?? '' }),
        });
        const reviewId = randomUUID();
        const after = { status: next.status, action, label };
        // The answer is built before the write (the row is locked: #nextRow is what the UPDATE
        // writes), so the writes go with the COMMIT and a review is two round trips.
        const inserted: ReviewRow = {
          id: reviewId,
          customer_id: customerId,
          kind,
          actor_sub: reviewer.sub,
          actor_email: reviewer.email,
          action,
          label,
          reason: input.reason ?? null,
          reason_text: input.reasonText ?? null,
          note: input.note ?? null,
          before,
          after,
          version: row.version + 1,
          undoes: undone?.id ?? null,
          batch_id: null,
          created_at: new Date(now),
        };
        const written = this.#nextRow(row, next, reviewer, { action, label, reviewId, now });
        const state = toState(written);
        const review = toReview(inserted, kind === 'decision' && settings.undoMinutes > 0);
        const body: ReviewResult = { state, review };
        const writes: Statement[] = [
          {
            sql: `INSERT INTO reviews (tenant_id, id, customer_id, kind, actor_sub, actor_email, action, label, reason, reason_text, note, before, after, version, undoes, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
            params: [
              tenant,
              inserted.id,
              customerId,
              inserted.kind,
              inserted.actor_sub,
              inserted.actor_email,
              inserted.action,
              inserted.label,
              inserted.reason,
              inserted.reason_text,
              inserted.note,
              JSON.stringify(before),
              JSON.stringify(after),
              inserted.version,
              inserted.undoes,
              inserted.created_at,
            ],
          },
          this.#writeStateStatement(written),
        ];
        const rest = [
          this.#outboxStatement(tenant, state, reviewId, reviewer.email, {
            actor: reviewer,
            idempotent,
            hash,
            status: 201,
            body,
          }),
          auditStatement(tenant, reviewer, {
            action: `review.${kind}`,
            objectType: 'customer',
            objectId: customerId,
            before: { ...before, version: row.version },
            after: { ...after, version: state.version, reviewId, reason: input.reason ?? null },
          }),
        ];
        const fault = this.#faults?.afterReviewInsert;
        if (fault) {
          // The contract suite's failure between the review's insert and the commit: the same
          // statements in the same transaction, split around the hook.
          await tx.batch(writes);
          await fault();
          await tx.commitWith(rest);
        } else {
          await tx.commitWith([...writes, ...rest]);
        }
        return { status: 201, body, replayed: false };
      }),
    );
  }

  async #afterCommit<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    this.#notify();
    return result;
  }

  // ---- the queue ----

  async enqueue(tenant: string, candidates: QueueCandidate[]): Promise<number> {
    if (candidates.length === 0) return 0;
    const now = Date.now();
    // The SQL form of the machine's `enqueue` (none → open) for many customers at once; customers
    // already queued, claimed or decided keep their state and only get the fresher score and name.
    const { rows } = await this.db.withTenant(tenant, (tx) =>
      tx.query<{ n: string }>(
        `WITH input AS (
           SELECT * FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
             AS t(customer_id, name, score, action, label, queued_at, queue_reason)
         ), upserted AS (
           INSERT INTO review_state AS s (tenant_id, customer_id, status, version, name, score, action, label, queued_at, queue_reason)
           SELECT $1, customer_id, 'open', 1, name, score, action, label, queued_at, queue_reason FROM input
           ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
             score = COALESCE(EXCLUDED.score, s.score),
             name = COALESCE(EXCLUDED.name, s.name),
             version = CASE WHEN s.status = 'none' THEN s.version + 1 ELSE s.version END,
             queued_at = CASE WHEN s.status = 'none' THEN EXCLUDED.queued_at ELSE s.queued_at END,
             queue_reason = CASE WHEN s.status = 'none' THEN EXCLUDED.queue_reason ELSE s.queue_reason END,
             status = CASE WHEN s.status = 'none' THEN 'open' ELSE s.status END
           RETURNING 1
         ) SELECT count(*) AS n FROM upserted`,
        [
          tenant,
          candidates.map((c) => c.customerId),
          candidates.map((c) => c.name ?? null),
          candidates.map((c) => c.score ?? null),
          candidates.map((c) => c.action ?? null),
          candidates.map((c) => c.label ?? null),
          candidates.map((c) => new Date(c.at ?? now).toISOString()),
          candidates.map((c) => c.reason),
        ],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  queue(tenant: string, query: QueueQuery, now = Date.now()): Promise<{ rows: QueueRow[]; total: number }> {
    return this.db.withTenant(tenant, async (tx) => {
      const settings = await this.#settings(tx, tenant);
      const where = [`status IN ('open', 'claimed')`];
      const params: unknown[] = [];
      const param = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      if (query.assignee === 'unassigned') {
        where.push(`(status = 'open' OR claim_expires_at < ${param(new Date(now))})`);
      } else if (query.assignee) {
        where.push(`status = 'claimed' AND assignee_sub = ${param(query.assignee)}`);
      }
      if (query.sla) {
        const fraction = query.sla === 'breached' ? 1 : 0.8;
        where.push(`queued_at < ${param(new Date(now - settings.slaHours * 3_600_000 * fraction))}`);
      }
      const order = query.sort === 'score' ? 'score DESC NULLS LAST, queued_at, customer_id' : 'queued_at, customer_id';
      const { rows } = await tx.query<StateRow & { total: string }>(
        `SELECT ${STATE_COLUMNS}, count(*) OVER () AS total FROM review_state WHERE ${where.join(' AND ')}
         ORDER BY ${order} LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`,
        params,
      );
      return {
        rows: rows.map((r) => ({ state: toState(r), name: r.name, score: r.score })),
        total: rows[0] ? Number(rows[0].total) : 0,
      };
    });
  }

  queueCandidates(tenant: string, limit: number): Promise<QueueRow[]> {
    return this.db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<StateRow>(
        `SELECT ${STATE_COLUMNS} FROM review_state WHERE status IN ('open', 'claimed')
           AND (status = 'open' OR claim_expires_at < now())
         ORDER BY queued_at, customer_id LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({ state: toState(r), name: r.name, score: r.score }));
    });
  }

  /**
   * Runs one machine event on a locked row, with its outbox and audit rows, and commits: the new
   * state, the outbox row (built from the written row) and the audit row go with the COMMIT in one
   * round trip, so the audit chain's lock is held for no round trip (migration 012).
   */
  async #move(
    tx: Transaction,
    tenant: string,
    reviewer: Reviewer,
    row: StateRow,
    event: ReviewEvent,
    extra: { reason?: string; to?: { sub: string; email: string } } = {},
  ): Promise<ReviewState> {
    const settings = await this.#settings(tx, tenant);
    const now = Date.now();
    const next = transition(machineOf(row), {
      event,
      actor: reviewer,
      now,
      claimIdleMs: settings.claimIdleMinutes * 60_000,
      ...extra,
    });
    const update = this.#writeStateStatement(
      this.#nextRow(row, next, reviewer, { action: row.action, label: row.label, now }),
    );
    const params = update.params ?? [];
    const [written] = await tx.commitWith<[StateRow, object]>([
      {
        // The outbox payload is #outboxStatement's, read from the row the UPDATE wrote.
        sql: `WITH s AS (${update.sql}),
          o AS (INSERT INTO review_outbox (tenant_id, customer_id, payload)
            SELECT $${params.length + 1}, customer_id, jsonb_build_object('action', action, 'label', label,
              'status', status, 'version', version, 'reviewId', NULL, 'by', $${params.length + 2}::text) FROM s)
          SELECT * FROM s`,
        params: [...params, tenant, reviewer.email],
      },
      // The row is locked, so the UPDATE writes exactly this: version + 1, the machine's status and assignee.
      auditStatement(tenant, reviewer, {
        action: `queue.${event}`,
        objectType: 'customer',
        objectId: row.customer_id,
        before: { status: row.status, assignee: row.assignee_email, version: row.version },
        after: {
          status: next.status,
          assignee: next.assignee?.email ?? null,
          version: row.version + 1,
          ...(extra.reason ? { reason: extra.reason } : {}),
        },
      }),
    ]);
    return toState(written.rows[0]!);
  }

  async #queued(tx: Transaction, customerId: string): Promise<StateRow> {
    const [{ rows }] = await tx.batch<[StateRow]>([
      { sql: `SELECT ${STATE_COLUMNS} FROM review_state WHERE customer_id = $1 FOR UPDATE`, params: [customerId] },
    ]);
    const row = rows[0];
    if (!row || row.status === 'none') throw new NotFound(`Customer "${customerId}" is not in the queue`);
    return row;
  }

  claim(tenant: string, reviewer: Reviewer, customerId: string): Promise<ReviewState> {
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) =>
        this.#move(tx, tenant, reviewer, await this.#queued(tx, customerId), 'claim'),
      ),
    );
  }

  release(tenant: string, reviewer: Reviewer, customerId: string): Promise<ReviewState> {
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) =>
        this.#move(tx, tenant, reviewer, await this.#queued(tx, customerId), 'release'),
      ),
    );
  }

  reassign(
    tenant: string,
    reviewer: Reviewer,
    customerId: string,
    to: { sub: string; email: string },
    reason: string,
  ): Promise<ReviewState> {
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) =>
        this.#move(tx, tenant, reviewer, await this.#queued(tx, customerId), 'reassign', { reason, to }),
      ),
    );
  }

  next(
    tenant: string,
    reviewer: Reviewer,
    sort: Exclude<QueueQuery['sort'], never> | { order: string[] },
  ): Promise<ReviewState | null> {
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) => {
        // SKIP LOCKED: a row another analyst is claiming right now is passed over, never served twice.
        const free = `status IN ('open', 'claimed') AND (status = 'open' OR claim_expires_at < $1)`;
        // A batch of one: it goes with the transaction's BEGIN (db/database.ts), so `next` is two
        // round trips: this, then the claim with its outbox and audit rows and the COMMIT.
        let statement: Statement;
        if (typeof sort === 'object') {
          if (sort.order.length === 0) return null;
          statement = {
            sql: `SELECT ${STATE_COLUMNS} FROM review_state WHERE ${free} AND customer_id = ANY($2::text[])
             ORDER BY array_position($2::text[], customer_id) LIMIT 1 FOR UPDATE SKIP LOCKED`,
            params: [new Date(), sort.order],
          };
        } else {
          const order = sort === 'score' ? 'score DESC NULLS LAST, queued_at, customer_id' : 'queued_at, customer_id';
          statement = {
            sql: `SELECT ${STATE_COLUMNS} FROM review_state WHERE ${free} ORDER BY ${order} LIMIT 1 FOR UPDATE SKIP LOCKED`,
            params: [new Date()],
          };
        }
        const [{ rows }] = await tx.batch<[StateRow]>([statement]);
        const row = rows[0];
        if (!row) return null;
        return this.#move(tx, tenant, reviewer, row, 'claim');
      }),
    );
  }

  // ---- cluster batches ----

  applyBatch(
    tenant: string,
    reviewer: Reviewer,
    batch: { label: Label; customerIds: string[]; reason?: string; reasonText?: string; request?: unknown },
    idempotent: Idempotent,
  ): Promise<StoredAnswer<ClusterBatch>> {
    // The caller's request, when given, is what a retry repeats (the resolved customer list may differ).
    const hash = requestHash(batch.request ?? batch);
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) => {
        const replayed = await this.#replay<ClusterBatch>(tx, tenant, reviewer, idempotent, hash);
        if (replayed) return replayed;
        const settings = await this.#settings(tx, tenant);
        if (batch.reason !== undefined && !settings.reasons.some((r) => r.id === batch.reason)) {
          throw new InvalidInput('/body/reason', "is not one of this tenant's reasons");
        }
        const batchId = randomUUID();
        await tx.query(
          'INSERT INTO review_batches (tenant_id, id, label, actor_sub, actor_email) VALUES ($1, $2, $3, $4, $5)',
          [tenant, batchId, batch.label, reviewer.sub, reviewer.email],
        );
        const applied: string[] = [];
        const skipped: ClusterBatch['skipped'] = [];
        const audits: Statement[] = [];
        const now = Date.now();
        // Sorted, so two batches over overlapping customers lock rows in the same order (no deadlock).
        for (const customerId of [...new Set(batch.customerIds)].sort()) {
          const row = await this.#lockState(tx, tenant, customerId);
          let next: MachineState;
          try {
            next = transition(machineOf(row), { event: 'decide', actor: reviewer, now });
          } catch (error) {
            skipped.push({ customerId, reason: (error as Error).message });
            continue;
          }
          const reviewId = randomUUID();
          const before = { status: row.status, action: row.action, label: row.label };
          const after = { status: next.status, action: row.action, label: batch.label };
          await tx.query(
            `INSERT INTO reviews (tenant_id, id, customer_id, kind, actor_sub, actor_email, action, label, reason, reason_text, before, after, version, batch_id)
             VALUES ($1, $2, $3, 'batch', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
            [
              tenant,
              reviewId,
              customerId,
              reviewer.sub,
              reviewer.email,
              row.action,
              batch.label,
              batch.reason ?? null,
              batch.reasonText ?? null,
              JSON.stringify(before),
              JSON.stringify(after),
              row.version + 1,
              batchId,
            ],
          );
          const state = toState(
            await this.#writeState(tx, row, next, reviewer, { action: row.action, label: batch.label, reviewId, now }),
          );
          audits.push(
            auditStatement(tenant, reviewer, {
              action: 'review.batch',
              objectType: 'customer',
              objectId: customerId,
              before: { ...before, version: row.version },
              after: { ...after, version: state.version, batchId, reviewId },
            }),
          );
          await this.#outbox(tx, tenant, state, reviewId, reviewer.email);
          applied.push(customerId);
        }
        const body: ClusterBatch = { batchId, applied, skipped, reverted: false };
        // The audit rows last, with the key and the COMMIT: the tenant's audit chain is locked
        // (migration 012) for this one message, not for the whole batch's round trips.
        await tx.commitWith([
          {
            sql: `INSERT INTO idempotency_keys (tenant_id, actor_sub, route, key, request_hash, status_code, response)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            params: [tenant, reviewer.sub, idempotent.route, idempotent.key, hash, 201, JSON.stringify(body)],
          },
          ...audits,
        ]);
        return { status: 201, body, replayed: false };
      }),
    );
  }

  revertBatch(tenant: string, reviewer: Reviewer, batchId: string): Promise<ClusterBatch> {
    return this.#afterCommit(
      this.db.withTenant(tenant, async (tx) => {
        const found = await tx.query<{ reverted_at: Date | null }>(
          'SELECT reverted_at FROM review_batches WHERE id = $1 FOR UPDATE',
          [batchId],
        );
        const batchRow = found.rows[0];
        if (!batchRow) throw new NotFound(`No batch ${batchId}`);
        // Reverting twice is a retry, not a second revert: nothing more changes.
        if (batchRow.reverted_at) return { batchId, applied: [], skipped: [], reverted: true };
        if (reviewer.role !== 'lead' && reviewer.role !== 'analyst') {
          throw new Forbidden('REVIEW_ROLE', 'Only analysts and leads revert batches');
        }
        const { rows: members } = await tx.query<ReviewRow>(
          "SELECT * FROM reviews WHERE batch_id = $1 AND kind = 'batch' ORDER BY customer_id",
          [batchId],
        );
        const applied: string[] = [];
        const skipped: ClusterBatch['skipped'] = [];
        const audits: Statement[] = [];
        const now = Date.now();
        for (const member of members) {
          const row = (await this.#stateRow(tx, member.customer_id, true))!;
          if (row.last_review_id !== member.id) {
            skipped.push({
              customerId: member.customer_id,
              reason: `changed since the batch by ${row.updated_by_email ?? 'someone'}`,
            });
            continue;
          }
          // A claim cannot be restored (its holder has moved on): a customer claimed before goes back to open.
          const status: ReviewStatus = member.before.status === 'claimed' ? 'open' : member.before.status;
          const next: MachineState = { status, assignee: null, claimExpiresAt: null };
          const reviewId = randomUUID();
          const after = { status, action: member.before.action, label: member.before.label };
          await tx.query(
            `INSERT INTO reviews (tenant_id, id, customer_id, kind, actor_sub, actor_email, action, label, before, after, version, undoes, batch_id)
             VALUES ($1, $2, $3, 'batch-revert', $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [
              tenant,
              reviewId,
              member.customer_id,
              reviewer.sub,
              reviewer.email,
              after.action,
              after.label,
              JSON.stringify({ status: row.status, action: row.action, label: row.label }),
              JSON.stringify(after),
              row.version + 1,
              member.id,
              batchId,
            ],
          );
          const state = toState(
            await this.#writeState(tx, row, next, reviewer, {
              action: after.action,
              label: after.label,
              reviewId,
              now,
            }),
          );
          audits.push(
            auditStatement(tenant, reviewer, {
              action: 'review.batch-revert',
              objectType: 'customer',
              objectId: member.customer_id,
              before: { status: row.status, action: row.action, label: row.label, version: row.version },
              after: { ...after, version: state.version, batchId, reviewId },
            }),
          );
          await this.#outbox(tx, tenant, state, reviewId, reviewer.email);
          applied.push(member.customer_id);
        }
        // The audit rows last, with the COMMIT (as in applyBatch).
        await tx.commitWith([
          {
            sql: 'UPDATE review_batches SET reverted_at = now(), reverted_by = $2 WHERE id = $1',
            params: [batchId, reviewer.email],
          },
          ...audits,
        ]);
        return { batchId, applied, skipped, reverted: true };
      }),
    );
  }

  // ---- the outbox (owner connection: it spans tenants) ----

  async leaseChanges(limit: number): Promise<ReviewChange[]> {
    // SKIP LOCKED: two followers leasing at once take different rows; a row another follower leased
    // and committed meanwhile is rechecked under its new lease and passed over.
    const { rows } = await this.db.query<{
      id: string | number;
      tenant_id: string;
      customer_id: string;
      payload: Omit<ReviewChange, 'outboxId' | 'tenant' | 'customerId'>;
    }>(
      `UPDATE review_outbox SET leased_until = now() + make_interval(secs => $2)
       WHERE id IN (
         SELECT o.id FROM review_outbox o
         WHERE o.done_at IS NULL AND (o.leased_until IS NULL OR o.leased_until < now())
           AND NOT EXISTS (SELECT 1 FROM review_outbox e WHERE e.done_at IS NULL AND e.tenant_id = o.tenant_id
             AND e.customer_id = o.customer_id AND e.id < o.id)
         ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, tenant_id, customer_id, payload`,
      [limit, OUTBOX_LEASE_MS / 1000],
    );
    return rows
      .map((r) => ({
        outboxId: Number(r.id),
        tenant: r.tenant_id,
        customerId: r.customer_id,
        ...r.payload,
        label: canonicalLabel(r.payload.label),
      }))
      .sort((a, b) => a.outboxId - b.outboxId);
  }

  async markApplied(outboxId: number): Promise<void> {
    await this.db.query(
      'UPDATE review_outbox SET done_at = now(), attempts = attempts + 1, leased_until = NULL WHERE id = $1',
      [outboxId],
    );
  }

  async markFailed(outboxId: number, error: string): Promise<void> {
    await this.db.query(
      'UPDATE review_outbox SET attempts = attempts + 1, last_error = $2, leased_until = NULL WHERE id = $1',
      [outboxId, error.slice(0, 500)],
    );
  }

  async releaseChanges(outboxIds: number[]): Promise<void> {
    if (outboxIds.length === 0) return;
    await this.db.query(
      'UPDATE review_outbox SET leased_until = NULL WHERE id = ANY($1::bigint[]) AND done_at IS NULL',
      [outboxIds],
    );
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
