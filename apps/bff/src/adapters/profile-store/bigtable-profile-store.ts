// ProfileStore on Bigtable (@google-cloud/bigtable). Row keys (docs/decisions/0004-embedded-stores-and-ingestion.md):
//   customer row  {tenant}#{customerId}                              family `profile`
//   event rows    {tenant}#{customerId}#{reverseTime}#{eventId}     family `event`
// so a customer's timeline is one prefix scan, newest first, and no key starts with a timestamp.
// A second table, `{prefix}event_ids`, maps {tenant}#{eventId} to the event row: the idempotency
// check is one batched read. Bigtable has no multi-row transactions, so a batch is written in an
// order that a retry repairs: event and customer rows, then the event-id rows last (the "commit
// marker"); a batch that failed half-way is not marked, so resending it applies it again.
// Event cells carry the ingestion time as their timestamp: graph replay scans cells written after
// the snapshot's watermark.
// Rollups live in a third table, `{prefix}rollups`: a row per tenant and hour, and per tenant and UTC day,
//   {tenant}#{YYYYMMDDHH}   family `c`: one 64-bit counter cell per figure (ReadModifyWrite increments)
//                           family `m`: one marker cell per event counted there
//   {tenant}#d{YYYYMMDD}    the same for the day ('d' sorts after the digits: a range of hour rows
//                           never holds a day row); the totals of whole days read these
// Increments are not idempotent and Bigtable has no multi-row transaction, so exactly-once rests on
// the marker: the increments of a row (hour or day) and the markers of the events they come from are
// one ReadModifyWriteRow on that row, which Bigtable applies atomically; each row keeps its own markers. Before incrementing, the write
// reads the markers of its events and skips those already counted (a batch resent after a crash
// between the rollup and the event-id rows). Two writers racing on the same event both see no marker;
// the append then returns "11" to the second, which takes its increments back (docs/rollups.md).
import { Bigtable } from '@google-cloud/bigtable';
import type { Instance, Table } from '@google-cloud/bigtable';
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
import { guardStore, storeError } from '../store-errors.ts';
import { InvalidInput } from '../../domain/errors.ts';

export interface BigtableOptions {
  projectId: string;
  instanceId: string;
  /** host:port of the emulator (cbtemulator); unset means Google Cloud. */
  emulatorHost?: string | undefined;
  /** Table name prefix, so tests and tenants of one instance can share it. */
  tablePrefix?: string;
  /** Per-call deadline. */
  timeoutMs?: number;
  /** Signs timeline cursors (secrets.ts `signer('cursor')`); a random key when absent (tests). */
  cursorSigner?: CursorSigner;
}

const MAX_TIME = 9_999_999_999_999; // ms, year 2286
const reverse = (at: number) => String(MAX_TIME - at).padStart(13, '0');
const READ_CHUNK = 1_000;
const WRITE_CHUNK = 5_000;
/** Rollup rows of one batch incremented at once (each row is its own atomic ReadModifyWriteRow). */
const ROLLUP_CONCURRENCY = 16;
/** Events whose markers one read asks for (one column regex). */
const MARKER_CHUNK = 500;

/** Row key suffix of a rollup hour: YYYYMMDDHH (UTC), so a tenant's hours sort in time order. */
const hourKey = (hour: number) => new Date(hour).toISOString().slice(0, 13).replace(/[-T]/g, '');
const DAY = 86_400_000;
/** Row key suffix of a rollup day: dYYYYMMDD (UTC). */
const dayKey = (day: number) => `d${hourKey(day).slice(0, 8)}`;
const hourOfKey = (key: string) =>
  Date.UTC(+key.slice(0, 4), +key.slice(4, 6) - 1, +key.slice(6, 8), +key.slice(8, 10));
/** The qualifiers of the plain figures (a column filter: the series reads no breakdown cells). */
const FIGURE_COLUMNS = new RegExp(`^(${FIGURE_COUNTERS.join('|')})$`);
/** Event ids hold [A-Za-z0-9._:@-] (libs/contracts ID_PATTERN): escape the regex metacharacter '.'. */
const escapeId = (id: string) => id.replace(/[.\\^$|?*+()[\]{}]/g, '\\$&');

interface ReadModifyWriteResponse {
  row?: {
    families?: {
      name: string;
      columns?: { qualifier: Buffer | Uint8Array; cells?: { value: Buffer | Uint8Array }[] }[];
    }[];
  };
}

type Cells = Record<string, Record<string, { value: string | Buffer; timestamp?: string | number }[]>>;
interface Row {
  id: string;
  data: Cells;
}

