// Transaction.commitWith on PostgreSQL commits with synchronous_commit off (so the audit chain's
// lock is not held through the WAL flush) and answers only once the commit is durable.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, openPostgres } from './database.ts';
import type { Database } from './database.ts';
import { freshPostgresDatabase, needs, postgresReachable, testDatabaseUrl } from '../../test/support/backends.ts';

describe(
  'commitWith on PostgreSQL',
  needs('PostgreSQL', await postgresReachable(), `TEST_DATABASE_URL=${testDatabaseUrl}`),
  () => {
    let db: Database;
    let drop: () => Promise<void>;
    before(async () => {
      const fresh = await freshPostgresDatabase();
      drop = fresh.drop;
      db = await openPostgres(fresh.url);
      await migrate(db);
      await db.query('CREATE TABLE flush_probe (n integer)');
    });
    after(async () => {
      await db?.close();
      await drop?.();
    });

    it('answers only once the commit is flushed, though it committed asynchronously', async () => {
      for (let n = 0; n < 20; n++) {
        const [, lsn, mode] = await db.transaction((tx) =>
          tx.commitWith<[object, { lsn: string }, { mode: string }]>([
            { sql: 'INSERT INTO flush_probe (n) VALUES ($1)', params: [n] },
            { sql: 'SELECT pg_current_wal_insert_lsn() AS lsn' },
            { sql: "SELECT current_setting('synchronous_commit') AS mode" },
          ]),
        );
        assert.equal(mode.rows[0]!.mode, 'off');
        // Everything the transaction wrote, and its commit record after it, is on disk.
        const { rows } = await db.query<{ flushed: boolean }>(
          'SELECT pg_current_wal_flush_lsn() > $1::pg_lsn AS flushed',
          [lsn.rows[0]!.lsn],
        );
        assert.equal(rows[0]!.flushed, true, `write ${n} was answered before its WAL was flushed`);
      }
    });
  },
);
