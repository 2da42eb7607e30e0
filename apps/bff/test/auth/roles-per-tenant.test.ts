// Roles belong to the grant (docs/decisions/0005-tenant-isolation.md), through the whole app with
// the users table (PGlite) behind it:
//   - a merchant of acme granted analyst on globex is an analyst in globex and still a merchant in
//     acme: no acme customer, whoever made the grant;
//   - a tenant's administrator grants, revokes and lists within its own tenants only;
//   - the platform administrator administers every tenant and reads no tenant's data, and cannot
//     give itself a tenant role to get around that.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { testIdentities, TEST_AUDIENCE } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';

const ACME = 'acme-shop';
const GLOBEX = 'globex-travel';

describe('roles per tenant, through the app', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  let ids: TestIdentities;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-roles-'));
    const config = loadConfig({
      REDOUBT_DATA_DIR: join(dir, 'data'),
      DEMO_CUSTOMERS: '0',
      DEMO_TRICKLE: 'false',
      IAP_AUDIENCE: TEST_AUDIENCE,
      REDOUBT_SECRET: 'roles-per-tenant-'.repeat(3),
      LOG_LEVEL: 'silent',
    });
    db = await openDatabase(config);
    const reviews = new SqlReviewStore(db);
    for (const t of [ACME, GLOBEX]) await reviews.ensureTenant(t, t);
    ids = await testIdentities({ directory: new SqlUserDirectory(db) });
    app = await buildApp({
      config: ids.configure(config),
      services: { db, users: ids.directory, reviews },
      auth: ids.auth,
      logger: false,
    });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string>) => app.inject({ url, headers });
  const post = (url: string, headers: Record<string, string>, payload: object) =>
    app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload });
  const search = (tenant: string) => `/api/tenants/${tenant}/customers/search?q=a`;
  const tenantRolesOf = async (email: string) =>
    Object.fromEntries(
      ((await ids.directory.list()).find((e) => e.email === email)?.grants ?? []).map((g) => [g.tenant, g.role]),
    );

  test("a merchant of acme granted analyst on globex reads globex's customers and still none of acme's", async () => {
    const max = await ids.headers({ email: 'max@acme.test', role: 'merchant', tenant: ACME });
    assert.equal((await get(search(ACME), max)).statusCode, 403, 'a merchant of acme before');
    // The second grant used to overwrite the person's role everywhere.
    await ids.headers({ email: 'max@acme.test', role: 'analyst', tenant: GLOBEX });

    assert.equal((await get(search(GLOBEX), max)).statusCode, 200, 'an analyst in globex');
    const acme = await get(search(ACME), max);
    assert.equal(acme.statusCode, 403, `still a merchant in acme: ${acme.body}`);
    assert.equal((await get(`/api/tenants/${ACME}/customers/c-1`, max)).statusCode, 403);
    const me = (await get('/api/me', max)).json();
    assert.deepEqual(
      me.tenants.map((t: { id: string; role: string }) => [t.id, t.role]),
      [
        [ACME, 'merchant'],
        [GLOBEX, 'analyst'],
      ],
    );
  });

  test('the same through the admin API: a grant in globex changes nothing in acme', async () => {
    const root = await ids.headers({ email: 'root@bank.test', platformAdmin: true });
    const mia = await ids.headers({ email: 'mia@acme.test', role: 'merchant', tenant: ACME });
    const granted = await post('/api/admin/grants', root, { email: 'mia@acme.test', tenant: GLOBEX, role: 'lead' });
    assert.equal(granted.statusCode, 200, granted.body);
    assert.deepEqual(granted.json().grants, [
      { tenant: ACME, role: 'merchant' },
      { tenant: GLOBEX, role: 'lead' },
    ]);
    assert.equal((await get(search(GLOBEX), mia)).statusCode, 200, 'a lead in globex');
    assert.equal((await get(search(ACME), mia)).statusCode, 403, 'a merchant in acme');
    assert.equal((await get(`/api/tenants/${ACME}/overview`, mia)).statusCode, 200, "acme's merchant dashboard");
  });

  test('a tenant administrator grants, revokes and lists within its own tenants only', async () => {
    const tara = await ids.headers({ email: 'tara@acme.test', role: 'admin', tenant: ACME });
    await ids.headers({ email: 'gil@globex.test', role: 'analyst', tenant: GLOBEX });

    // Outside its tenant: 404, as for a tenant that does not exist, and nothing changes.
    const outside = await post('/api/admin/grants', tara, { email: 'eve@x.test', tenant: GLOBEX, role: 'analyst' });
    assert.equal(outside.statusCode, 404, outside.body);
    assert.equal(outside.json().message, 'Not found');
    assert.deepEqual(await tenantRolesOf('eve@x.test'), {});
    const ownAcrossTenants = await post('/api/admin/grants', tara, {
      email: 'tara@acme.test',
      tenant: GLOBEX,
      role: 'admin',
    });
    assert.equal(ownAcrossTenants.statusCode, 404, 'nor may it make itself admin of another tenant');
    const revokeOutside = await post('/api/admin/revocations', tara, { email: 'gil@globex.test', tenant: GLOBEX });
    assert.equal(revokeOutside.statusCode, 404);
    assert.deepEqual(await tenantRolesOf('gil@globex.test'), { [GLOBEX]: 'analyst' });
    // Platform matters are not a tenant administrator's.
    const disable = await post('/api/admin/user-status', tara, { email: 'gil@globex.test', disabled: true });
    assert.equal(disable.statusCode, 403);

    // Inside: allowed, and the answer shows acme's grant only.
    const inside = await post('/api/admin/grants', tara, { email: 'gil@globex.test', tenant: ACME, role: 'merchant' });
    assert.equal(inside.statusCode, 200, inside.body);
    assert.deepEqual(inside.json().grants, [{ tenant: ACME, role: 'merchant' }]);
    assert.deepEqual(await tenantRolesOf('gil@globex.test'), { [ACME]: 'merchant', [GLOBEX]: 'analyst' });

    // The list holds acme's people with acme's grants, and says nothing about globex.
    const listing = (await get('/api/admin/users', tara)).json();
    assert.deepEqual(listing.tenants, [{ id: ACME, name: ACME }]);
    for (const user of listing.users) {
      assert.deepEqual(
        user.grants.map((g: { tenant: string }) => g.tenant),
        [ACME],
        user.email,
      );
    }
    assert.ok(listing.users.some((u: { email: string }) => u.email === 'gil@globex.test'));

    // Revoking in its tenant removes that role only; someone holding no role there is not found.
    const revoked = await post('/api/admin/revocations', tara, { email: 'gil@globex.test', tenant: ACME });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.deepEqual(await tenantRolesOf('gil@globex.test'), { [GLOBEX]: 'analyst' });
    const again = await post('/api/admin/revocations', tara, { email: 'gil@globex.test', tenant: ACME });
    assert.equal(again.statusCode, 404);
    assert.match(again.json().details[0].field, /\/body\/email/);
  });

  test('the platform administrator reads no customer data, in any tenant, and cannot grant itself a way in', async () => {
    const root = await ids.headers({ email: 'plat@bank.test', platformAdmin: true });
    for (const tenant of [ACME, GLOBEX]) {
      for (const url of [search(tenant), `/api/tenants/${tenant}/customers/c-1`, `/api/tenants/${tenant}/overview`]) {
        const res = await get(url, root);
        assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
        assert.equal(res.json().message, 'Not found', 'refused by access control (a missing route says No route)');
      }
    }
    const self = await post('/api/admin/grants', root, { email: 'plat@bank.test', tenant: ACME, role: 'analyst' });
    assert.equal(self.statusCode, 409, self.body);
    assert.equal(self.json().error !== undefined, true);
    assert.equal((await get(search(ACME), root)).statusCode, 404, 'still no customer data');

    // It administers every tenant: it lists them all and grants in any.
    const listing = (await get('/api/admin/users', root)).json();
    assert.deepEqual(
      listing.tenants.map((t: { id: string }) => t.id),
      [ACME, GLOBEX],
    );
    const grant = await post('/api/admin/grants', root, { email: 'new@globex.test', tenant: GLOBEX, role: 'lead' });
    assert.equal(grant.statusCode, 200, grant.body);
    const unknown = await post('/api/admin/grants', root, {
      email: 'new@globex.test',
      tenant: 'initech',
      role: 'lead',
    });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().details[0].field, '/body/tenant');
    // Its own status is another platform administrator's to change.
    const selfDisable = await post('/api/admin/user-status', root, { email: 'plat@bank.test', disabled: true });
    assert.equal(selfDisable.statusCode, 409);
  });

  test('grants are checked: a tenant is required, roles are named, unknown fields refused', async () => {
    const root = await ids.headers({ email: 'root2@bank.test', platformAdmin: true });
    for (const [payload, field] of [
      [{ email: 'a@b.test', role: 'analyst' }, 'tenant'],
      [{ email: 'a@b.test', role: 'superuser', tenant: ACME }, 'role'],
      [{ email: 'a@b.test', role: 'analyst', tenant: ACME, tenants: [GLOBEX] }, 'tenants'],
    ] as const) {
      const res = await post('/api/admin/grants', root, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.match(res.body, new RegExp(`/body/${field}`), res.body);
    }
  });
});
