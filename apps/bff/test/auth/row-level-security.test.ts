// docs/threat-model.md Z4 for PostgreSQL: row-level security is ENABLEd and FORCEd on tenant tables, the
// application role owns nothing and cannot bypass it, an unfiltered SELECT sees only the current
// tenant, and a pooled connection handed from one tenant to the next leaks nothing.
// Runs on PGlite always and on a real PostgreSQL server (TEST_DATABASE_URL).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import { APP_ROLE, migrate, openPglite, openPostgres } from '../../src/db/database.ts';
import { freshPostgresDatabase, needs, postgresReachable } from '../support/backends.ts';

const TENANT_TABLES = ['notes', 'audit_log'];

function rlsSuite(name: string, open: () => Promise<{ db: Database; drop: () => Promise<void> }>, options = {}) {
  describe(`row-level security: ${name}`, options, () => {
    let db: Database;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await open());
      await migrate(db);
      for (const t of ['acme-shop', 'globex-travel'])
        await db.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [t]);
      for (const [tenant, customer] of [
        ['acme-shop', 'a-1'],
        ['acme-shop', 'a-2'],
        ['globex-travel', 'g-1'],
      ] as const) {
        await db.withTenant(tenant, (tx) =>
          tx.query(
            `INSERT INTO notes (tenant_id, id, customer_id, author_sub, author_email, body) VALUES ($1, $2, $3, 's', 'e@x.test', 'note')`,
            [tenant, randomUUID(), customer],
          ),
        );
      }
    });
    after(async () => {
      await db?.close();
      await drop?.();
    });

    test('RLS is enabled and forced; the app role owns nothing and has no BYPASSRLS', async () => {
      const { rows } = await db.query<{
        relname: string;
        relrowsecurity: boolean;
        relforcerowsecurity: boolean;
        owner: string;
      }>(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner
           FROM pg_class c WHERE c.relname = ANY($1) ORDER BY c.relname`,
        [TENANT_TABLES],
      );
      assert.equal(rows.length, TENANT_TABLES.length);
      for (const r of rows) {
        assert.equal(r.relrowsecurity, true, `${r.relname} ENABLE`);
        assert.equal(r.relforcerowsecurity, true, `${r.relname} FORCE`);
        assert.notEqual(r.owner, APP_ROLE, `${r.relname} owner`);
      }
      const role = await db.query<{ rolbypassrls: boolean; rolsuper: boolean }>(
        'SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = $1',
        [APP_ROLE],
      );
      assert.deepEqual(role.rows, [{ rolbypassrls: false, rolsuper: false }]);
    });

    test('an unfiltered SELECT as the app role returns only the current tenant', async () => {
      const acme = await db.withTenant('acme-shop', (tx) =>
        tx.query<{ customer_id: string }>('SELECT customer_id FROM notes ORDER BY customer_id'),
      );
      assert.deepEqual(
        acme.rows.map((r) => r.customer_id),
        ['a-1', 'a-2'],
      );
      const globex = await db.withTenant('globex-travel', (tx) =>
        tx.query<{ customer_id: string }>('SELECT customer_id FROM notes'),
      );
      assert.deepEqual(
        globex.rows.map((r) => r.customer_id),
        ['g-1'],
      );
      const nobody = await db.withTenant('no-such-tenant', (tx) => tx.query('SELECT * FROM notes'));
      assert.equal(nobody.rows.length, 0);
    });

    test('the app role without a tenant sees nothing, and cannot write into another tenant', async () => {
      const none = await db.transaction(async (tx) => {
        await tx.query(`SET LOCAL ROLE ${APP_ROLE}`);
        return tx.query('SELECT * FROM notes');
      });
      assert.equal(none.rows.length, 0);
      await assert.rejects(
        db.withTenant('acme-shop', (tx) =>
          tx.query(
            `INSERT INTO notes (tenant_id, id, customer_id, author_sub, author_email, body) VALUES ('globex-travel', $1, 'g-9', 's', 'e@x.test', 'x')`,
            [randomUUID()],
          ),
        ),
        /row-level security/,
      );
      await assert.rejects(
        db.withTenant('acme-shop', (tx) => tx.query(`UPDATE notes SET body = 'changed'`)),
        /permission denied/,
      );
    });

    test('connections reused across tenants leak neither rows, tenant setting nor role', async () => {
      const pidsByTenant = new Map<string, Set<number>>();
      for (let i = 0; i < 40; i++) {
        const tenant = i % 2 === 0 ? 'acme-shop' : 'globex-travel';
        const result = await db.withTenant(tenant, async (tx) => {
          const pid = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          const seen = await tx.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM notes');
          return { pid: pid.rows[0]!.pid, tenants: seen.rows.map((r) => r.tenant_id) };
        });
        assert.deepEqual(result.tenants, [tenant], `iteration ${i}`);
        pidsByTenant.set(tenant, (pidsByTenant.get(tenant) ?? new Set()).add(result.pid));
      }
      const shared = [...pidsByTenant.get('acme-shop')!].filter((p) => pidsByTenant.get('globex-travel')!.has(p));
      assert.ok(shared.length > 0, 'some connection served both tenants');
      // After the transactions, a connection is back to its login role with no tenant set.
      for (let i = 0; i < 12; i++) {
        const after = await db.transaction((tx) =>
          tx.query<{ role: string; tenant: string | null }>(
            `SELECT current_user AS role, nullif(current_setting('app.tenant_id', true), '') AS tenant`,
          ),
        );
        assert.notEqual(after.rows[0]!.role, APP_ROLE);
        assert.equal(after.rows[0]!.tenant, null);
      }
    });

    test('a transaction that fails midway leaves the connection clean for the next tenant', async () => {
      await assert.rejects(
        db.withTenant('acme-shop', async (tx) => {
          await tx.query('SELECT 1');
          throw new Error('boom');
        }),
      );
      const next = await db.withTenant('globex-travel', (tx) =>
        tx.query<{ tenant_id: string }>('SELECT tenant_id FROM notes'),
      );
      assert.ok(next.rows.every((r) => r.tenant_id === 'globex-travel'));
    });
  });
}

rlsSuite('PGlite', async () => ({ db: await openPglite(undefined), drop: async () => {} }));

const pgUp = await postgresReachable();
rlsSuite(
  'PostgreSQL',
  async () => {
    const fresh = await freshPostgresDatabase('redoubt_rls');
    return { db: await openPostgres(fresh.url), drop: fresh.drop };
  },
  needs('PostgreSQL', pgUp, 'set TEST_DATABASE_URL'),
);
