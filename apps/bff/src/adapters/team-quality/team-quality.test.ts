import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { teamQualityContract } from '../../../test/contracts/team-quality.contract.ts';
import { freshPostgresDatabase, needs, postgresReachable, testDatabaseUrl } from '../../../test/support/backends.ts';
import { migrate, openPglite, openPostgres } from '../../db/database.ts';

teamQualityContract('PGlite (embedded default)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-pglite-'));
  const db = await openPglite(join(dir, 'db'));
  await migrate(db);
  return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

teamQualityContract(
  'PostgreSQL (pg)',
  async () => {
    const fresh = await freshPostgresDatabase();
    const db = await openPostgres(fresh.url);
    await migrate(db);
    return { db, cleanup: fresh.drop };
  },
  needs('PostgreSQL', await postgresReachable(), `TEST_DATABASE_URL=${testDatabaseUrl}`),
);
