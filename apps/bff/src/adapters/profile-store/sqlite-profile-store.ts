// Embedded ProfileStore on node:sqlite (built into Node 22): one file under the data folder,
// WAL journal, one transaction per write so a batch is stored whole or not at all.
// Layout mirrors the Bigtable design: a customer row per (tenant, id) and event rows ordered by
// (tenant, customer, time desc); the rowid `seq` orders writes for graph replay.
// Rollups (docs/rollups.md): `rollup_hours` holds the plain figures of a (tenant, hour) as integer
// columns; `rollup_keys` the breakdown and reason counters of the hour, one row per name; and
// `rollup_day_keys` the same per UTC day, so the totals of a long range read a day row per name
// instead of 24 hour rows. All three are updated in the transaction that inserts the events, only for
// events the insert actually stored (a resend hits the unique index and adds nothing), with one
// statement per table per batch adding to the rows (no read-modify-write in JavaScript). Event and
// count commit or roll back together: there is no moment where one is stored without the other.
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import type {
  Counts,
  CustomerRecord,
  FigureCounter,
  HourlyFigures,
  ProfileStore,
  RollupBucket,
  StoredEvent,
  TimelinePage,
} from '../../ports/profile-store.ts';
import { FIGURE_COUNTERS, ROLLUP_BUCKET_MS } from '../../ports/profile-store.ts';
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
CREATE TABLE IF NOT EXISTS rollup_hours (
  tenant TEXT NOT NULL,
  hour INTEGER NOT NULL,
  ${FIGURE_COUNTERS.map((f) => `"${f}" INTEGER NOT NULL DEFAULT 0,`).join('\n  ')}
  PRIMARY KEY (tenant, hour)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_keys (
  tenant TEXT NOT NULL,
  hour INTEGER NOT NULL,
  name TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (tenant, hour, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_day_keys (
  tenant TEXT NOT NULL,
  day INTEGER NOT NULL,
  name TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (tenant, day, name)
) WITHOUT ROWID;
`;

const DAY = 86_400_000;
const FIGURE_INDEX = new Map<string, number>(FIGURE_COUNTERS.map((f, i) => [f, i]));
const figureColumns = FIGURE_COUNTERS.map((f) => `"${f}"`).join(', ');
const figureJsonArrays = FIGURE_COUNTERS.map((f) => `json_group_array("${f}") AS "${f}"`).join(', ');
const figureSums = FIGURE_COUNTERS.map((f) => `sum("${f}") AS "${f}"`).join(', ');
/** Rows of one batch, given to SQLite as one JSON array: json_each walks it in C. */
const ADD_HOURS = `INSERT INTO rollup_hours (tenant, hour, ${figureColumns})
  SELECT ?, value->>0, ${FIGURE_COUNTERS.map((_, i) => `value->>${i + 1}`).join(', ')} FROM json_each(?) WHERE true
  ON CONFLICT (tenant, hour) DO UPDATE SET ${FIGURE_COUNTERS.map((f) => `"${f}" = "${f}" + excluded."${f}"`).join(', ')}`;
const addKeys = (table: string, at: string) => `INSERT INTO ${table} (tenant, ${at}, name, n)
  SELECT ?, value->>0, value->>1, value->>2 FROM json_each(?) WHERE true
  ON CONFLICT (tenant, ${at}, name) DO UPDATE SET n = n + excluded.n`;

/** What one batch adds: per hour the figures (in FIGURE_COUNTERS order) and the other counters. */
interface HourSum {
  figures: number[];
  keys: Map<string, number>;
}

export class SqliteProfileStore implements ProfileStore {
  readonly #db: DatabaseSync;
  readonly #existing: StatementSync;
  readonly #customers: StatementSync;
  readonly #insertEvent: StatementSync;
  readonly #upsertCustomer: StatementSync;
  readonly #timelineFirst: StatementSync;
  readonly #timelineAfter: StatementSync;
  readonly #cursors: TimelineCursors;
  readonly #addHours: StatementSync;
  readonly #addKeys: StatementSync;
  readonly #addDayKeys: StatementSync;
  readonly #hoursRange: StatementSync;
  readonly #keysRange: StatementSync;
  readonly #figuresColumns: StatementSync;
  readonly #figureTotals: StatementSync;
  readonly #keyTotals: StatementSync;

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
    migrateRollups(this.#db);
    this.#addHours = this.#db.prepare(ADD_HOURS);
    this.#addKeys = this.#db.prepare(addKeys('rollup_keys', 'hour'));
    this.#addDayKeys = this.#db.prepare(addKeys('rollup_day_keys', 'day'));
    const inRange = 'tenant = ? AND hour >= ? AND hour < ?';
    this.#hoursRange = this.#db.prepare(
      `SELECT hour, ${figureColumns} FROM rollup_hours WHERE ${inRange} ORDER BY hour`,
    );
    this.#keysRange = this.#db.prepare(`SELECT hour, name, n FROM rollup_keys WHERE ${inRange} ORDER BY hour`);
    // One row of JSON arrays (one per column), built in C: the series' columns without a JavaScript
    // object per hour. The inner ORDER BY keeps the hours ascending.
    this.#figuresColumns = this.#db.prepare(
      `SELECT json_group_array(hour) AS hours, ${figureJsonArrays} FROM (SELECT hour, ${figureColumns} FROM rollup_hours WHERE ${inRange} ORDER BY hour)`,
    );
    this.#figureTotals = this.#db.prepare(`SELECT ${figureSums} FROM rollup_hours WHERE ${inRange}`);
    // Whole UTC days from the day rows, the hours before the first and after the last from the hour rows.
    this.#keyTotals = this.#db.prepare(
      `SELECT name, sum(n) AS n FROM (
        SELECT name, n FROM rollup_day_keys WHERE tenant = :tenant AND day >= :dayFrom AND day < :dayTo
        UNION ALL SELECT name, n FROM rollup_keys WHERE tenant = :tenant AND hour >= :from AND hour < :dayFrom
        UNION ALL SELECT name, n FROM rollup_keys WHERE tenant = :tenant AND hour >= :dayTo AND hour < :to
      ) GROUP BY name`,
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
      // Counts of the events stored by this write, summed per hour, then added in one statement per table.
      const hours = new Map<number, HourSum>();
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
        if (!sum)
          hours.set(hour, (sum = { figures: new Array<number>(FIGURE_COUNTERS.length).fill(0), keys: new Map() }));
        for (const name in e.counts) {
          const i = FIGURE_INDEX.get(name);
          if (i !== undefined) sum.figures[i]! += e.counts[name]!;
          else sum.keys.set(name, (sum.keys.get(name) ?? 0) + e.counts[name]!);
        }
      }
      if (hours.size > 0) this.#addRollups(tenant, hours);
      for (const c of customers) this.#upsertCustomer.run(tenant, c.id, JSON.stringify(c));
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #addRollups(tenant: string, hours: Map<number, HourSum>): void {
    const figureRows: number[][] = [];
    const keyRows: [number, string, number][] = [];
    const days = new Map<number, Map<string, number>>();
    for (const [hour, sum] of hours) {
      figureRows.push([hour, ...sum.figures]);
      if (sum.keys.size === 0) continue;
      const day = Math.floor(hour / DAY) * DAY;
      let dayKeys = days.get(day);
      if (!dayKeys) days.set(day, (dayKeys = new Map()));
      for (const [name, n] of sum.keys) {
        keyRows.push([hour, name, n]);
        dayKeys.set(name, (dayKeys.get(name) ?? 0) + n);
      }
    }
    const dayRows: [number, string, number][] = [];
    for (const [day, keys] of days) for (const [name, n] of keys) dayRows.push([day, name, n]);
    this.#addHours.run(tenant, JSON.stringify(figureRows));
    if (keyRows.length > 0) {
      this.#addKeys.run(tenant, JSON.stringify(keyRows));
      this.#addDayKeys.run(tenant, JSON.stringify(dayRows));
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
    const buckets = new Map<number, Counts>();
    for (const row of this.#hoursRange.all(tenant, from, to) as Record<string, number>[]) {
      const counts: Counts = {};
      for (const f of FIGURE_COUNTERS) if (row[f] !== 0) counts[f] = row[f]!;
      buckets.set(row.hour!, counts);
    }
    for (const row of this.#keysRange.all(tenant, from, to) as { hour: number; name: string; n: number }[]) {
      if (row.n === 0) continue;
      let counts = buckets.get(row.hour);
      if (!counts) buckets.set(row.hour, (counts = {}));
      counts[row.name] = row.n;
    }
    return [...buckets]
      .filter(([, counts]) => Object.keys(counts).length > 0)
      .sort(([a], [b]) => a - b)
      .map(([hour, counts]) => ({ hour, counts }));
  }

  async rollupFigures(tenant: string, from: number, to: number): Promise<HourlyFigures> {
    const row = this.#figuresColumns.get(tenant, from, to) as Record<'hours' | FigureCounter, string>;
    const hours = JSON.parse(row.hours) as number[];
    const figures = {} as Record<FigureCounter, number[]>;
    for (const f of FIGURE_COUNTERS) figures[f] = JSON.parse(row[f]) as number[];
    // The inner ORDER BY orders the aggregates' input; checked, as SQL leaves aggregate order open.
    for (let i = 1; i < hours.length; i++) {
      if (hours[i]! <= hours[i - 1]!) throw new Error('rollup hours out of order');
    }
    return { hours, figures };
  }

  async rollupTotals(
    tenant: string,
    from: number,
    to: number,
    options: { figuresOnly?: boolean } = {},
  ): Promise<Counts> {
    const totals: Counts = {};
    const sums = this.#figureTotals.get(tenant, from, to) as Record<FigureCounter, number | null>;
    for (const f of FIGURE_COUNTERS) if (sums[f]) totals[f] = sums[f];
    if (options.figuresOnly) return totals;
    // Hour rows in [from, to) are those in [first, end): both on hour boundaries. The whole UTC days
    // inside come from the day rows.
    const first = Math.ceil(from / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
    const end = Math.max(first, Math.ceil(to / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS);
    let dayFrom = Math.ceil(first / DAY) * DAY;
    let dayTo = Math.floor(end / DAY) * DAY;
    if (dayFrom >= dayTo) dayFrom = dayTo = end;
    const rows = this.#keyTotals.all({ tenant, from: first, to: end, dayFrom, dayTo }) as { name: string; n: number }[];
    for (const row of rows) if (row.n !== 0) totals[row.name] = row.n;
    return totals;
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

/**
 * Files written before the rollups had columns kept one JSON row per (tenant, hour) in `rollups`:
 * moved into the three tables once, in one transaction, then dropped.
 */
function migrateRollups(db: DatabaseSync): void {
  const old = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'rollups'").get();
  if (!old) return;
  const figureNames = FIGURE_COUNTERS.map((f) => `'${f}'`).join(', ');
  db.exec('BEGIN');
  try {
    db.exec(`INSERT INTO rollup_hours (tenant, hour, ${figureColumns})
      SELECT tenant, hour, ${FIGURE_COUNTERS.map((f) => `coalesce(body->>'$."${f}"', 0)`).join(', ')} FROM rollups WHERE true
      ON CONFLICT (tenant, hour) DO UPDATE SET ${FIGURE_COUNTERS.map((f) => `"${f}" = "${f}" + excluded."${f}"`).join(', ')}`);
    db.exec(`INSERT INTO rollup_keys (tenant, hour, name, n)
      SELECT r.tenant, r.hour, j.key, j.value FROM rollups r, json_each(r.body) j WHERE j.key NOT IN (${figureNames})
      ON CONFLICT (tenant, hour, name) DO UPDATE SET n = n + excluded.n`);
    db.exec(`INSERT INTO rollup_day_keys (tenant, day, name, n)
      SELECT r.tenant, r.hour - r.hour % ${DAY}, j.key, sum(j.value) FROM rollups r, json_each(r.body) j
      WHERE j.key NOT IN (${figureNames}) GROUP BY 1, 2, 3
      ON CONFLICT (tenant, day, name) DO UPDATE SET n = n + excluded.n`);
    db.exec('DROP TABLE rollups');
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
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
