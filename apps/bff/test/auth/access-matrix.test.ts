// The route x role x tenant matrix (docs/threat-model.md Z1, Z2), generated from the routes the full app
// registers, so a route added later is covered without anyone editing this file:
//   - every registered route has a rule in access.ts (a route without one fails this test);
//   - nobody signed in gets 401 on every non-public route;
//   - roles belong to the grant: each person below holds a role per tenant, and on a tenant route
//     only the role held in THAT tenant counts: not allowed there -> 403; no role there -> 404
//     (read and write), exactly as for a tenant that does not exist, with the attempt logged;
//   - people with different roles in two tenants (every pair) get each tenant's rules and nothing
//     more; the platform administrator reaches no tenant route at all;
//   - a route without a tenant admits whoever holds an allowed role in some tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { ACCESS, ruleFor, WRITE_METHODS } from '../../src/access.ts';
import type { AccessRule } from '../../src/access.ts';
import type { AccessRole, Role } from '../../src/principal.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { testIdentities, TEST_AUDIENCE } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';

const OWN = 'acme-shop';
const OTHER = 'globex-travel';
const MISSING = 'no-such-tenant';
const ROLES: readonly Role[] = ['analyst', 'lead', 'merchant', 'admin', 'service'];
const PERSON_ROLES: readonly Role[] = ['analyst', 'lead', 'merchant', 'admin'];

/** Someone calling: a role per tenant, or the platform administrator. */
interface Persona {
  name: string;
  roles: Readonly<Record<string, Role>>;
  platformAdmin: boolean;
}

const PERSONAS: readonly Persona[] = [
  // One role in OWN only.
  ...ROLES.map((role) => ({ name: role, roles: { [OWN]: role }, platformAdmin: false })),
  { name: 'platform-admin', roles: {}, platformAdmin: true },
  // A different role in each of two tenants, every ordered pair.
  ...PERSON_ROLES.flatMap((own) =>
    PERSON_ROLES.filter((other) => other !== own).map((other) => ({
      name: `${own}-here+${other}-there`,
      roles: { [OWN]: own, [OTHER]: other },
      platformAdmin: false,
    })),
  ),
];

/** The spec, written out independently of access.ts's decide(). */
function expected(persona: Persona, rule: AccessRule, tenantRoute: boolean, tenant: string): 'pass' | 403 | 404 {
  const allowed = rule.roles as readonly AccessRole[];
  if (tenantRoute) {
    const held = Object.hasOwn(persona.roles, tenant) ? persona.roles[tenant] : undefined;
    if (!held) return 404;
    return allowed.includes(held) ? 'pass' : 403;
  }
  const holds = Object.values(persona.roles).some((r) => allowed.includes(r));
  return holds || (persona.platformAdmin && allowed.includes('platform-admin')) ? 'pass' : 403;
}

interface LogLine {
  reqId?: string;
  /** The X-Request-Id the caller sent (the server makes its own reqId). */
  callerRequestId?: string;
  event?: string;
  msg?: string;
}

function concreteUrl(url: string, tenant: string, rule: AccessRule | undefined): string {
  let path = url
    .replace(':tenant', tenant)
    .replace(':otherId', 'cust-2')
    .replace(/:[A-Za-z]+/g, 'cust-1')
    .replace(/\*$/, 'probe');
  if (rule?.tenant === 'query') path += `?tenant=${tenant}`;
  return path;
}

