// UserDirectory contract: every adapter (in memory, PGlite, PostgreSQL) behaves the same for
// sign-in resolution, per-tenant roles, platform administrators, revocations and disabling; the
// SQL ones also audit (tenant log / platform log), refuse unknown tenants and migrate old data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../../src/db/database.ts';
import { migrate, openPglite, openPostgres } from '../../src/db/database.ts';
import type { UserDirectory } from '../../src/ports/user-directory.ts';
import { UnknownTenantError } from '../../src/ports/user-directory.ts';
import { Conflict } from '../../src/domain/errors.ts';
import { MemoryUserDirectory } from '../../src/adapters/user-directory/memory-user-directory.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { freshPostgresDatabase, needs, postgresReachable } from '../support/backends.ts';

const ADMIN = { sub: 'accounts.google.com:1', email: 'root@bank.test', requestId: 'req-1' };
const ACME = 'acme-shop';
const GLOBEX = 'globex-travel';

const rolesOf = async (dir: UserDirectory, sub: string, email: string) => {
  const p = await dir.resolve({ sub, email });
  return p && Object.fromEntries(p.roles);
};

function directoryContract(name: string, open: () => Promise<{ dir: UserDirectory; close: () => Promise<void> }>) {
  describe(`UserDirectory: ${name}`, () => {
    let dir: UserDirectory;
    let close: () => Promise<void>;
    before(async () => {
      ({ dir, close } = await open());
    });
    after(() => close());

    test('an email granted before first sign-in resolves and binds the subject', async () => {
      await dir.grant(ADMIN, 'Ana@Bank.Test', ACME, 'analyst');
      assert.equal(await dir.resolve({ sub: 's-ana', email: 'someone@bank.test' }), undefined);
      const ana = await dir.resolve({ sub: 's-ana', email: 'ana@bank.test' });
      assert.deepEqual(ana, {
        kind: 'user',
        sub: 's-ana',
        email: 'ana@bank.test',
        roles: new Map([[ACME, 'analyst']]),
        platformAdmin: false,
      });
      // Bound: another subject presenting the same email is nobody.
      assert.equal(await dir.resolve({ sub: 's-other', email: 'ana@bank.test' }), undefined);
      // The subject keeps working if the email on the token changes.
      assert.deepEqual(await rolesOf(dir, 's-ana', 'ana.new@bank.test'), { [ACME]: 'analyst' });
    });

    test('a role granted in one tenant leaves the role held in another untouched', async () => {
      // The hole this design closes: a merchant of acme granted analyst on globex stays a merchant of acme.
      await dir.grant(ADMIN, 'max@bank.test', ACME, 'merchant');
      await dir.grant(ADMIN, 'max@bank.test', GLOBEX, 'analyst');
      assert.deepEqual(await rolesOf(dir, 's-max', 'max@bank.test'), { [ACME]: 'merchant', [GLOBEX]: 'analyst' });
      // Changing the role in one tenant replaces that grant only.
      await dir.grant(ADMIN, 'max@bank.test', GLOBEX, 'lead');
      assert.deepEqual(await rolesOf(dir, 's-max', 'max@bank.test'), { [ACME]: 'merchant', [GLOBEX]: 'lead' });
      const listed = (await dir.list()).find((e) => e.email === 'max@bank.test');
      assert.deepEqual(listed?.grants, [
        { tenant: ACME, role: 'merchant' },
        { tenant: GLOBEX, role: 'lead' },
      ]);
    });

    test('revoking a tenant removes that role only; disabling stops sign-in and is undone by enabling', async () => {
      await dir.grant(ADMIN, 'lee@bank.test', ACME, 'analyst');
      await dir.grant(ADMIN, 'lee@bank.test', GLOBEX, 'lead');
      await dir.revoke(ADMIN, 'lee@bank.test', ACME);
      assert.deepEqual(await rolesOf(dir, 's-lee', 'lee@bank.test'), { [GLOBEX]: 'lead' });
      await dir.setDisabled(ADMIN, 'lee@bank.test', true);
      assert.equal(await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' }), undefined, 'disabled');
      assert.equal((await dir.list()).find((e) => e.email === 'lee@bank.test')?.disabled, true);
      // A tenant grant does not re-enable (a tenant administrator cannot undo the platform's decision).
      await dir.grant(ADMIN, 'lee@bank.test', ACME, 'analyst');
      assert.equal(await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' }), undefined, 'still disabled');
      await dir.setDisabled(ADMIN, 'lee@bank.test', false);
      assert.deepEqual(await rolesOf(dir, 's-lee', 'lee@bank.test'), { [ACME]: 'analyst', [GLOBEX]: 'lead' });
      // Every grant revoked: holding no role anywhere, the person is not provisioned any more.
      await dir.revoke(ADMIN, 'lee@bank.test', ACME);
      await dir.revoke(ADMIN, 'lee@bank.test', GLOBEX);
      assert.equal(await dir.resolve({ sub: 's-lee', email: 'lee@bank.test' }), undefined, 'no role left');
      await dir.grant(ADMIN, 'lee@bank.test', GLOBEX, 'analyst');
      assert.deepEqual(await rolesOf(dir, 's-lee', 'lee@bank.test'), { [GLOBEX]: 'analyst' });
      assert.equal(await dir.revoke(ADMIN, 'ghost@bank.test', ACME), undefined);
      assert.equal(await dir.setDisabled(ADMIN, 'ghost@bank.test', true), undefined);
    });

    test('a platform administrator holds no tenant role, and a person with tenant roles is not made one', async () => {
      const root = await dir.setPlatformAdmin(ADMIN, 'plat@bank.test', true);
      assert.deepEqual([root?.platformAdmin, root?.grants], [true, []]);
      const p = await dir.resolve({ sub: 's-plat', email: 'plat@bank.test' });
      assert.deepEqual([p?.platformAdmin, p?.roles.size], [true, 0]);
      await assert.rejects(dir.grant(ADMIN, 'plat@bank.test', ACME, 'analyst'), (e: unknown) => {
        return e instanceof Conflict && e.code === 'PLATFORM_ADMIN_HOLDS_NO_TENANT_ROLE';
      });
      assert.equal((await dir.resolve({ sub: 's-plat', email: 'plat@bank.test' }))?.roles.size, 0);
      await dir.grant(ADMIN, 'worker@bank.test', ACME, 'analyst');
      await assert.rejects(dir.setPlatformAdmin(ADMIN, 'worker@bank.test', true), Conflict);
      // Unmade, the person may then be granted tenant roles.
      await dir.setPlatformAdmin(ADMIN, 'plat@bank.test', false);
      await dir.grant(ADMIN, 'plat@bank.test', ACME, 'lead');
      assert.deepEqual(await rolesOf(dir, 's-plat', 'plat@bank.test'), { [ACME]: 'lead' });
      assert.equal(await dir.setPlatformAdmin(ADMIN, 'nobody@bank.test', false), undefined);
    });

    test('a service principal holds only the service role; a person never holds it', async () => {
      await dir.grant(ADMIN, 'ingest@proj.iam.gserviceaccount.com', ACME, 'service');
      await dir.grant(ADMIN, 'ingest@proj.iam.gserviceaccount.com', GLOBEX, 'service');
      const svc = await dir.resolve({ sub: 's-svc', email: 'ingest@proj.iam.gserviceaccount.com' });
      assert.deepEqual(
        [svc?.kind, Object.fromEntries(svc!.roles)],
        ['service', { [ACME]: 'service', [GLOBEX]: 'service' }],
      );
      await assert.rejects(dir.grant(ADMIN, 'ingest@proj.iam.gserviceaccount.com', ACME, 'analyst'), Conflict);
      await dir.grant(ADMIN, 'person@bank.test', ACME, 'analyst');
      await dir.grant(ADMIN, 'person@bank.test', GLOBEX, 'merchant');
      await assert.rejects(dir.grant(ADMIN, 'person@bank.test', ACME, 'service'), Conflict);
      // An entry whose only grant is the one replaced may change kind (a mistaken first grant).
      await dir.grant(ADMIN, 'oops@bank.test', ACME, 'analyst');
      const fixed = await dir.grant(ADMIN, 'oops@bank.test', ACME, 'service');
      assert.deepEqual([fixed.kind, fixed.grants], ['service', [{ tenant: ACME, role: 'service' }]]);
    });

    test("a tenant's view lists only people holding a role there, with only that tenant's grants", async () => {
      await dir.grant(ADMIN, 'only-globex@bank.test', GLOBEX, 'analyst');
      const acmeView = await dir.list({ tenants: [ACME] });
      assert.ok(!acmeView.some((e) => e.email === 'only-globex@bank.test'));
      assert.ok(acmeView.length > 0);
      for (const entry of acmeView)
        assert.deepEqual(
          entry.grants.map((g) => g.tenant),
          [ACME],
          entry.email,
        );
      assert.ok(!acmeView.some((e) => e.platformAdmin), 'platform administrators hold no tenant role');
    });
  });
}

directoryContract('memory', async () => ({
  dir: new MemoryUserDirectory({ tenants: [ACME, GLOBEX] }),
  close: async () => {},
}));

const MIGRATIONS = join(import.meta.dirname, '../../src/db/migrations');

/** Applies the migrations before `upTo` by hand (as an older release would have), recording them. */
async function migrateBefore(db: Database, upTo: string): Promise<void> {
  await db.exec(
    'CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const file of (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql') && f < upTo).sort()) {
    await db.exec(await readFile(join(MIGRATIONS, file), 'utf8'));
    await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
  }
}

