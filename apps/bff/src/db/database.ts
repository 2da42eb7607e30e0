// One SQL surface over two engines: node-postgres against a real server (DATABASE_URL) and
// PGlite (PostgreSQL in WASM) for the embedded default. Same SQL, same migrations, same RLS.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** One parameterised statement of a batch. */
export interface Statement {
  sql: string;
  params?: unknown[];
}

/** The rows of each statement of a batch, in order. */
export type BatchResult<R extends object[]> = { [K in keyof R]: { rows: R[K][] } };

/** A transaction in progress: a Queryable that can also send several statements in one round trip. */
export interface Transaction extends Queryable {
  /**
   * Runs the statements in order in one round trip (node-postgres: one simple-protocol message,
   * each parameterised statement PREPAREd once per connection and sent as `EXECUTE name(literals)`,
   * the parameters as escaped literals; PGlite: one after another). Each statement sees the rows
   * committed before it starts, as separate statements would.
   */
  batch<R extends object[]>(statements: { [K in keyof R]: Statement }): Promise<BatchResult<R>>;
  /**
   * Runs the statements as the transaction's last and commits in the same round trip, so locks
   * taken by them (the audit chain's, migration 012) are held for no further round trip nor for
   * the commit's WAL flush (node-postgres: ASYNC_COMMIT and FLUSH_BARRIER below); it resolves once
   * the commit is durable. Nothing may be run on the transaction afterwards.
   */
  commitWith<R extends object[]>(statements: { [K in keyof R]: Statement }): Promise<BatchResult<R>>;
}

export interface Database extends Queryable {
  readonly engine: 'postgres' | 'pglite';
  /** Runs fn in one transaction; rolls back on throw. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs fn in a transaction as the unprivileged application role with the tenant set for
   * row-level security. The tenant always comes from the authenticated principal.
   */
  withTenant<T>(tenant: string, fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The role RLS applies to: not a table owner, no BYPASSRLS (created by migration 001). */
export const APP_ROLE = 'redoubt_app';

/** A parameter as an SQL literal (what node-postgres would send for it, quoted and escaped). */
function literal(client: pg.PoolClient, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return client.escapeLiteral(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot inline the number ${value}`);
    return client.escapeLiteral(String(value));
  }
  if (typeof value === 'bigint') return client.escapeLiteral(String(value));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) {
    const element = (v: unknown) =>
      v === null || v === undefined ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`;
    return client.escapeLiteral(`{${value.map(element).join(',')}}`);
  }
  return client.escapeLiteral(JSON.stringify(value));
}

/** The statement with each $n replaced by its parameter's literal. */
function inlined(client: pg.PoolClient, { sql, params = [] }: Statement): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= params.length) throw new RangeError(`$${n} has no parameter`);
    return literal(client, params[i]);
  });
}

/**
 * The statements a connection has PREPAREd (SQL text → name). A script of literals is parsed,
 * analysed and planned again on every run, which was about a third of the server's CPU per review
 * write (docs/decisions/0006-reviews-and-the-queue.md); `EXECUTE name(literals)` reuses the plan.
 */
const prepared = new WeakMap<pg.PoolClient, Map<string, string>>();
/** Bounds the plans a connection keeps; statements past it are sent as literals. */
const PREPARED_PER_CONNECTION = 200;
let preparedNames = 0;

/**
 * Prepares each parameterised statement this connection has not prepared yet, one PREPARE per
 * round trip (so a failed one leaves no doubt about which exist), once per connection and statement.
 */
async function prepare(client: pg.PoolClient, statements: readonly Statement[]): Promise<void> {
  let names = prepared.get(client);
  if (!names) prepared.set(client, (names = new Map()));
  for (const { sql, params } of statements) {
    if (!params?.length || names.has(sql) || names.size >= PREPARED_PER_CONNECTION) continue;
    const name = `redoubt_${++preparedNames}`;
    await client.query(`PREPARE ${name} AS ${sql}`);
    names.set(sql, name);
  }
}