describe('route x role x tenant matrix', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  let ids: TestIdentities;
  const logs: LogLine[] = [];
  const headersFor = new Map<string, Record<string, string>>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-matrix-'));
    // A built dashboard stand-in, so the static routes are in the matrix too.
    const dashboard = join(dir, 'dashboard');
    await import('node:fs/promises').then((fs) => fs.mkdir(dashboard));
    await writeFile(join(dashboard, 'index.html'), '<!doctype html><title>Redoubt</title>');
    await writeFile(join(dashboard, 'main-ABC123.js'), 'console.log(1)');
    const config = loadConfig({
      REDOUBT_DATA_DIR: join(dir, 'data'),
      REDOUBT_DASHBOARD_DIR: dashboard,
      DEMO_CUSTOMERS: '0',
      DEMO_TRICKLE: 'false',
      IAP_AUDIENCE: TEST_AUDIENCE,
      REDOUBT_SECRET: 'matrix-secret-'.repeat(3),
      LOG_LEVEL: 'warn',
    });
    // The database is the test's (the directory needs it before the app exists); the app opens the rest.
    db = await openDatabase(config);
    const reviews = new SqlReviewStore(db);
    for (const t of [OWN, OTHER]) await reviews.ensureTenant(t, t);
    ids = await testIdentities({ directory: new SqlUserDirectory(db) });
    app = await buildApp({
      config: ids.configure(config),
      services: { db, users: ids.directory, reviews },
      auth: {
        ...ids.auth,
        limits: {
          writesPerMinute: 100_000,
          searchesPerMinute: 100_000,
          graphPerMinute: 100_000,
          readsPerMinute: 100_000,
          deniedPerMinute: 100_000,
        },
      },
      logger: { level: 'warn', stream: { write: (line: string) => logs.push(JSON.parse(line) as LogLine) } },
    });
    await app.ready();
    for (const p of PERSONAS) {
      const grants = Object.entries(p.roles).map(([tenant, role]) => ({ tenant, role }));
      headersFor.set(
        p.name,
        await ids.headers({ email: `${p.name}@matrix.test`, grants, platformAdmin: p.platformAdmin }),
      );
    }
  });

  after(async () => {
    await app?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const routes = () => {
    const seen = new Set<string>();
    return app.accessRoutes.filter((r) => {
      const key = `${r.method} ${r.url}`;
      if (r.method === 'HEAD' || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };

  async function call(method: string, url: string, headers: Record<string, string> = {}) {
    const write = WRITE_METHODS.has(method);
    // Our own request id (logged beside the server's as callerRequestId) ties each response to its log lines.
    const reqId = crypto.randomUUID();
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...headers, 'x-request-id': reqId, ...(write ? { 'content-type': 'application/json' } : {}) },
      ...(write ? { payload: '{}' } : {}),
      payloadAsStream: true,
    });
    // Streams (server-sent events) never end: the status is all the matrix needs.
    const stream = res.stream();
    let body = '';
    if (!String(res.headers['content-type'] ?? '').includes('text/event-stream')) {
      for await (const chunk of stream) body += String(chunk);
    } else {
      stream.destroy();
    }
    return { status: res.statusCode, body, reqId };
  }

  test('the app registers the core routes and every registered route has an access rule', () => {
    const all = routes();
    for (const expected of ['GET /api/me', 'GET /api/health/live', 'POST /api/admin/grants', 'GET /']) {
      assert.ok(
        all.some((r) => `${r.method} ${r.url}` === expected),
        `${expected} is registered`,
      );
    }
    const unruled = app.accessRoutes.filter((r) => !r.rule).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(unruled, [], `routes without a rule in apps/bff/src/access.ts: ${unruled.join(', ')}`);
  });

  test('every route x every persona (a role per tenant) x own / other / missing tenant', async () => {
    const failures: string[] = [];
    const expect = (ok: boolean, what: string) => {
      if (!ok) failures.push(what);
    };
    const denied = (reqId: string, event: string) =>
      logs.some((l) => l.callerRequestId === reqId && l.event === 'access.denied' && l.msg === event);

    for (const { method, url, rule } of routes()) {
      if (!rule) continue; // reported by the test above
      // Decided by the URL, not by the rule: a tenant route whose rule forgot the check must fail here.
      const tenantRoute = url.includes(':tenant') || rule.tenant !== undefined;
      const tenants = tenantRoute ? [OWN, OTHER, MISSING] : [OWN];
      for (const tenant of tenants) {
        const target = concreteUrl(url, tenant, rule);
        const label = `${method} ${target}`;

        const anonymous = await call(method, target);
        if (rule.roles === 'public') {
          expect(anonymous.status !== 401 && anonymous.status !== 403, `${label} public: got ${anonymous.status}`);
          continue;
        }
        expect(anonymous.status === 401, `${label} anonymous: expected 401, got ${anonymous.status}`);

        for (const persona of PERSONAS) {
          const res = await call(method, target, headersFor.get(persona.name)!);
          const who = `${label} as ${persona.name}`;
          const want = expected(persona, rule, tenantRoute, tenant);
          if (want === 403) {
            expect(res.status === 403, `${who}: expected 403, got ${res.status} ${res.body.slice(0, 120)}`);
          } else if (want === 'pass') {
            expect(
              ![401, 403].includes(res.status) && !denied(res.reqId, 'cross-tenant access refused'),
              `${who}: expected to pass access control, got ${res.status} ${res.body.slice(0, 120)}`,
            );
          } else {
            expect(res.status === 404, `${who}: expected 404, got ${res.status} ${res.body.slice(0, 120)}`);
            expect(denied(res.reqId, 'cross-tenant access refused'), `${who}: cross-tenant attempt not logged`);
            expect(
              JSON.parse(res.body || '{}').message === 'Not found',
              `${who}: 404 must not say whether the tenant exists: ${res.body}`,
            );
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test('the ingest route: users get 403; a service principal needs no XSRF token, only JSON or NDJSON', async () => {
    const url = `/api/tenants/${OWN}/events`;
    if (!routes().some((r) => r.method === 'POST' && r.url === '/api/tenants/:tenant/events')) return;
    for (const persona of PERSONAS.filter((p) => p.name !== 'service')) {
      const res = await call('POST', url, headersFor.get(persona.name)!);
      assert.equal(res.status, persona.roles[OWN] ? 403 : 404, persona.name);
    }
    const service = headersFor.get('service')!;
    const bare = { 'x-goog-iap-jwt-assertion': service['x-goog-iap-jwt-assertion']! };
    const ndjson = await app.inject({
      method: 'POST',
      url,
      headers: { ...bare, 'content-type': 'application/x-ndjson' },
      payload: '{}\n',
    });
    assert.ok(![401, 403, 415].includes(ndjson.statusCode), `ndjson without XSRF: ${ndjson.statusCode} ${ndjson.body}`);
    const text = await app.inject({
      method: 'POST',
      url,
      headers: { ...bare, 'content-type': 'text/plain' },
      payload: '{}',
    });
    assert.equal(text.statusCode, 415);
    // The service principal is for ingest only.
    assert.equal((await call('GET', '/api/me', service)).status, 403);
  });

  test('every API route declares its schemas: params, closed bodies and queries, responses (I1, Z3)', () => {
    const failures: string[] = [];
    for (const { method, url, schema } of routes()) {
      if (!url.startsWith('/api/')) continue;
      const s = (schema ?? {}) as Record<string, { additionalProperties?: unknown } | undefined> & {
        response?: Record<string, unknown>;
      };
      const name = `${method} ${url}`;
      if (url.includes('/:') && !s.params) failures.push(`${name}: no params schema`);
      if (WRITE_METHODS.has(method) && s.body && s.body.additionalProperties !== false && !url.endsWith('/events')) {
        failures.push(`${name}: body schema allows unknown properties`);
      }
      if (s.querystring && s.querystring.additionalProperties !== false)
        failures.push(`${name}: query allows unknown properties`);
      const codes = Object.keys(s.response ?? {});
      if (!codes.some((c) => c.startsWith('2'))) failures.push(`${name}: no success response schema`);
    }
    assert.deepEqual(failures, []);
  });

  test('prototype-poisoning keys in a JSON body are refused with 400 (I2)', async () => {
    for (const payload of [
      '{"__proto__": {"role": "admin"}, "email": "x@bank.test", "role": "analyst"}',
      '{"constructor": {"prototype": {"role": "admin"}}, "email": "x@bank.test", "role": "analyst"}',
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/grants',
        headers: { ...headersFor.get('platform-admin')!, 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 400, payload);
    }
  });

  test('no route answers 500 to a signed-in caller with an empty request (I3)', async () => {
    const failures: string[] = [];
    for (const { method, url, rule } of routes()) {
      if (!rule || rule.roles === 'public') continue;
      for (const role of rule.roles) {
        const res = await call(method, concreteUrl(url, OWN, rule), headersFor.get(role)!);
        if (res.status === 500) failures.push(`${method} ${url} as ${role}: ${res.body.slice(0, 200)}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});

describe('the access table', () => {
  test('a route with no rule fails closed (403) and is reported', async () => {
    const ids = await testIdentities();
    const { baseConfig, fakeServices } = await import('./fake-services.ts');
    const app = await buildApp({
      config: ids.configure(baseConfig),
      services: fakeServices([], { users: ids.directory }),
      auth: ids.auth,
      logger: false,
    });
    app.get('/api/tenants/:tenant/secrets', async () => ({ secret: 42 }));
    try {
      const headers = await ids.headers({ email: 'lead@bank.test', role: 'lead', tenant: 'acme-shop' });
      const res = await app.inject({ url: '/api/tenants/acme-shop/secrets', headers });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().secret, undefined);
      assert.ok(app.accessRoutes.some((r) => r.url === '/api/tenants/:tenant/secrets' && r.rule === undefined));
    } finally {
      await app.close();
    }
  });

  test('the rules of docs/threat-model.md Z2, including routes not built yet', () => {
    const roles = (key: string) => {
      const [method, url] = key.split(' ') as [string, string];
      const rule = ruleFor(method, url);
      assert.ok(rule, `${key} has a rule`);
      return rule.roles;
    };
    const T = '/api/tenants/:tenant';
    assert.deepEqual(roles(`POST ${T}/events`), ['service']);
    for (const key of [
      `GET ${T}/customers/:id/reviews`,
      `POST ${T}/customers/:id/reviews`,
      `GET ${T}/customers/:id/notes`,
      `POST ${T}/customers/:id/notes`,
      `GET ${T}/customers/search`,
      `GET ${T}/customers/suggest`,
      `GET ${T}/customers/:id`,
      `GET ${T}/customers/:id/network`,
      `GET ${T}/queue`,
    ]) {
      assert.deepEqual([...roles(key)].sort(), ['analyst', 'lead'], key);
    }
    for (const key of [`GET ${T}/audit`, `GET ${T}/audit.csv`, `GET ${T}/audit.jsonl`, `GET ${T}/audit/verify`]) {
      assert.deepEqual(roles(key), ['lead'], key);
    }
    assert.deepEqual([...roles(`GET ${T}/overview`)].sort(), ['analyst', 'lead', 'merchant']);
    // Audit is read-only: no rule allows a write under /audit.
    const auditWrites = Object.keys(ACCESS).filter((k) => /^(POST|PUT|PATCH|DELETE) .*\/audit/.test(k));
    assert.deepEqual(auditWrites, []);
    // Merchants never reach customer data.
    const merchantCustomer = Object.entries(ACCESS).filter(
      ([k, r]) => k.includes('/customers') && r.roles !== 'public' && r.roles.includes('merchant'),
    );
    assert.deepEqual(merchantCustomer, []);
    // Every tenant-scoped path checks the tenant.
    const unchecked = Object.entries(ACCESS).filter(([k, r]) => k.includes(':tenant') && r.tenant !== 'param');
    assert.deepEqual(unchecked, []);
  });
});
