// A route suite's app on a real database with the real stores and signed test identities:
//
//   const t = await routeApp({ prefix: 'redoubt-audit-', tenants: { 'acme-shop': 'Acme Shop' } });
//   const lead = await t.headers({ email: 'lea@redoubt.test', role: 'lead', tenant: 'acme-shop' });
//   await t.app.inject({ method: 'GET', url, headers: lead });
//   await t.close();
//
// PGlite in a temporary directory by default; pass `open` for another database (PostgreSQL through
// test/support/backends.ts). The database is migrated and the tenants created before the app is built.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { BuildOptions } from '../../src/app.ts';
import type { AuthOptions } from '../../src/plugins/auth/index.ts';
import { migrate, openPglite, openPostgres } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { baseConfig, fakeServices } from '../auth/fake-services.ts';
import { freshPostgresDatabase, needs, postgresReachable } from './backends.ts';
import { testIdentities } from './identities.ts';
import type { TestIdentities, Who } from './identities.ts';

/**
 * Every per-principal rate limit (plugins/security.ts) raised out of the way: they still run on
 * every request, with room for the thousands a fuzz suite or a benchmark sends through a few
 * principals (hardening/fuzz.test.ts, bench/support/bff-process.ts).
 */
const HIGH = 10_000_000;
export const RAISED_LIMITS: Required<NonNullable<AuthOptions['limits']>> = {
  writesPerMinute: HIGH,
  searchesPerMinute: HIGH,
  graphPerMinute: HIGH,
  readsPerMinute: HIGH,
  deniedPerMinute: HIGH,
};

const DEFAULT_TENANTS = { 'acme-shop': 'Acme Shop', 'globex-travel': 'Globex Travel' };

export interface RouteApp {
  app: FastifyInstance;
  db: Database;
  /** The app's data directory (PGlite lives in it when no `open` was given). */
  dir: string;
  ids: TestIdentities;
  store: SqlReviewStore;
  /** Provisions the user and returns a same-origin browser request's headers (identities.ts). */
  headers(who: Who): Promise<Record<string, string>>;
  /** Closes the app and the database, drops it (when opened by `open`) and removes the directory. */
  close(): Promise<void>;
}

export async function routeApp(options: {
  /** Prefix of the temporary data directory. */
  prefix: string;
  /** Tenants to create: id → name (default: acme-shop and globex-travel, as ingest-app.ts). */
  tenants?: Record<string, string>;
  /** Another database than PGlite in the data directory; drop() runs on close. */
  open?: () => Promise<{ db: Database; drop: () => Promise<void> }>;
  /** Runs on the migrated database before the app is built. */
  seed?: (store: SqlReviewStore, db: Database) => Promise<unknown>;
  /** Per-principal rate limits instead of the defaults (plugins/security.ts), for suites that send thousands of requests. */
  limits?: AuthOptions['limits'];
}): Promise<RouteApp> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix));
  let db: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await db?.close();
    await drop?.();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.open) ({ db, drop } = await options.open());
    else db = await openPglite(join(dir, 'pglite'));
    await migrate(db);
    const store = new SqlReviewStore(db);
    for (const [id, name] of Object.entries(options.tenants ?? DEFAULT_TENANTS)) await store.ensureTenant(id, name);
    await options.seed?.(store, db);
    const ids = await testIdentities();
    app = await buildApp({
      config: ids.configure({ ...baseConfig, dataDir: dir }),
      services: { db, users: ids.directory },
      auth: options.limits ? { ...ids.auth, limits: options.limits } : ids.auth,
      logger: false,
    });
    await app.ready();
    return { app, db, dir, ids, store, headers: (who) => ids.headers(who), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The app on the in-memory fake services (tenant acme-shop) with signed test identities, for suites
 * of the app's own behaviour (routing, load shedding); `options` adds build options.
 */
export async function fakeApp(
  options: Omit<BuildOptions, 'config' | 'services' | 'auth' | 'logger'> = {},
): Promise<{ app: FastifyInstance; ids: TestIdentities }> {
  const ids = await testIdentities();
  const app = await buildApp({
    config: ids.configure(baseConfig),
    services: fakeServices([{ id: 'acme-shop', name: 'Acme Shop' }], { users: ids.directory }),
    auth: ids.auth,
    logger: false,
    ...options,
  });
  return { app, ids };
}

/** A database for a route suite: opened, not migrated (routeApp migrates it), dropped on close. */
export type OpenDatabase = () => Promise<{ db: Database; drop: () => Promise<void> }>;

/**
 * Declares a route suite on both backends: PGlite in memory, and a fresh PostgreSQL database named
 * after `postgresPrefix` (skipped locally when unreachable, a failure in strict mode: backends.ts).
 */
export async function onPgliteAndPostgres(
  suite: (name: string, open: OpenDatabase, skip: { skip?: string }) => void,
  postgresPrefix: string,
): Promise<void> {
  suite('PGlite', async () => ({ db: await openPglite(undefined), drop: async () => {} }), {});
  const pgAvailable = await postgresReachable();
  suite(
    'PostgreSQL',
    async () => {
      const fresh = await freshPostgresDatabase(postgresPrefix);
      return { db: await openPostgres(fresh.url), drop: fresh.drop };
    },
    needs('PostgreSQL', pgAvailable, 'TEST_DATABASE_URL'),
  );
}