/**
 * Statements as one simple-protocol script: a prepared statement as `EXECUTE name(literals)`, any
 * other with each $n replaced by its parameter's literal.
 */
function script(client: pg.PoolClient, statements: readonly Statement[]): string {
  const names = prepared.get(client);
  return statements
    .map((statement) => {
      const name = statement.params?.length ? names?.get(statement.sql) : undefined;
      if (!name) return inlined(client, statement);
      return `EXECUTE ${name}(${statement.params!.map((v) => literal(client, v)).join(', ')})`;
    })
    .join(';\n');
}

/** The rows of each statement of a simple-protocol script (one result, or one per statement). */
function results(answer: pg.QueryResult | pg.QueryResult[], count: number): { rows: object[] }[] {
  const all = Array.isArray(answer) ? answer : [answer];
  if (all.length !== count) throw new Error(`expected ${count} results, got ${all.length}`);
  return all.map((r) => ({ rows: r.rows }));
}

/**
 * commitWith's COMMIT returns once its record is in the WAL buffers, not on disk, so the locks the
 * transaction holds (the tenant's audit chain, migration 012) are released before the flush and the
 * next writer does not queue behind this one's fsync. The answer still waits for the flush:
 * FLUSH_BARRIER, sent after the COMMIT in the same message, is a transaction of its own that writes
 * WAL and commits synchronously, so it returns only once the WAL up to and past this COMMIT is
 * durable (flushes of concurrent writers are grouped by the server). A crash before the flush loses
 * only a write nobody was answered for, and with it every write that built on it (the next audit
 * row links to it), as those committed later in the WAL: docs/decisions/0006-reviews-and-the-queue.md.
 */
const ASYNC_COMMIT: Statement = { sql: 'SET LOCAL synchronous_commit = off' };
/** setval always writes WAL (nextval only every 32 calls); the sequence is migration 007's. */
const FLUSH_BARRIER: Statement = { sql: "SELECT setval('commit_flush_barrier', 1)" };

/**
 * A transaction on one pooled client. BEGIN (with the role and tenant) is sent lazily: with the
 * first batch, in the same message, or on its own before the first plain query.
 */
interface PgTransactionState {
  /** The BEGIN script's statements, not sent yet; undefined once sent. */
  begin: Statement[] | undefined;
  committed: boolean;
}

function wrapPg(client: pg.PoolClient, state: PgTransactionState): Transaction {
  const open = async () => {
    if (state.committed) throw new Error('the transaction has already committed');
    if (state.begin) {
      const begin = state.begin;
      state.begin = undefined;
      await client.query(script(client, begin));
    }
  };
  const run = async (statements: readonly Statement[], commit: boolean) => {
    if (state.committed) throw new Error('the transaction has already committed');
    const head = [...(state.begin ?? []), ...(commit ? [ASYNC_COMMIT] : [])];
    const all = [...head, ...statements, ...(commit ? [{ sql: 'COMMIT' }, FLUSH_BARRIER] : [])];
    // Before BEGIN is sent, a PREPARE runs outside the transaction; after, a failed one fails it.
    await prepare(client, all);
    state.begin = undefined;
    if (commit) state.committed = true;
    const answer = (await client.query(script(client, all))) as pg.QueryResult | pg.QueryResult[];
    return results(answer, all.length).slice(head.length, head.length + statements.length);
  };
  return {
    query: async (sql, params) => {
      await open();
      return client.query(sql, params) as never;
    },
    exec: async (sql) => {
      await open();
      await client.query(sql);
    },
    batch: (statements) => run(statements, false) as never,
    commitWith: (statements) => run(statements, true) as never,
  };
}

