// Embedded ProfileStore on node:sqlite (built into Node 22): one file under the data folder,
// WAL journal, one transaction per write so a batch is stored whole or not at all.
// Layout mirrors the Bigtable design: a customer row per (tenant, id) and event rows ordered by
// (tenant, customer, time desc); the rowid `seq` orders writes for graph replay.
// Rollups (docs/rollups.md): `rollup_hours` holds the plain figures of a (tenant, hour) as integer
// columns; `rollup_parts` the breakdowns of the hour, one row per (dimension, key) such as
// (country, GB), (method, card) or (reason, <rule>) with the breakdown figures as columns; and
// `rollup_day_parts` the same per UTC day, so the totals of a long range read a day row per key
// instead of 24 hour rows. All three are updated in the transaction that inserts the events, only for
// events the insert actually stored (a resend hits the unique index and adds nothing): the batch's
// counts are summed per row in memory first, then each row gets one upsert that adds to it (no
// read-modify-write in JavaScript). Event and
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
import { FIGURE_COUNTERS, PROFILE_READS, ROLLUP_BUCKET_MS, readRecord } from '../../ports/profile-store.ts';
import { TimelineCursors } from './cursor.ts';
import { ephemeralSigner } from '../cursors.ts';
import type { CursorSigner } from '../cursors.ts';
import { guardStore } from '../store-errors.ts';

export interface SqliteProfileStoreOptions {
  /** Signs timeline cursors (secrets.ts `signer('cursor')`); a random key when absent (tests). */
  cursorSigner?: CursorSigner;
}

/**
 * Breakdown figures, the columns of a part row: `country.GB.orders` is row (country, GB), column
 * `orders`; `reason.<rule>` is row (reason, <rule>), column `prevented` (the PREVENT decisions that
 * named the rule). One row per key holds what was one row per counter name.
 */
const PART_COLUMNS = ['orders', 'orderValue', 'transactions', 'transactionValue', 'prevented', 'chargebacks'] as const;
const PART_DIMENSIONS = new Set(['country', 'method']);
const REASON_COLUMN = PART_COLUMNS.indexOf('prevented');

function partsTable(table: string, at: 'hour' | 'day'): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  tenant TEXT NOT NULL,
  ${at} INTEGER NOT NULL,
  dim TEXT NOT NULL,
  key TEXT NOT NULL,
  ${PART_COLUMNS.map((f) => `"${f}" INTEGER NOT NULL DEFAULT 0,`).join('\n  ')}
  PRIMARY KEY (tenant, ${at}, dim, key)
) WITHOUT ROWID;`;
}

/** Where a breakdown counter goes: its part row (`id` = dim + '.' + key) and column. */
interface PartSlot {
  id: string;
  dim: string;
  key: string;
  column: number;
}

const partSlots = new Map<string, PartSlot>();
/** The slot of a counter name (services/rollups.ts countsOf names them); remembered per name. */
function partSlot(name: string): PartSlot {
  let slot = partSlots.get(name);
  if (slot) return slot;
  const dot = name.indexOf('.');
  const dim = name.slice(0, dot);
  if (dim === 'reason') {
    slot = { id: name, dim, key: name.slice(dot + 1), column: REASON_COLUMN };
  } else {
    const last = name.lastIndexOf('.');
    const column = (PART_COLUMNS as readonly string[]).indexOf(name.slice(last + 1));
    if (!PART_DIMENSIONS.has(dim) || last <= dot || column < 0) throw new Error(`unknown rollup counter '${name}'`);
    slot = { id: name.slice(0, last), dim, key: name.slice(dot + 1, last), column };
  }
  // Names are few (countries, methods, rules); the bound only guards against a flood of rules.
  if (partSlots.size < 100_000) partSlots.set(name, slot);
  return slot;
}

/** The counter names of a part row's columns (the inverse of partSlot), added into `into`. */
function addPartCounts(into: Counts, row: PartRow): void {
  const { dim, key } = row;
  if (dim === 'reason') {
    const n = row.prevented as number;
    if (n) into[`reason.${key}`] = (into[`reason.${key}`] ?? 0) + n;
    return;
  }
  for (const f of PART_COLUMNS) {
    const n = row[f] as number;
    if (n) into[`${dim}.${key}.${f}`] = (into[`${dim}.${key}.${f}`] ?? 0) + n;
  }
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
${partsTable('rollup_parts', 'hour')}
${partsTable('rollup_day_parts', 'day')}
`;

const DAY = 86_400_000;
const FIGURE_INDEX = new Map<string, number>(FIGURE_COUNTERS.map((f, i) => [f, i]));
const figureColumns = FIGURE_COUNTERS.map((f) => `"${f}"`).join(', ');
const figureJsonArrays = FIGURE_COUNTERS.map((f) => `json_group_array("${f}") AS "${f}"`).join(', ');
const figureSums = FIGURE_COUNTERS.map((f) => `sum("${f}") AS "${f}"`).join(', ');
/**
 * Adds one row's sums. One prepared statement run per summed row: measured twice as fast as handing
 * SQLite the batch's rows as one JSON array for json_each (extracting every column from JSON costs
 * more than a call), and as fast as multi-row VALUES statements.
 */
