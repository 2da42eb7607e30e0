// UserDirectory contract: every adapter (in memory, PGlite, PostgreSQL) behaves the same for
// sign-in resolution, grants, revocations; the SQL ones also audit and refuse unknown tenants.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/database.ts';
import { migrate, openPglite, openPostgres } from '../../src/db/database.ts';
import type { UserDirectory } from '../../src/ports/user-directory.ts';
import { UnknownTenantError } from '../../src/ports/user-directory.ts';
import { MemoryUserDirectory } from '../../src/adapters/user-directory/memory-user-directory.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { freshPostgresDatabase, needs, postgresReachable } from '../support/backends.ts';

const ADMIN = { sub: 'accounts.google.com:1', email: 'root@bank.test', requestId: 'req-1' };

function directoryContract(name: string, open: () => Promise<{ dir: UserDirectory; close: () => Promise<void> }>) {
  describe(`UserDirectory: ${name}`, () => {
    let dir: UserDirectory;
    let close: () => Promise<void>;
    before(async () => {
      ({ dir, close } = await open());
    });
    after(() => close());

    test('an email granted before first sign-in resolves and binds the subject', async () => {
      await dir.grant(ADMIN, 'Ana@Bank.Test', 'analyst', 'acme-shop');
      assert.equal(await dir.resolve({ sub: 's-ana', email: 'someone@bank.test' }), undefined);
      const ana = await dir.resolve({ sub: 's-ana', email: 'ana@bank.test' });
      assert.deepEqual(ana, {
        kind: 'user',
        sub: 's-ana',
        email: 'ana@bank.test',
        role: 'analyst',
        tenants: ['acme-shop'],
      });
      // Bound: another subject presenting the same email is nobody.
      assert.equal(await dir.resolve({ sub: 's-other', email: 'ana@bank.test' }), undefined);
      // The subject keeps working if the email on the token changes.
      assert.equal((await dir.resolve({ sub: 's-ana', email: 'ana.new@bank.test' }))?.role, 'analyst');
    });

    test('grants accumulate tenants, change the role, and revocations remove them', async () => {
      await dir.grant(ADMIN, 'lee@bank.test', 'analyst', 'acme-shop');
      await dir.grant(ADMIN, 'lee@bank.test', 'lead', 'globex-travel');
      let lee = await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' });
      assert.deepEqual([lee?.role, lee?.tenants], ['lead', ['acme-shop', 'globex-travel']]);
      await dir.revoke(ADMIN, 'lee@bank.test', 'acme-shop');
      lee = await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' });
      assert.deepEqual(lee?.tenants, ['globex-travel']);
      await dir.revoke(ADMIN, 'lee@bank.test');
      assert.equal(await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' }), undefined, 'revoked entirely');
      const listed = (await dir.list()).find((e) => e.email === 'lee@bank.test');
      assert.equal(listed?.disabled, true);
      await dir.grant(ADMIN, 'lee@bank.test', 'lead');
      assert.equal((await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' }))?.role, 'lead', 're-granted');
      assert.equal(await dir.revoke(ADMIN, 'ghost@bank.test'), undefined);
    });

    test('a service principal is its own kind with the service role only', async () => {
      await dir.grant(ADMIN, 'ingest@proj.iam.gserviceaccount.com', 'service', 'acme-shop');
      const svc = await dir.resolve({ sub: 's-svc', email: 'ingest@proj.iam.gserviceaccount.com' });
      assert.deepEqual([svc?.kind, svc?.role], ['service', 'service']);
    });
  });
}

directoryContract('memory', async () => ({ dir: new MemoryUserDirectory(), close: async () => {} }));

async function sqlSuite(name: string, openDb: () => Promise<{ db: Database; drop: () => Promise<void> }>) {
  let db: Database;
  let drop: () => Promise<void>;
  directoryContract(name, async () => {
    ({ db, drop } = await openDb());
    await migrate(db);
    for (const t of ['acme-shop', 'globex-travel'])
      await db.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [t]);
    return { dir: new SqlUserDirectory(db), close: async () => {} };
  });
  describe(`UserDirectory: ${name} (SQL only)`, () => {
    after(async () => {
      await db?.close();
      await drop?.();
    });
    test('an unknown tenant is refused; grant changes are audited in the tenant log', async () => {
      const dir = new SqlUserDirectory(db);
      await assert.rejects(dir.grant(ADMIN, 'x@bank.test', 'analyst', 'nope'), UnknownTenantError);
      await dir.grant(ADMIN, 'audited@bank.test', 'merchant', 'acme-shop');
      await dir.grant(ADMIN, 'audited@bank.test', 'merchant', 'acme-shop'); // no change, no second row
      await dir.revoke(ADMIN, 'audited@bank.test', 'acme-shop');
      const { rows } = await db.query<{ action: string; actor_email: string; request_id: string }>(
        `SELECT action, actor_email, request_id FROM audit_log WHERE object_id = 'audited@bank.test' ORDER BY seq`,
      );
      assert.deepEqual(rows, [
        { action: 'user.grant', actor_email: 'root@bank.test', request_id: 'req-1' },
        { action: 'user.revoke', actor_email: 'root@bank.test', request_id: 'req-1' },
      ]);
    });
    test('the application role cannot read the directory', async () => {
      await assert.rejects(
        db.withTenant('acme-shop', (tx) => tx.query('SELECT * FROM users')),
        /permission denied/,
      );
    });
  });
}

await sqlSuite('PGlite', async () => ({ db: await openPglite(undefined), drop: async () => {} }));

const pgUp = await postgresReachable();
describe('UserDirectory on PostgreSQL', needs('PostgreSQL', pgUp, 'set TEST_DATABASE_URL'), () => {
  // Registered only when reachable; needs() skips (or fails in strict mode) otherwise.
});
if (pgUp) {
  await sqlSuite('PostgreSQL', async () => {
    const fresh = await freshPostgresDatabase('redoubt_users');
    return { db: await openPostgres(fresh.url), drop: fresh.drop };
  });
}