async function enterTenant(tx: Queryable, tenant: string): Promise<void> {
  await tx.query(`SET LOCAL ROLE ${APP_ROLE}`);
  await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
}

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    // The client's own bound, for a server that stops answering (statement_timeout is the server's).
    query_timeout: 15_000,
    keepAlive: true,
    idle_in_transaction_session_timeout: 15_000,
    application_name: 'redoubt-bff',
  });
  // Without a listener, an idle client's error (server restart, terminated backend) kills the process.
  pool.on('error', () => {});
  // The same for a client while it is checked out (a transaction between statements; pool.query
  // listens once, and a dead connection can emit twice): pg emits the connection's end on the
  // client, where no one else listens. The query in flight fails by itself, and the pool drops a
  // client that is no longer queryable when it is released (test/hardening/faults.test.ts).
  pool.on('connect', (client) => client.on('error', () => {}));
  const transaction = async <T>(fn: (tx: Transaction) => Promise<T>, tenant?: string): Promise<T> => {
    const client = await pool.connect();
    // BEGIN, the role, and the tenant for row-level security as one script, sent with the
    // transaction's first batch (or alone before its first query): no round trip of its own.
    const state: PgTransactionState = {
      begin:
        tenant === undefined
          ? [{ sql: 'BEGIN' }]
          : [
              { sql: 'BEGIN' },
              { sql: `SET LOCAL ROLE ${APP_ROLE}` },
              { sql: `SELECT set_config('app.tenant_id', $1, true)`, params: [tenant] },
            ],
      committed: false,
    };
    try {
      const result = await fn(wrapPg(client, state));
      // Nothing sent: nothing to commit.
      if (!state.committed && !state.begin) await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!state.begin) await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    engine: 'postgres',
    query: (sql, params) => pool.query(sql, params) as never,
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: (fn) => transaction(fn),
    withTenant: (tenant, fn) => transaction(fn, tenant),
    close: () => pool.end(),
  };
}

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // PGlite has one connection: serialise transactions so they never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const transaction = <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> => {
    const run = queue.then(() =>
      db.transaction((tx) => {
        // In process there is no round trip to save: a batch is its statements one after another,
        // and commitWith leaves the commit to the transaction's end.
        const committed = { done: false };
        const batch = async (statements: readonly Statement[]) => {
          if (committed.done) throw new Error('the transaction has already committed');
          const out: { rows: object[] }[] = [];
          for (const { sql, params } of statements) out.push({ rows: (await tx.query(sql, params)).rows as object[] });
          return out;
        };
        return fn({
          query: (sql, params) => tx.query(sql, params) as never,
          exec: async (sql) => {
            await tx.exec(sql);
          },
          batch: (statements) => batch(statements) as never,
          commitWith: async (statements) => {
            const out = await batch(statements);
            committed.done = true;
            return out as never;
          },
        });
      }),
    );
    queue = run.catch(() => {});
    return run;
  };
  return {
    engine: 'pglite',
    query: async (sql, params) => {
      await queue;
      return db.query(sql, params) as never;
    },
    exec: async (sql) => {
      await queue;
      await db.exec(sql);
    },
    transaction,
    withTenant: (tenant, fn) =>
      transaction(async (tx) => {
        await enterTenant(tx, tenant);
        return fn(tx);
      }),
    close: () => db.close(),
  };
}

/**
 * Applies db/migrations/NNN-name.sql in order, once each, recorded in schema_migrations.
 * An advisory lock keeps two starting replicas from migrating at the same time.
 */
export async function migrate(db: Database): Promise<string[]> {
  const dir = join(import.meta.dirname, 'migrations');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7242001)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.exec(await readFile(join(dir, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}

/** PostgreSQL when DATABASE_URL is set, else PGlite under the data folder; migrated either way. */
export async function openDatabase(config: { databaseUrl: string | undefined; dataDir: string }): Promise<Database> {
  let db: Database;
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl);
  } else {
    await mkdir(config.dataDir, { recursive: true });
    db = await openPglite(join(config.dataDir, 'pglite'));
  }
  await migrate(db);
  return db;
}