const ADD_HOURS = `INSERT INTO rollup_hours (tenant, hour, ${figureColumns})
  VALUES (?, ?, ${FIGURE_COUNTERS.map(() => '?').join(', ')})
  ON CONFLICT (tenant, hour) DO UPDATE SET ${FIGURE_COUNTERS.map((f) => `"${f}" = "${f}" + excluded."${f}"`).join(', ')}`;
const partColumns = PART_COLUMNS.map((f) => `"${f}"`).join(', ');
const partSums = PART_COLUMNS.map((f) => `sum("${f}") AS "${f}"`).join(', ');
const addParts = (table: string, at: string) => `INSERT INTO ${table} (tenant, ${at}, dim, key, ${partColumns})
  VALUES (?, ?, ?, ?, ${PART_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (tenant, ${at}, dim, key) DO UPDATE SET ${PART_COLUMNS.map((f) => `"${f}" = "${f}" + excluded."${f}"`).join(', ')}`;

/** A part row being summed: its dimension and key, then the PART_COLUMNS values. */
type PartSum = [string, string, ...number[]];

/** What one batch adds: per hour the figures (in FIGURE_COUNTERS order) and the part rows by id. */
interface HourSum {
  figures: number[];
  parts: Map<string, PartSum>;
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
  readonly #addParts: StatementSync;
  readonly #addDayParts: StatementSync;
  readonly #hoursRange: StatementSync;
  readonly #partsRange: StatementSync;
  readonly #figuresColumns: StatementSync;
  readonly #figureTotals: StatementSync;
  readonly #partTotals: StatementSync;

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
    this.#addParts = this.#db.prepare(addParts('rollup_parts', 'hour'));
    this.#addDayParts = this.#db.prepare(addParts('rollup_day_parts', 'day'));
    const inRange = 'tenant = ? AND hour >= ? AND hour < ?';
    this.#hoursRange = this.#db.prepare(
      `SELECT hour, ${figureColumns} FROM rollup_hours WHERE ${inRange} ORDER BY hour`,
    );
    this.#partsRange = this.#db.prepare(
      `SELECT hour, dim, key, ${partColumns} FROM rollup_parts WHERE ${inRange} ORDER BY hour`,
    );
    // One row of JSON arrays (one per column), built in C: the series' columns without a JavaScript
    // object per hour. The inner ORDER BY keeps the hours ascending.
    this.#figuresColumns = this.#db.prepare(
      `SELECT json_group_array(hour) AS hours, ${figureJsonArrays} FROM (SELECT hour, ${figureColumns} FROM rollup_hours WHERE ${inRange} ORDER BY hour)`,
    );
    this.#figureTotals = this.#db.prepare(`SELECT ${figureSums} FROM rollup_hours WHERE ${inRange}`);
    // Whole UTC days from the day rows, the hours before the first and after the last from the hour rows.
    this.#partTotals = this.#db.prepare(
      `SELECT dim, key, ${partSums} FROM (
        SELECT dim, key, ${partColumns} FROM rollup_day_parts WHERE tenant = :tenant AND day >= :dayFrom AND day < :dayTo
        UNION ALL SELECT dim, key, ${partColumns} FROM rollup_parts WHERE tenant = :tenant AND hour >= :from AND hour < :dayFrom
        UNION ALL SELECT dim, key, ${partColumns} FROM rollup_parts WHERE tenant = :tenant AND hour >= :dayTo AND hour < :to
      ) GROUP BY dim, key`,
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
    return guardStore('profiles', this, undefined, { reads: PROFILE_READS });
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
      const record = readRecord(JSON.parse(row.body) as CustomerRecord);
      found.set(record.id, record);
    }
    return found;
  }

  async write(tenant: string, events: StoredEvent[], customers: CustomerRecord[]): Promise<void> {
    this.#db.exec('BEGIN');
    try {
      // Counts of the events stored by this write, summed per hour and part row, then one upsert per row.
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
          hours.set(hour, (sum = { figures: new Array<number>(FIGURE_COUNTERS.length).fill(0), parts: new Map() }));
        for (const name in e.counts) {
          const i = FIGURE_INDEX.get(name);
          if (i !== undefined) {
            sum.figures[i]! += e.counts[name]!;
            continue;
          }
          const slot = partSlot(name);
          let part = sum.parts.get(slot.id);
          if (!part) sum.parts.set(slot.id, (part = newPart(slot)));
          (part[slot.column + 2] as number) += e.counts[name]!;
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
    const days = new Map<number, Map<string, PartSum>>();
    for (const [hour, sum] of hours) {
      this.#addHours.run(tenant, hour, ...sum.figures);
      if (sum.parts.size === 0) continue;
      const day = Math.floor(hour / DAY) * DAY;
      let dayParts = days.get(day);
      if (!dayParts) days.set(day, (dayParts = new Map()));
      for (const [id, part] of sum.parts) {
        this.#addParts.run(tenant, hour, ...part);
        const dayPart = dayParts.get(id);
        if (!dayPart) dayParts.set(id, [...part]);
        else for (let i = 2; i < part.length; i++) (dayPart[i] as number) += part[i] as number;
      }
    }
    for (const [day, parts] of days) for (const part of parts.values()) this.#addDayParts.run(tenant, day, ...part);
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
    for (const row of this.#partsRange.all(tenant, from, to) as PartRow[]) {
      let counts = buckets.get(row.hour!);
      if (!counts) buckets.set(row.hour!, (counts = {}));
      addPartCounts(counts, row);
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
    for (const row of this.#partTotals.all({ tenant, from: first, to: end, dayFrom, dayTo }) as PartRow[]) {
      addPartCounts(totals, row);
    }
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
 * Older files are moved into the tables above once, in one transaction, when the store opens: the
 * first version kept one JSON row per (tenant, hour) in `rollups`; the second one row per counter
 * name per hour in `rollup_keys` (and per UTC day in `rollup_day_keys`). The day rows are then
 * rebuilt from the hour rows.
 */
function migrateRollups(db: DatabaseSync): void {
  const has = (name: string) =>
    db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
  const json = has('rollups');
  const keys = has('rollup_keys');
  if (!json && !keys) return;
  const figureNames = FIGURE_COUNTERS.map((f) => `'${f}'`).join(', ');
  db.exec('BEGIN');
  try {
    if (json) {
      db.exec(`INSERT INTO rollup_hours (tenant, hour, ${figureColumns})
        SELECT tenant, hour, ${FIGURE_COUNTERS.map((f) => `coalesce(body->>'$."${f}"', 0)`).join(', ')} FROM rollups WHERE true
        ON CONFLICT (tenant, hour) DO UPDATE SET ${FIGURE_COUNTERS.map((f) => `"${f}" = "${f}" + excluded."${f}"`).join(', ')}`);
      db.exec(
        movePartsFrom(
          `SELECT r.tenant, r.hour, j.key AS name, j.value AS n FROM rollups r, json_each(r.body) j WHERE j.key NOT IN (${figureNames})`,
        ),
      );
      db.exec('DROP TABLE rollups');
    }
    if (keys) {
      db.exec(movePartsFrom('SELECT tenant, hour, name, n FROM rollup_keys'));
      db.exec('DROP TABLE rollup_keys; DROP TABLE IF EXISTS rollup_day_keys');
    }
    db.exec(`DELETE FROM rollup_day_parts`);
    db.exec(`INSERT INTO rollup_day_parts (tenant, day, dim, key, ${partColumns})
      SELECT tenant, hour - hour % ${DAY}, dim, key, ${partSums} FROM rollup_parts GROUP BY 1, 2, 3, 4`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Adds counters named as countsOf names them, from `source` (tenant, hour, name, n), into their part
 * rows (partSlot in SQL: the text up to the last '.' is `rtrim(name, <every other character>)`).
 */
function movePartsFrom(source: string): string {
  const upToLastDot = `length(rtrim(name, replace(name, '.', '')))`;
  return `INSERT INTO rollup_parts (tenant, hour, dim, key, ${partColumns})
    SELECT tenant, hour, dim, key, ${PART_COLUMNS.map((f) => `sum(CASE figure WHEN '${f}' THEN n ELSE 0 END)`).join(', ')}
    FROM (
      SELECT tenant, hour, n, substr(name, 1, instr(name, '.') - 1) AS dim,
        CASE WHEN substr(name, 1, 7) = 'reason.' THEN substr(name, 8)
          ELSE substr(name, instr(name, '.') + 1, ${upToLastDot} - instr(name, '.') - 1) END AS key,
        CASE WHEN substr(name, 1, 7) = 'reason.' THEN 'prevented' ELSE substr(name, ${upToLastDot} + 1) END AS figure
      FROM (${source})
    )
    WHERE dim IN ('reason', ${[...PART_DIMENSIONS].map((d) => `'${d}'`).join(', ')}) GROUP BY tenant, hour, dim, key
    ON CONFLICT (tenant, hour, dim, key) DO UPDATE SET ${PART_COLUMNS.map((f) => `"${f}" = "${f}" + excluded."${f}"`).join(', ')}`;
}

interface PartRow {
  hour?: number;
  dim: string;
  key: string;
  [column: string]: number | string | undefined;
}

function newPart(slot: PartSlot): PartSum {
  const part: PartSum = [slot.dim, slot.key];
  for (let i = 0; i < PART_COLUMNS.length; i++) part.push(0);
  return part;
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