export class BigtableProfileStore implements ProfileStore {
  readonly #client: Bigtable;
  readonly #instance: Instance;
  readonly #rows: Table;
  readonly #ids: Table;
  readonly #rollups: Table;
  readonly #names: { rows: string; ids: string; rollups: string };
  /** Test hook: the next write fails every rollup row after this many were incremented (once). */
  failRollupsAfter: number | undefined;
  readonly #timeoutMs: number;
  readonly #cursors: TimelineCursors;

  private constructor(options: BigtableOptions) {
    this.#client = new Bigtable({
      projectId: options.projectId,
      // Without this the client hunts for Google credentials first (slow, MetadataLookupWarning).
      universeDomain: 'googleapis.com',
      ...(options.emulatorHost ? { apiEndpoint: options.emulatorHost } : {}),
      metricsEnabled: false,
    } as ConstructorParameters<typeof Bigtable>[0]);
    this.#instance = this.#client.instance(options.instanceId);
    const prefix = options.tablePrefix ?? '';
    this.#names = { rows: `${prefix}customers`, ids: `${prefix}event_ids`, rollups: `${prefix}rollups` };
    this.#rows = this.#instance.table(this.#names.rows);
    this.#ids = this.#instance.table(this.#names.ids);
    this.#rollups = this.#instance.table(this.#names.rollups);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#cursors = new TimelineCursors(options.cursorSigner ?? ephemeralSigner());
  }

  /** Connects and creates the tables and column families if missing. */
  static async open(options: BigtableOptions): Promise<BigtableProfileStore> {
    const store = new BigtableProfileStore(options);
    try {
      await store.#ensureTable(store.#names.rows, ['profile', 'event']);
      await store.#ensureTable(store.#names.ids, ['id']);
      await store.#ensureTable(store.#names.rollups, ['c', 'm']);
    } catch (error) {
      throw storeError('profiles', error);
    }
    // Callers only ever see domain errors (store-errors.ts), never gRPC's.
    return guardStore('profiles', store, undefined, { reads: PROFILE_READS });
  }

  async #ensureTable(name: string, families: string[]): Promise<void> {
    const table = this.#instance.table(name);
    const [exists] = await this.#deadline(table.exists());
    if (!exists) {
      try {
        // Keep only the latest cell per column: rows are rewritten whole.
        await this.#deadline(
          this.#instance.createTable(name, {
            families: families.map((f) => ({ name: f, rule: { versions: 1 } })),
          } as never),
        );
      } catch (error) {
        if ((error as { code?: number }).code !== 6) throw error; // 6 = ALREADY_EXISTS (a racing replica)
      }
      return;
    }
    const [have] = await this.#deadline(table.getFamilies());
    for (const f of families) {
      if (!have.some((h) => h.id === f))
        await this.#deadline(table.createFamily(f, { rule: { versions: 1 } } as never));
    }
  }

  #deadline<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout;
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Bigtable call timed out after ${this.#timeoutMs} ms`)),
          this.#timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async #getRows(table: Table, keys: string[]): Promise<Row[]> {
    const out: Row[] = [];
    for (let i = 0; i < keys.length; i += READ_CHUNK) {
      const [rows] = await this.#deadline(table.getRows({ keys: keys.slice(i, i + READ_CHUNK) }));
      out.push(...(rows as unknown as Row[]));
    }
    return out;
  }

  async existingEvents(tenant: string, eventIds: string[]): Promise<Set<string>> {
    keyParts(tenant, eventIds);
    if (eventIds.length === 0) return new Set();
    const rows = await this.#getRows(
      this.#ids,
      [...new Set(eventIds)].map((id) => `${tenant}#${id}`),
    );
    return new Set(rows.map((r) => r.id.slice(tenant.length + 1)));
  }

  async getCustomers(tenant: string, ids: string[]): Promise<Map<string, CustomerRecord>> {
    keyParts(tenant, ids);
    const found = new Map<string, CustomerRecord>();
    if (ids.length === 0) return found;
    const rows = await this.#getRows(
      this.#rows,
      [...new Set(ids)].map((id) => `${tenant}#${id}`),
    );
    for (const row of rows) {
      const cell = row.data.profile?.body?.[0];
      if (!cell) continue;
      const record = readRecord(JSON.parse(String(cell.value)) as CustomerRecord);
      found.set(record.id, record);
    }
    return found;
  }

  async write(tenant: string, events: StoredEvent[], customers: CustomerRecord[]): Promise<void> {
    keyParts(tenant, [...events.flatMap((e) => [e.customerId, e.eventId]), ...customers.map((c) => c.id)]);
    const now = Date.now() * 1000; // cell timestamps are microseconds
    const eventKey = (e: StoredEvent) => `${tenant}#${e.customerId}#${reverse(e.at)}#${e.eventId}`;
    const eventRows = events.map((e) => ({
      key: eventKey(e),
      data: { event: { body: { value: e.json ?? JSON.stringify(e.event), timestamp: now } } },
      method: 'insert',
    }));
    const customerRows = customers.map((c) => ({
      key: `${tenant}#${c.id}`,
      data: { profile: { body: { value: JSON.stringify(c), timestamp: now } } },
      method: 'insert',
    }));
    const idRows = events.map((e) => ({
      key: `${tenant}#${e.eventId}`,
      data: { id: { row: { value: eventKey(e), timestamp: now } } },
      method: 'insert',
    }));
    // Event and customer rows in one request stream, then the rollups, then the event-id rows (the
    // commit marker): a batch that fails before its marker is resent whole, and the rollup markers
    // keep its counts from being added twice.
    await this.#mutate(this.#rows, [...eventRows, ...customerRows]);
    await this.#count(tenant, events);
    await this.#mutate(this.#ids, idRows);
  }

  /** Adds the events' counts to their hour and day rows, each event at most once per row (see the header). */
  async #count(tenant: string, events: StoredEvent[]): Promise<void> {
    const byRow = new Map<string, StoredEvent[]>();
    const add = (key: string, e: StoredEvent) => {
      let list = byRow.get(key);
      if (!list) byRow.set(key, (list = []));
      list.push(e);
    };
    for (const e of events) {
      if (!e.counts) continue;
      const hour = Math.floor(e.at / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
      add(`${tenant}#${hourKey(hour)}`, e);
      add(`${tenant}#${dayKey(hour)}`, e);
    }
    // Rows are independent (each one's increments and markers are one atomic ReadModifyWriteRow), so
    // up to ROLLUP_CONCURRENCY of them are in flight at once instead of one round trip after another.
    // The test hook fails every row past the first `failAfter` of the batch (the first event's hour
    // row, its day row, the next hour's row, …), once.
    const failAfter = this.failRollupsAfter;
    this.failRollupsAfter = undefined;
    const rows = [...byRow].map(([key, list], i) => ({ key, list, fail: failAfter !== undefined && i >= failAfter }));
    await eachLimited(rows, ROLLUP_CONCURRENCY, async ({ key, list, fail }) => {
      const counted = await this.#markers(key, list);
      const fresh = list.filter((e) => !counted.has(e.eventId));
      if (fresh.length === 0) return;
      if (fail) throw new Error('injected failure between rollup rows');
      const sum = sumCounts(fresh);
      const rules: { column: string; increment?: number; append?: string }[] = [];
      for (const name in sum) if (sum[name] !== 0) rules.push({ column: `c:${name}`, increment: sum[name] });
      for (const e of fresh) rules.push({ column: `m:${e.eventId}`, append: '1' });
      const [response] = (await this.#deadline(this.#rollups.row(key).createRules(rules))) as [ReadModifyWriteResponse];
      // A marker longer than one character: another writer counted that event first. Take back ours.
      const repeated = new Set<string>();
      for (const family of response.row?.families ?? []) {
        if (family.name !== 'm') continue;
        for (const column of family.columns ?? []) {
          if ((column.cells?.[0]?.value.length ?? 0) > 1) repeated.add(Buffer.from(column.qualifier).toString());
        }
      }
      if (repeated.size > 0) {
        const back = sumCounts(fresh.filter((e) => repeated.has(e.eventId)));
        const undo = Object.entries(back)
          .filter(([, n]) => n !== 0)
          .map(([name, n]) => ({ column: `c:${name}`, increment: -n }));
        if (undo.length > 0) await this.#deadline(this.#rollups.row(key).createRules(undo));
      }
    });
  }

  /** Which of these events already carry a marker in the rollup row `key`. */
  async #markers(key: string, events: StoredEvent[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < events.length; i += MARKER_CHUNK) {
      const ids = events.slice(i, i + MARKER_CHUNK).map((e) => escapeId(e.eventId));
      const [rows] = await this.#deadline(
        this.#rollups.getRows({
          keys: [key],
          filter: [{ family: 'm' }, { column: new RegExp(`^(${ids.join('|')})$`) }, { value: { strip: true } }],
        } as never),
      );
      for (const row of rows as unknown as Row[]) for (const id of Object.keys(row.data.m ?? {})) found.add(id);
    }
    return found;
  }

  async rollups(tenant: string, from: number, to: number): Promise<RollupBucket[]> {
    return this.#readRollups(tenant, from, to, false);
  }

  async rollupFigures(tenant: string, from: number, to: number): Promise<HourlyFigures> {
    const buckets = await this.#readRollups(tenant, from, to, true);
    const figures = {} as Record<FigureCounter, number[]>;
    for (const f of FIGURE_COUNTERS) figures[f] = buckets.map((b) => b.counts[f] ?? 0);
    return { hours: buckets.map((b) => b.hour), figures };
  }

  /**
   * Adds up the day rows of the whole UTC days in the range and the hour rows of the partial days at
   * either end: a 90-day range reads about 90 + 46 rows instead of 2,160, in one request.
   */
  async rollupTotals(
    tenant: string,
    from: number,
    to: number,
    options: { figuresOnly?: boolean } = {},
  ): Promise<Counts> {
    keyParts(tenant, []);
    // Hour rows in [from, to) are those in [first, end): both on hour boundaries.
    const first = Math.ceil(from / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
    const end = Math.max(first, Math.ceil(to / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS);
    const dayFrom = Math.ceil(first / DAY) * DAY;
    const dayTo = Math.floor(end / DAY) * DAY;
    const ranges =
      dayFrom < dayTo
        ? [
            [`${tenant}#${hourKey(first)}`, `${tenant}#${hourKey(dayFrom)}`],
            [`${tenant}#${dayKey(dayFrom)}`, `${tenant}#${dayKey(dayTo)}`],
            [`${tenant}#${hourKey(dayTo)}`, `${tenant}#${hourKey(end)}`],
          ]
        : [[`${tenant}#${hourKey(first)}`, `${tenant}#${hourKey(end)}`]];
    const sum: Counts = {};
    for (const row of await this.#readRows(
      ranges.filter(([start, stop]) => start! < stop!),
      options.figuresOnly ?? false,
    )) {
      const counts = countsOfRow(row);
      for (const name in counts) sum[name] = (sum[name] ?? 0) + counts[name]!;
    }
    for (const name in sum) if (sum[name] === 0) delete sum[name];
    return sum;
  }

  /** The hour rows in [from, to), family `c` (with `figuresOnly`, the FIGURE_COUNTERS cells alone). */
  async #readRollups(tenant: string, from: number, to: number, figuresOnly: boolean): Promise<RollupBucket[]> {
    keyParts(tenant, []);
    if (to <= from) return [];
    const start = `${tenant}#${hourKey(from)}`;
    const end = `${tenant}#${hourKey(Math.ceil(to / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS)}`;
    const out: RollupBucket[] = [];
    for (const row of await this.#readRows([[start, end]], figuresOnly)) {
      const hour = hourOfKey(row.id.toString().slice(tenant.length + 1));
      if (hour < from || hour >= to) continue;
      out.push({ hour, counts: countsOfRow(row) });
    }
    return out;
  }

  /** Rollup rows in the key ranges [start, end), family `c` (with `figuresOnly`, the figure cells alone). */
  async #readRows(ranges: string[][], figuresOnly: boolean): Promise<RollupRow[]> {
    if (ranges.length === 0) return [];
    const [rows] = await this.#deadline(
      this.#rollups.getRows({
        ranges: ranges.map(([start, end]) => ({ start, end: { value: end, inclusive: false } })),
        filter: figuresOnly ? [{ family: 'c' }, { column: FIGURE_COLUMNS }] : { family: 'c' },
      } as never),
    );
    return rows as unknown as RollupRow[];
  }

  async #mutate(table: Table, entries: object[]): Promise<void> {
    for (let i = 0; i < entries.length; i += WRITE_CHUNK) {
      // `method: 'insert'` on each entry: @google-cloud/bigtable 7 needs it (docs/toolchain.md).
      await this.#deadline(
        table.mutate(
          entries.slice(i, i + WRITE_CHUNK) as Parameters<Table['mutate']>[0],
          {
            gaxOptions: { timeout: this.#timeoutMs },
          } as never,
        ),
      );
    }
  }

  async timeline(
    tenant: string,
    customerId: string,
    { before, limit }: { before?: string; limit: number },
  ): Promise<TimelinePage> {
    keyParts(tenant, [customerId]);
    const prefix = `${tenant}#${customerId}#`;
    const cursor = before ? this.#cursors.decode(tenant, customerId, before) : undefined;
    const start = cursor ? { value: `${prefix}${reverse(cursor.at)}#${cursor.eventId}`, inclusive: false } : prefix;
    // '$' sorts right after '#': the end of this customer's event rows.
    const [rows] = await this.#deadline(
      this.#rows.getRows({
        ranges: [{ start, end: { value: `${tenant}#${customerId}$`, inclusive: false } }],
        limit: limit + 1,
        filter: { family: 'event' },
      } as never),
    );
    const events = (rows as unknown as Row[]).slice(0, limit).map((row) => {
      const event = JSON.parse(String(row.data.event.body[0].value));
      return toStored(event);
    });
    const last = events.at(-1);
    return rows.length > limit && last
      ? { events, next: this.#cursors.encode(tenant, customerId, last.at, last.eventId) }
      : { events };
  }

  async mark(): Promise<number> {
    return Date.now();
  }

  async replay(since: number, onBatch: (tenant: string, events: StoredEvent[]) => void | Promise<void>): Promise<void> {
    const stream = this.#rows.createReadStream({
      filter: [{ family: 'event' }, { time: { start: new Date(since) } }],
    } as never);
    let tenant = '';
    let batch: StoredEvent[] = [];
    const flush = async () => {
      if (batch.length)
        await onBatch(
          tenant,
          batch.sort((a, b) => a.at - b.at),
        );
      batch = [];
    };
    for await (const row of stream as AsyncIterable<Row>) {
      const cell = row.data.event?.body?.[0];
      if (!cell) continue;
      const rowTenant = row.id.slice(0, row.id.indexOf('#'));
      if (rowTenant !== tenant || batch.length >= 5_000) {
        await flush();
        tenant = rowTenant;
      }
      batch.push(toStored(JSON.parse(String(cell.value))));
    }
    await flush();
  }

  async countCustomers(tenant: string): Promise<number> {
    keyParts(tenant, []);
    let n = 0;
    const stream = this.#rows.createReadStream({
      prefix: `${tenant}#`,
      filter: [{ family: 'profile' }, { value: { strip: true } }],
    } as never);
    for await (const _row of stream) n++;
    return n;
  }

  async ping(): Promise<void> {
    await this.#deadline(this.#rows.getRows({ limit: 1, filter: { value: { strip: true } } } as never));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** Test probe: the raw row keys under a prefix, to check the key design itself. */
  async rawKeys(prefix: string): Promise<string[]> {
    const [rows] = await this.#rows.getRows({ prefix, filter: { value: { strip: true } } } as never);
    return (rows as unknown as Row[]).map((r) => r.id);
  }

  /** Test helper: drops this store's tables. */
  async dropTables(): Promise<void> {
    await this.#rows.delete().catch(() => undefined);
    await this.#ids.delete().catch(() => undefined);
    await this.#rollups.delete().catch(() => undefined);
  }
}

