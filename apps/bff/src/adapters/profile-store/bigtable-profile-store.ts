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
import { Bigtable } from '@google-cloud/bigtable';
import type { Instance, Table } from '@google-cloud/bigtable';
import type { CustomerRecord, ProfileStore, StoredEvent, TimelinePage } from '../../ports/profile-store.ts';
import { TimelineCursors } from './cursor.ts';
import { ephemeralSigner } from '../cursors.ts';
import type { CursorSigner } from '../cursors.ts';
import { guardStore, storeError } from '../store-errors.ts';

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
  readonly #names: { rows: string; ids: string };
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
    this.#names = { rows: `${prefix}customers`, ids: `${prefix}event_ids` };
    this.#rows = this.#instance.table(this.#names.rows);
    this.#ids = this.#instance.table(this.#names.ids);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#cursors = new TimelineCursors(options.cursorSigner ?? ephemeralSigner());
  }

  /** Connects and creates the tables and column families if missing. */
  static async open(options: BigtableOptions): Promise<BigtableProfileStore> {
    const store = new BigtableProfileStore(options);
    try {
      await store.#ensureTable(store.#names.rows, ['profile', 'event']);
      await store.#ensureTable(store.#names.ids, ['id']);
    } catch (error) {
      throw storeError('profiles', error);
    }
    // Callers only ever see domain errors (store-errors.ts), never gRPC's.
    return guardStore('profiles', store);
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
    if (eventIds.length === 0) return new Set();
    const rows = await this.#getRows(
      this.#ids,
      [...new Set(eventIds)].map((id) => `${tenant}#${id}`),
    );
    return new Set(rows.map((r) => r.id.slice(tenant.length + 1)));
  }

  async getCustomers(tenant: string, ids: string[]): Promise<Map<string, CustomerRecord>> {
    const found = new Map<string, CustomerRecord>();
    if (ids.length === 0) return found;
    const rows = await this.#getRows(
      this.#rows,
      [...new Set(ids)].map((id) => `${tenant}#${id}`),
    );
    for (const row of rows) {
      const cell = row.data.profile?.body?.[0];
      if (!cell) continue;
      const record = JSON.parse(String(cell.value)) as CustomerRecord;
      found.set(record.id, record);
    }
    return found;
  }

  async write(tenant: string, events: StoredEvent[], customers: CustomerRecord[]): Promise<void> {
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
    // Event and customer rows in one request stream; the event-id rows (the commit marker) after.
    await this.#mutate(this.#rows, [...eventRows, ...customerRows]);
    await this.#mutate(this.#ids, idRows);
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
