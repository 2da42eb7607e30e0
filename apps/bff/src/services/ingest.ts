// Ingestion: validate -> drop events already stored (idempotent by event id) -> merge into customer
// rows -> SearchIndex -> ProfileStore (one write) -> graph -> live bus -> review queue. Batches of one tenant are
// applied one at a time (read-modify-write of customer rows); tenants proceed independently.
import type { IngestError, IngestReport, RedoubtEvent } from '@redoubt/contracts';
import { MAX_BATCH_EVENTS } from '@redoubt/contracts';
import type { CustomerRecord, ProfileStore, StoredEvent } from '../ports/profile-store.ts';
import { emptyCustomer } from '../ports/profile-store.ts';
import type { SearchIndex } from '../ports/search-index.ts';
import type { QueueCandidate } from '../ports/review-store.ts';
import type { Action, Label, ReviewStatus } from '@redoubt/contracts/api';
import { applyEvent, searchDocOf } from './customer-events.ts';
import { countsOf } from './rollups.ts';
import { validateEvent } from './event-validation.ts';
import type { GraphRegistry } from './graphs.ts';
import type { LiveBus } from './live-bus.ts';

/** One line of a batch: a parsed JSON value, or why it could not be parsed. */
export type BatchLine = { line: number; value: unknown; text?: string } | { line: number; error: string };

export interface IngestDeps {
  profiles: ProfileStore;
  search: SearchIndex;
  graphs: GraphRegistry;
  live: LiveBus;
  /** Puts customers whose score says REVIEW, or whose label is POTENTIALLY_*, in the review queue. */
  queue?: { enqueue(tenant: string, candidates: QueueCandidate[]): Promise<number> };
  /**
   * Count each new event into its tenant's hourly rollup (services/rollups.ts; default true). Off
   * only to measure what the rollups cost (bench:overview).
   */
  rollups?: boolean;
}

/** A committed review as the customer row, the search document, the graph and the live bus see it. */
export interface AppliedReview {
  customerId: string;
  action: Action | null;
  label: Label | null;
  status: ReviewStatus;
  version: number;
  reviewId: string | null;
  by: string;
}

/** Why a customer row belongs in the review queue, or undefined when it does not. */
export function queueReason(record: CustomerRecord): string | undefined {
  if (record.label?.startsWith('POTENTIALLY_')) return `labelled ${record.label}`;
  if (record.action === 'REVIEW') {
    return record.score === undefined ? 'score says REVIEW' : `score ${record.score} says REVIEW`;
  }
  return undefined;
}

/** Splits an NDJSON body into parsed lines; blank lines are skipped but keep the numbering. */
export function parseNdjson(body: string): BatchLine[] {
  const out: BatchLine[] = [];
  let line = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line++;
    const text = body.slice(start, end).trim();
    if (text) {
      try {
        out.push({ line, value: JSON.parse(text), text });
      } catch (error) {
        out.push({ line, error: `is not valid JSON (${(error as Error).message})` });
      }
    }
    start = end + 1;
  }
  return out;
}

export class Ingest {
  readonly #deps: IngestDeps;
  readonly #queues = new Map<string, Promise<unknown>>();
  #events = 0;
  #queueFailures = 0;

  constructor(deps: IngestDeps) {
    this.#deps = deps;
  }

  /** Queue writes that failed since start (the batch itself was stored). */
  get queueFailures(): number {
    return this.#queueFailures;
  }

  /** Events stored since the process started (metrics, demo progress). */
  get storedEvents(): number {
    return this.#events;
  }

  /** Runs fn after the tenant's earlier batches and before its later ones (read-modify-write of rows). */
  #exclusive<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(tenant) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#queues.set(tenant, tail);
    void tail.then(() => {
      if (this.#queues.get(tenant) === tail) this.#queues.delete(tenant);
    });
    return next;
  }