/**
 * Runs fn over the items, at most `limit` at a time. Every item is tried; the first error is thrown
 * once all have settled (nothing is left in flight behind the caller's back).
 */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

interface RollupRow {
  id: Buffer | string;
  data: Record<string, Record<string, { value: Buffer | number }[]>>;
}

/** The counter cells of a rollup row. */
function countsOfRow(row: RollupRow): Counts {
  const counts: Counts = {};
  for (const [name, cells] of Object.entries(row.data.c ?? {})) {
    const value = cells[0]?.value;
    // Increments keep 64-bit big-endian integers; the client already reads 8-byte cells as numbers.
    if (typeof value === 'number') counts[name] = value;
    else if (value && value.length === 8) counts[name] = Number(Buffer.from(value).readBigInt64BE(0));
  }
  return counts;
}

function sumCounts(events: StoredEvent[]): Counts {
  const sum: Counts = {};
  for (const e of events) for (const name in e.counts) sum[name] = (sum[name] ?? 0) + e.counts[name]!;
  return sum;
}

/**
 * Row keys join tenant, customer and event ids with '#': a part that is empty or holds '#' could
 * name another customer's or tenant's rows (tenant "a#b" reads tenant "a"'s customer "b#…"). The
 * API's schemas and the tenants table already refuse such ids; the store refuses them too.
 */
function keyParts(tenant: string, ids: string[]): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(tenant)) throw new InvalidInput('tenant', 'is not a tenant id');
  for (const id of ids) {
    if (id === '' || id.includes('#')) throw new InvalidInput('id', 'must be non-empty and hold no "#"');
  }
}

function toStored(event: StoredEvent['event']): StoredEvent {
  return {
    eventId: event.eventId,
    customerId: event.customerId,
    type: event.type,
    at: Date.parse(event.timestamp),
    event,
  };
}
