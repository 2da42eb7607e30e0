// Real backends for contract suites. A suite whose backend is missing is skipped on a developer
// machine but FAILS in strict mode (CI=true or REDOUBT_STRICT=1): CI never passes on a skip.
import pg from 'pg';

export const strict = process.env.CI === 'true' || process.env.REDOUBT_STRICT === '1';

/**
 * Returns node:test options for a suite that needs a backend: `{ skip: reason }` when it is absent
 * locally; in strict mode an absent backend throws, which fails the run.
 */
export function needs(backend: string, available: boolean, hint: string): { skip?: string } {
  if (available) return {};
  const reason = `${backend} is not available (${hint})`;
  if (strict) throw new Error(`${reason}; strict mode forbids skipping this suite`);
  return { skip: reason };
}

/** PostgreSQL server for suites; the local default matches this machine's trust-auth server. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates a fresh, empty database on the TEST_DATABASE_URL server and returns its URL and a drop(). */
export async function freshPostgresDatabase(
  prefix = 'redoubt_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: testDatabaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function postgresReachable(): Promise<boolean> {
  if (!testDatabaseUrl) return false;
  const c = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
