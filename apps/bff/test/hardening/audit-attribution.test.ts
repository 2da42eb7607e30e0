// Audit rows name the real client and the server's own request id (docs/decisions/0005-tenant-isolation.md):
// TRUSTED_PROXY_HOPS says how many X-Forwarded-For entries our own proxies appended, a caller's
// X-Request-Id is kept only beside the row's id as an untrusted value, and a refused cross-tenant
// attempt writes one row (actor, tenant asked for, route, outcome) in that tenant's audit log, at
// most deniedPerMinute per principal. Real PostgreSQL schema (PGlite) and the real ReviewStore.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { migrate, openPglite } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { LiveBus } from '../../src/services/live-bus.ts';
import { subjectOf, testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { baseConfig, fakeServices } from '../auth/fake-services.ts';

interface AuditRow {
  actor_sub: string;
  actor_email: string;
  action: string;
  outcome: string;
  object_type: string;
  object_id: string;
  request_id: string | null;
  caller_request_id: string | null;
  client_ip: string | null;
  after: { path?: string } | null;
}

describe('audit attribution', () => {
  let db: Database;
  let ids: TestIdentities;
  const apps: FastifyInstance[] = [];
  const TENANTS = [
    { id: 'acme-shop', name: 'Acme' },
    { id: 'globex-travel', name: 'Globex' },
  ];

  const build = async (trustedProxyHops: number) => {
    const app = await buildApp({
      config: { ...ids.configure(baseConfig), trustedProxyHops },
      services: fakeServices(TENANTS, {
        db,
        users: ids.directory,
        reviews: new SqlReviewStore(db),
        live: new LiveBus(),
      }),
      auth: { ...ids.auth, limits: { deniedPerMinute: 3 } },
      logger: false,
    });
    apps.push(app);
    return app;
  };
  const rows = (tenant: string, action: string) =>
    db.withTenant(
      tenant,
      async (tx) =>
        (
          await tx.query<AuditRow>(
            'SELECT actor_sub, actor_email, action, outcome, object_type, object_id, request_id, caller_request_id, client_ip, after FROM audit_log WHERE action = $1 ORDER BY seq',
            [action],
          )
        ).rows,
    );

  before(async () => {
    db = await openPglite(undefined);
    await migrate(db);
    const reviews = new SqlReviewStore(db);
    for (const t of TENANTS) await reviews.ensureTenant(t.id, t.name);
    ids = await testIdentities({ directory: new SqlUserDirectory(db) });
  });
  after(async () => {
    for (const app of apps) await app.close();
    await db.close();
  });

  const addNote = async (app: FastifyInstance, headers: Record<string, string>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tenants/acme-shop/customers/c-1/notes',
      headers,
      payload: { id: randomUUID(), body: 'checked the device' },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res;
  };

  test('behind two trusted hops (Google load balancer) the row records the client, not the balancer', async () => {
    const app = await build(2);
    const analyst = await ids.headers({ email: 'ana@bank.test', role: 'analyst', tenant: 'acme-shop' });
    await addNote(app, { ...analyst, 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 35.191.10.20' });
    // A client that writes its own X-Forwarded-For only adds entries in front: still its real address.
    const row = (await rows('acme-shop', 'note.add')).at(-1)!;
    assert.equal(row.client_ip, '198.51.100.7');
  });

  test('without trusted hops the forwarded header is ignored: the socket peer is the client', async () => {
    const app = await build(0);
    const analyst = await ids.headers({ email: 'ana@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const res = await app.inject({
      method: 'POST',
      url: '/api/tenants/acme-shop/customers/c-1/notes',
      headers: { ...analyst, 'x-forwarded-for': '198.51.100.7' },
      remoteAddress: '203.0.113.5',
      payload: { id: randomUUID(), body: 'second look' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await rows('acme-shop', 'note.add')).at(-1)!.client_ip, '203.0.113.5');
  });

  test("the request id is the server's; a caller's X-Request-Id is kept apart, untrusted", async () => {
    const app = await build(0);
    const analyst = await ids.headers({ email: 'ana@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const chosen = 'f00dcafe-0000-4000-8000-000000000001';
    // Two requests claiming the same id get two different ids of record.
    await addNote(app, { ...analyst, 'x-request-id': chosen });
    await addNote(app, { ...analyst, 'x-request-id': chosen });
    const [a, b] = (await rows('acme-shop', 'note.add')).slice(-2);
    assert.notEqual(a!.request_id, chosen);
    assert.notEqual(b!.request_id, chosen);
    assert.notEqual(a!.request_id, b!.request_id);
    assert.match(a!.request_id!, /^[0-9a-f-]{36}$/);
    assert.equal(a!.caller_request_id, chosen);
    assert.equal(b!.caller_request_id, chosen);
    // Error bodies quote the server's id too.
    const res = await app.inject({
      url: '/api/tenants/acme-shop/customers/c-1/notes?limit=0',
      headers: { ...analyst, 'x-request-id': chosen },
    });
    assert.equal(res.statusCode, 400);
    assert.notEqual(res.json().requestId, chosen);
  });

  test('a refused cross-tenant attempt writes one audit row in the tenant asked for', async () => {
    const app = await build(0);
    const analyst = await ids.headers({ email: 'probe@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const res = await app.inject({
      url: '/api/tenants/globex-travel/customers/c-42',
      headers: { ...analyst, 'x-request-id': 'probe-1' },
      remoteAddress: '192.0.2.44',
    });
    assert.equal(res.statusCode, 404, 'same answer as a tenant that does not exist');
    const denied = await rows('globex-travel', 'access.denied');
    assert.equal(denied.length, 1);
    const row = denied[0]!;
    assert.equal(row.actor_sub, subjectOf('probe@bank.test'));
    assert.equal(row.actor_email, 'probe@bank.test');
    assert.equal(row.outcome, 'failure');
    assert.equal(row.object_type, 'route');
    assert.equal(row.object_id, 'GET /api/tenants/:tenant/customers/:id');
    assert.equal(row.after?.path, '/api/tenants/globex-travel/customers/c-42');
    assert.equal(row.client_ip, '192.0.2.44');
    assert.equal(row.caller_request_id, 'probe-1');
    assert.equal((await rows('acme-shop', 'access.denied')).length, 0, "nothing in the caller's own tenant");
  });

  test('probing cannot flood the log: past the budget the caller gets 429 and no more rows', async () => {
    const app = await build(0);
    const prober = await ids.headers({ email: 'flood@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const before = (await rows('globex-travel', 'access.denied')).length;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        (await app.inject({ url: `/api/tenants/globex-travel/customers/c-${i}`, headers: prober })).statusCode,
      );
    }
    assert.deepEqual(statuses, [404, 404, 404, 429, 429, 429, 429, 429]);
    assert.equal((await rows('globex-travel', 'access.denied')).length - before, 3);
    // A tenant that does not exist: the same 404, and no row anywhere (there is no log to write to).
    const other = await ids.headers({ email: 'other@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const res = await app.inject({ url: '/api/tenants/no-such-tenant/customers/c-1', headers: other });
    assert.equal(res.statusCode, 404);
  });
});
