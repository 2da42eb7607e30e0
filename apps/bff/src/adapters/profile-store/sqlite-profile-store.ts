// Embedded ProfileStore on node:sqlite (built into Node 22): one file under the data folder,
// WAL journal, one transaction per write so a batch is stored whole or not at all.
// Layout mirrors the Bigtable design: a customer row per (tenant, id) and event rows ordered by
// (tenant, customer, time desc); the rowid `seq` orders writes for graph replay.
// Rollups: one row per (tenant, hour) holding that hour's counters as JSON, updated in the same
// transaction that inserts the events, and only for events the insert actually stored (a resend
// hits the unique index and adds nothing). Event and count commit or roll back together, so there
// is no moment where one is stored without the other (docs/rollups.md).
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import type {
  Counts,
  CustomerRecord,
  ProfileStore,
  RollupBucket,
  StoredEvent,
  TimelinePage,
} from '../../ports/profile-store.ts';
import { ROLLUP_BUCKET_MS } from '../../ports/profile-store.ts';
import { TimelineCursors } from './cursor.ts';
import { ephemeralSigner } from '../cursors.ts';
import type { CursorSigner } from '../cursors.ts';
import { guardStore } from '../store-errors.ts';

export interface SqliteProfileStoreOptions {
  /** Signs timeline cursors (secrets.ts `signer('cursor')`); a random key when absent (tests). */
  cursorSigner?: CursorSigner;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  event_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_id ON events (tenant, event_id);
CREATE INDEX IF NOT EXISTS events_timeline ON events (tenant, customer_id, at DESC, event_id DESC);
CREATE TABLE IF NOT EXISTS customers (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollups (
  tenant TEXT NOT NULL,
  hour INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (tenant, hour)
) WITHOUT ROWID;
`;

export class SqliteProfileStore implements ProfileStore {
  readonly #db: DatabaseSync;
  readonly #existing: StatementSync;
  readonly #customers: StatementSync;
  readonly #insertEvent: StatementSync;
  readonly #upsertCustomer: StatementSync;
  readonly #timelineFirst: StatementSync;
  readonly #timelineAfter: StatementSync;
  readonly #cursors: TimelineCursors;
  readonly #rollupGet: StatementSync;
  readonly #rollupPut: StatementSync;
  readonly #rollupRange: StatementSync;

  /** `path` is a file, or ':memory:' for tests. */
  constructor(path: string, options: SqliteProfileStoreOptions = {}) {
    this.#db = new DatabaseSync(path);
    // WAL + synchronous=NORMAL: a crash loses at most the last transactions, never corrupts;
    // a 64 MiB page cache keeps the b-tree inserts of large batches in memory.
    this.#db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;',
    );
    this.#db.exec(SCHEMA);
    this.#existing = this.#db.prepare(
      'SELECT event_id FROM events WHERE tenant = ? AND event_id IN (SELECT value FROM json_each(?))',
    );
    this.#customers = this.#db.prepare(
      'SELECT body FROM customers WHERE tenant = ? AND id IN (SELECT value FROM json_each(?))',
    );
    this.#insertEvent = this.#db.prepare(
      // DO NOTHING on a stored id: `changes` then says whether this write stored it (rollups).
      'INSERT INTO events (tenant, event_id, customer_id, type, at, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, event_id) DO NOTHING',
    );
    this.#rollupGet = this.#db.prepare('SELECT body FROM rollups WHERE tenant = ? AND hour = ?');
    this.#rollupPut = this.#db.prepare(
      'INSERT INTO rollups (tenant, hour, body) VALUES (?, ?, ?) ON CONFLICT (tenant, hour) DO UPDATE SET body = excluded.body',
    );
    this.#rollupRange = this.#db.prepare(
      'SELECT hour, body FROM rollups WHERE tenant = ? AND hour >= ? AND hour < ? ORDER BY hour',
    );
    this.#upsertCustomer = this.#db.prepare(
      'INSERT INTO customers (tenant, id, body) VALUES (?, ?, ?) ON CONFLICT (tenant, id) DO UPDATE SET body = excluded.body',
    );
    const timeline = 'SELECT event_id, customer_id, type, at, body FROM events WHERE tenant = ? AND customer_id = ?';
    const order = 'ORDER BY at DESC, event_id DESC LIMIT ?';
    this.#timelineFirst = this.#db.prepare(`${timeline} ${order}`);
    this.#timelineAfter = this.#db.prepare(`${timeline} AND (at < ? OR (at = ? AND event_id < ?)) ${order}`);
    this.#cursors = new TimelineCursors(options.cursorSigner ?? ephemeralSigner());
    // Callers only ever see domain errors (store-errors.ts), never node:sqlite's.
    return guardStore('profiles', this);
  }

  async existingEvents(tenant: string, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = this.#existing.all(tenant, JSON.stringify(eventIds)) as { event_id: string }[];
    return new Set(rows.map((r) => r.event_id));
  }

  async getCustomers(tenant: string, ids: string[]): Promise<Map<string, CustomerRecord>> {
    const found = new Map<string, CustomerRecord>();
    if (ids.length === 0) return found;
    for (const row of this.#customers.all(tenant, JSON.stringify(ids)) as { body: string }[]) {
      const record = JSON.parse(row.body) as CustomerRecord;
      found.set(record.id, record);
    }
    return found;
  }

  async write(tenant: string, events: StoredEvent[], customers: CustomerRecord[]): Promise<void> {
    this.#db.exec('BEGIN');
    try {
      // Counts of the events stored by this write, summed per hour, then one read-merge-write per hour.
      const hours = new Map<number, Counts>();
      for (const e of events) {
        const { changes } = this.#insertEvent.run(
          tenant,
          e.eventId,
          e.customerId,
          e.type,
          e.at,
          e.json ?? JSON.stringify(e.event),
        );
        if (changes === 0 || !e.counts) continue;
        const hour = Math.floor(e.at / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
        let sum = hours.get(hour);
        if (!sum) hours.set(hour, (sum = {}));
        for (const name in e.counts) sum[name] = (sum[name] ?? 0) + e.counts[name];
      }
      for (const [hour, add] of hours) {
        const row = this.#rollupGet.get(tenant, hour) as { body: string } | undefined;
        const counts = row ? (JSON.parse(row.body) as Counts) : {};
        for (const name in add) counts[name] = (counts[name] ?? 0) + add[name];
        this.#rollupPut.run(tenant, hour, JSON.stringify(counts));
      }
      for (const c of customers) this.#upsertCustomer.run(tenant, c.id, JSON.stringify(c));
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async timeline(
    tenant: string,
    customerId: string,
    { before, limit }: { before?: string; limit: number },
  ): Promise<TimelinePage> {
    const cursor = before ? this.#cursors.decode(tenant, customerId, before) : undefined;
    const rows = (
      cursor
        ? this.#timelineAfter.all(tenant, customerId, cursor.at, cursor.at, cursor.eventId, limit + 1)
        : this.#timelineFirst.all(tenant, customerId, limit + 1)
    ) as { event_id: string; customer_id: string; type: string; at: number; body: string }[];
    const events = rows.slice(0, limit).map(toStored);
    const last = events.at(-1);
    return rows.length > limit && last
      ? { events, next: this.#cursors.encode(tenant, customerId, last.at, last.eventId) }
      : { events };
  }

  async mark(): Promise<number> {
    const row = this.#db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM events').get() as { seq: number };
    return row.seq + 1;
  }

  async replay(since: number, onBatch: (tenant: string, events: StoredEvent[]) => void | Promise<void>): Promise<void> {
    const page = this.#db.prepare(
      'SELECT seq, tenant, event_id, customer_id, type, at, body FROM events WHERE seq >= ? ORDER BY seq LIMIT 5000',
    );
    let from = since;
    for (;;) {
      const rows = page.all(from) as ({ seq: number; tenant: string } & Parameters<typeof toStored>[0])[];
      if (rows.length === 0) return;
      // Group consecutive rows by tenant, keeping write order.
      let start = 0;
      for (let i = 1; i <= rows.length; i++) {
        if (i === rows.length || rows[i].tenant !== rows[start].tenant) {
          await onBatch(rows[start].tenant, rows.slice(start, i).map(toStored));
          start = i;
        }
      }
      from = rows[rows.length - 1].seq + 1;
    }
  }

  async rollups(tenant: string, from: number, to: number): Promise<RollupBucket[]> {
    const rows = this.#rollupRange.all(tenant, from, to) as { hour: number; body: string }[];
    return rows.map((r) => ({ hour: r.hour, counts: JSON.parse(r.body) as Counts }));
  }

  async countCustomers(tenant: string): Promise<number> {
    const row = this.#db.prepare('SELECT count(*) AS n FROM customers WHERE tenant = ?').get(tenant) as { n: number };
    return row.n;
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}

function toStored(row: { event_id: string; customer_id: string; type: string; at: number; body: string }): StoredEvent {
  return {
    eventId: row.event_id,
    customerId: row.customer_id,
    type: row.type as StoredEvent['type'],
    at: row.at,
    event: JSON.parse(row.body),
  };
}