async function sqlSuite(name: string, openDb: () => Promise<{ db: Database; drop: () => Promise<void> }>) {
  let db: Database;
  let drop: () => Promise<void>;
  directoryContract(name, async () => {
    ({ db, drop } = await openDb());
    await migrate(db);
    for (const t of [ACME, GLOBEX]) await db.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [t]);
    return { dir: new SqlUserDirectory(db), close: async () => {} };
  });
  describe(`UserDirectory: ${name} (SQL only)`, () => {
    after(async () => {
      await db?.close();
      await drop?.();
    });
    test("an unknown tenant is refused; a grant change is audited in that tenant's log only", async () => {
      const dir = new SqlUserDirectory(db);
      await assert.rejects(dir.grant(ADMIN, 'x@bank.test', 'nope', 'analyst'), UnknownTenantError);
      await dir.grant(ADMIN, 'audited@bank.test', ACME, 'merchant');
      await dir.grant(ADMIN, 'audited@bank.test', ACME, 'merchant'); // no change, no second row
      await dir.grant(ADMIN, 'audited@bank.test', GLOBEX, 'analyst');
      await dir.revoke(ADMIN, 'audited@bank.test', ACME);
      const rows = async (tenant: string) =>
        (
          await db.query<{ action: string; actor_email: string; request_id: string; before: unknown; after: unknown }>(
            `SELECT action, actor_email, request_id, before, after FROM audit_log
              WHERE object_id = 'audited@bank.test' AND tenant_id = $1 ORDER BY seq`,
            [tenant],
          )
        ).rows.map((r) => ({
          ...r,
          before: typeof r.before === 'string' ? JSON.parse(r.before) : r.before,
          after: typeof r.after === 'string' ? JSON.parse(r.after) : r.after,
        }));
      const person = { email: 'audited@bank.test', kind: 'user', disabled: false };
      assert.deepEqual(await rows(ACME), [
        {
          action: 'user.grant',
          actor_email: 'root@bank.test',
          request_id: 'req-1',
          before: null,
          after: { ...person, role: 'merchant' },
        },
        {
          action: 'user.revoke',
          actor_email: 'root@bank.test',
          request_id: 'req-1',
          before: { ...person, role: 'merchant' },
          after: { ...person, role: null },
        },
      ]);
      // Acme's log says nothing about the role in globex, and the other way round.
      assert.deepEqual(
        (await rows(GLOBEX)).map((r) => [r.action, r.before, r.after]),
        [['user.grant', { ...person, role: null }, { ...person, role: 'analyst' }]],
      );
    });
    test('platform changes go to the platform audit log', async () => {
      const dir = new SqlUserDirectory(db);
      await dir.setPlatformAdmin(ADMIN, 'p-audit@bank.test', true);
      await dir.setPlatformAdmin(ADMIN, 'p-audit@bank.test', true); // no change, no row
      await dir.setDisabled(ADMIN, 'p-audit@bank.test', true);
      const { rows } = await db.query<{ action: string; actor_email: string }>(
        `SELECT action, actor_email FROM platform_audit_log WHERE object_id = 'p-audit@bank.test' ORDER BY seq`,
      );
      assert.deepEqual(rows, [
        { action: 'user.platform_admin.grant', actor_email: 'root@bank.test' },
        { action: 'user.disable', actor_email: 'root@bank.test' },
      ]);
      await assert.rejects(db.query('DELETE FROM platform_audit_log'), /append-only/);
    });
    test('the database itself refuses a person holding the service role', async () => {
      await assert.rejects(
        db.query(
          `INSERT INTO user_grants (user_id, tenant_id, role, kind, granted_by)
           SELECT id, 'acme-shop', 'service', 'user', 'x' FROM users WHERE email = 'audited@bank.test'`,
        ),
        /user_grants_role_fits_kind/,
      );
    });
    test('the application role cannot read the directory', async () => {
      await assert.rejects(
        db.withTenant(ACME, (tx) => tx.query('SELECT * FROM users')),
        /permission denied/,
      );
      await assert.rejects(
        db.withTenant(ACME, (tx) => tx.query('SELECT * FROM platform_audit_log')),
        /permission denied/,
      );
    });
  });
  describe(`migration 004 on ${name}: the role moves from the person to each grant`, () => {
    test('existing people keep their role in each tenant; the old admins become platform administrators', async () => {
      const { db: old, drop: dropOld } = await openDb();
      try {
        await migrateBefore(old, '004');
        for (const t of [ACME, GLOBEX]) await old.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [t]);
        const users: [string, string, string, string[]][] = [
          ['ana@bank.test', 'user', 'analyst', [ACME, GLOBEX]],
          ['mer@bank.test', 'user', 'merchant', [ACME]],
          ['root@bank.test', 'user', 'admin', [ACME, GLOBEX]],
          ['svc@proj.iam.gserviceaccount.com', 'service', 'service', [GLOBEX]],
        ];
        for (const [email, kind, role, tenants] of users) {
          await old.query('INSERT INTO users (email, kind, role) VALUES ($1, $2, $3)', [email, kind, role]);
          for (const t of tenants) {
            await old.query(
              `INSERT INTO user_grants (user_id, tenant_id, granted_by) SELECT id, $2, 'x' FROM users WHERE email = $1`,
              [email, t],
            );
          }
        }
        assert.deepEqual(
          (await migrate(old)).filter((f) => f.startsWith('004')),
          ['004-roles-per-grant.sql'],
        );
        const listed = await new SqlUserDirectory(old).list();
        assert.deepEqual(
          listed.map((e) => [e.email, e.kind, e.platformAdmin, e.grants]),
          [
            [
              'ana@bank.test',
              'user',
              false,
              [
                { tenant: ACME, role: 'analyst' },
                { tenant: GLOBEX, role: 'analyst' },
              ],
            ],
            ['mer@bank.test', 'user', false, [{ tenant: ACME, role: 'merchant' }]],
            ['root@bank.test', 'user', true, []],
            ['svc@proj.iam.gserviceaccount.com', 'service', false, [{ tenant: GLOBEX, role: 'service' }]],
          ],
        );
      } finally {
        await old.close();
        await dropOld();
      }
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
