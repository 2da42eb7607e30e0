// Runs a contract suite over a migrated SQL database on both backends: PGlite in a temporary
// directory (the embedded default) and a fresh PostgreSQL database (TEST_DATABASE_URL; skipped
// locally when unreachable, a failure in strict mode — see backends.ts).
//
//   await onPgliteAndPostgres(auditLogContract);
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openPglite, openPostgres } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { freshPostgresDatabase, needs, postgresReachable, testDatabaseUrl } from './backends.ts';

export type SqlContract = (
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  options?: { skip?: string },
) => void;

export async function onPgliteAndPostgres(contract: SqlContract): Promise<void> {
  contract('PGlite (embedded default)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redoubt-pglite-'));
    const db = await openPglite(join(dir, 'db'));
    await migrate(db);
    return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
  });
  contract(
    'PostgreSQL (pg)',
    async () => {
      const fresh = await freshPostgresDatabase();
      const db = await openPostgres(fresh.url);
      await migrate(db);
      return { db, cleanup: fresh.drop };
    },
    needs('PostgreSQL', await postgresReachable(), `TEST_DATABASE_URL=${testDatabaseUrl}`),
  );
}