  /**
   * Carries a committed review to the customer row (so later events do not undo it), the search
   * document, the graph's labels and the live bus. Safe to repeat: it sets, never adds.
   */
  applyReview(tenant: string, review: AppliedReview): Promise<void> {
    return this.#exclusive(tenant, async () => {
      const { profiles, search, graphs, live } = this.#deps;
      const record = (await profiles.getCustomers(tenant, [review.customerId])).get(review.customerId);
      if (record) {
        if (review.action === null) delete record.action;
        else record.action = review.action;
        if (review.label === null) delete record.label;
        else record.label = review.label;
        record.reviewState = review.status;
        await search.upsert(tenant, [searchDocOf(record)]);
        await profiles.write(tenant, [], [record]);
      }
      graphs.get(tenant).setCustomer(review.customerId, { label: review.label, action: review.action });
      live.publish({ type: 'review', tenant, at: new Date().toISOString(), ...review });
    });
  }

  /** Validates and stores a batch for one tenant. The tenant must exist (the route checks it). */
  ingest(tenant: string, lines: BatchLine[], now = Date.now()): Promise<IngestReport> {
    if (lines.length > MAX_BATCH_EVENTS) {
      throw new RangeError(`a batch holds at most ${MAX_BATCH_EVENTS} events, got ${lines.length}`);
    }
    // Validation needs no lock; storing does.
    const errors: IngestError[] = [];
    const valid: { line: number; event: RedoubtEvent; at: number; text?: string }[] = [];
    const seenInBatch = new Set<string>();
    let duplicates = 0;
    for (const item of lines) {
      if ('error' in item) {
        errors.push({ line: item.line, field: '', reason: item.error });
        continue;
      }
      const result = validateEvent(item.value, now);
      if ('problems' in result) {
        const eventId = (item.value as { eventId?: unknown } | null)?.eventId;
        for (const p of result.problems) {
          errors.push({ line: item.line, ...(typeof eventId === 'string' ? { eventId } : {}), ...p });
        }
        continue;
      }
      if (seenInBatch.has(result.event.eventId)) {
        duplicates++;
        continue;
      }
      seenInBatch.add(result.event.eventId);
      valid.push({ line: item.line, event: result.event, at: Date.parse(result.event.timestamp), text: item.text });
    }
    const rejected = new Set(errors.map((e) => e.line)).size;

    const run = async (): Promise<IngestReport> => {
      const stored = await this.#store(tenant, valid);
      return { accepted: stored, duplicates: duplicates + valid.length - stored, rejected, errors };
    };
    return this.#exclusive(tenant, run);
  }

  async #store(tenant: string, valid: { event: RedoubtEvent; at: number; text?: string }[]): Promise<number> {
    if (valid.length === 0) return 0;
    const { profiles, search, graphs, live } = this.#deps;
    const known = await profiles.existingEvents(
      tenant,
      valid.map((v) => v.event.eventId),
    );
    const fresh: StoredEvent[] = valid
      .filter((v) => !known.has(v.event.eventId))
      .map((v) => ({
        eventId: v.event.eventId,
        customerId: v.event.customerId,
        type: v.event.type,
        at: v.at,
        event: v.event,
        ...(v.text !== undefined && { json: v.text }),
      }))
      // Oldest first, so "latest wins" merges see events in time order.
      .sort((a, b) => a.at - b.at);
    if (fresh.length === 0) return 0;

    const countRollups = this.#deps.rollups !== false;
    const ids = [...new Set(fresh.map((e) => e.customerId))];
    const existing = await profiles.getCustomers(tenant, ids);
    const changed = new Map<string, CustomerRecord>();
    const created = new Set<string>();
    for (const e of fresh) {
      let record = changed.get(e.customerId) ?? existing.get(e.customerId);
      if (!record) {
        record = emptyCustomer(e.customerId);
        created.add(e.customerId);
      }
      changed.set(e.customerId, record);
      applyEvent(record, e.event, e.at);
      // Counted from the row as this event left it (country, payment methods, latest order); the
      // store adds the counts only if it stores the event for the first time.
      if (countRollups) {
        const counts = countsOf(e.event, record);
        if (counts) e.counts = counts;
      }
    }
    const customers = [...changed.values()];
    // Order matters for "nothing half-written": the index first (a failure there stores nothing,
    // and the resend applies the batch whole), then the customer rows and events in one write
    // (the source of truth; once they are in, a resend is a duplicate), then the in-memory graph,
    // which cannot fail half-way and is rebuilt from the rows on restart. An index write followed
    // by a failed row write leaves the index ahead until the resend rewrites the same documents.
    const candidates: QueueCandidate[] = [];
    if (this.#deps.queue) {
      for (const record of customers) {
        const reason = queueReason(record);
        if (!reason) continue;
        // Mirrors the queue's none → open, so the search `state` filter finds queued customers.
        record.reviewState ??= 'open';
        candidates.push({
          customerId: record.id,
          reason,
          ...(record.name !== undefined && { name: record.name }),
          ...(record.score !== undefined && { score: record.score }),
          ...(record.action !== undefined && { action: record.action }),
          ...(record.label !== undefined && { label: record.label }),
        });
      }
    }
    await search.upsert(tenant, customers.map(searchDocOf));
    await profiles.write(tenant, fresh, customers);
    const newLinks = graphs.apply(tenant, fresh);
    // Published once the rows are stored and the graph holds the links, never earlier: a stream
    // must not show a link that a failed write then leaves out (docs/live.md, "When a change is
    // published"). Before the review-queue write, which is a PostgreSQL round trip the stream
    // need not wait for.
    if (live.hasListeners(tenant)) {
      for (const link of newLinks) {
        const at = new Date(link.at).toISOString();
        live.publish({ type: 'link', tenant, customerId: link.customerId, kind: link.kind, value: link.value, at });
      }
      for (const e of fresh) {
        const at = new Date(e.at).toISOString();
        if (e.event.type === 'score') {
          const { score, action } = e.event.score;
          live.publish({ type: 'score', tenant, customerId: e.customerId, score, action, at });
        } else if (e.event.type === 'label') {
          live.publish({ type: 'label', tenant, customerId: e.customerId, label: e.event.label.label, at });
        } else if (created.has(e.customerId) && e.event.type === 'customer') {
          live.publish({ type: 'customer', tenant, customerId: e.customerId, name: e.event.customer.name, at });
        }
      }
    }
    // The rows are stored: a queue write that fails must not fail the batch (a resend would be a
    // duplicate and never enqueue); it is counted, and the customer's next score enqueues again.
    if (candidates.length > 0) {
      try {
        await this.#deps.queue!.enqueue(tenant, candidates);
      } catch {
        this.#queueFailures++;
      }
    }
    this.#events += fresh.length;

    return fresh.length;
  }
}
