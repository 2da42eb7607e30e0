// The embedded demo's identity proxy: pick a demo user, and every request carries an IAP-style
// assertion that the production verifier checks against the proxy's own keys. Never on with IAP_AUDIENCE.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { DEMO_TENANTS, DEMO_USERS } from '../../src/demo/demo-users.ts';
import { DEMO_COOKIE } from '../../src/demo/identity-proxy.ts';
import { IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { newSigningKey, testIdentities, TEST_AUDIENCE } from '../support/identities.ts';

/** A tiny cookie jar: what a browser would send back. */
function jar() {
  const cookies = new Map<string, string>();
  return {
    take(res: LightMyRequestResponse) {
      for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
        if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) cookies.delete(c.name);
        else cookies.set(c.name, c.value);
      }
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    get: (name: string) => cookies.get(name),
  };
}

describe('demo identity proxy', () => {
  let dir: string;
  let config: Config;
  let app: FastifyInstance;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-demo-'));
    const dashboard = join(dir, 'dashboard');
    await mkdir(dashboard);
    await writeFile(join(dashboard, 'index.html'), '<!doctype html><title>Redoubt</title>');
    config = loadConfig({
      REDOUBT_DATA_DIR: join(dir, 'data'),
      REDOUBT_DASHBOARD_DIR: dashboard,
      DEMO_CUSTOMERS: '0',
      DEMO_TRICKLE: 'false',
    });
    assert.equal(config.demoIdentityProxy, true);
    app = await buildApp({ config, logger: false });
  });
  after(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The first app's stores, for a second app on the same data (the first app closes them). */
  const shared = () => ({ db: app.db, profiles: app.profiles, searchIndex: app.searchIndex, graphs: app.graphs });

  async function signIn(key: string) {
    const cookies = jar();
    const res = await app.inject({
      url: `/demo/login?as=${key}&next=%2Fcustomers`,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/customers');
    cookies.take(res);
    assert.equal(cookies.get(DEMO_COOKIE), key);
    return cookies;
  }

  test('the login page is clearly a demo and offers an analyst, a lead, a merchant per organisation, an admin', async () => {
    const res = await app.inject({ url: '/demo/login' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, /DEMO ONLY/);
    for (const key of ['analyst', 'lead', 'admin', ...DEMO_TENANTS.map((t) => `merchant-${t.id}`)]) {
      assert.match(res.body, new RegExp(`data-testid="demo-user-${key}"`), key);
    }
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/, 'the page runs no script');
  });

  test('each demo user signs in through the proxy and gets their own role in each organisation', async () => {
    for (const user of DEMO_USERS) {
      const cookies = await signIn(user.key);
      const me = await app.inject({ url: '/api/me', headers: { cookie: cookies.header() } });
      assert.equal(me.statusCode, 200, `${user.key}: ${me.body}`);
      const body = me.json();
      assert.equal(body.email, user.email);
      assert.equal(body.demo, true);
      assert.equal(body.platformAdmin, user.platformAdmin === true);
      assert.deepEqual(
        body.tenants.map((t: { id: string; role: string }) => ({ tenant: t.id, role: t.role })),
        [...user.grants].sort((a, b) => a.tenant.localeCompare(b.tenant)),
      );
    }
  });

  test('a signed-in analyst writes a note with the XSRF token the BFF issued, as the dashboard does', async () => {
    const cookies = await signIn('analyst');
    cookies.take(await app.inject({ url: '/api/me', headers: { cookie: cookies.header() } }));
    const token = cookies.get('XSRF-TOKEN');
    assert.ok(token);
    const note = { id: crypto.randomUUID(), body: 'Shared device with a known fraudster' };
    const url = '/api/tenants/acme-shop/customers/cust-1/notes';
    const res = await app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: cookies.header(),
        'x-xsrf-token': token,
        'sec-fetch-site': 'same-origin',
        origin: 'http://localhost',
      },
      payload: note,
    });
    assert.equal(res.statusCode, 201, res.body);
    const read = await app.inject({ url, headers: { cookie: cookies.header() } });
    assert.equal(read.json().notes[0].authorEmail, 'ada.analyst@demo.redoubt.dev');
    // Switching user drops the token; the old one is bound to the analyst and fails for the lead.
    const lead = await signIn('lead');
    const asLead = await app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: `${lead.header()}; ${cookies.header()}`,
        'x-xsrf-token': token,
        'sec-fetch-site': 'same-origin',
      },
      payload: { ...note, id: crypto.randomUUID() },
    });
    assert.equal(asLead.statusCode, 403);
  });

  test('a merchant sees only their organisation and no customer data', async () => {
    const cookies = await signIn('merchant-acme-shop');
    const headers = { cookie: cookies.header() };
    assert.equal((await app.inject({ url: '/api/tenants/acme-shop/customers/c/notes', headers })).statusCode, 403);
    assert.equal((await app.inject({ url: '/api/admin/users', headers })).statusCode, 403);
  });

  test('identity headers sent by the client are stripped: only the proxy speaks', async () => {
    const attacker = await newSigningKey();
    const ids = await testIdentities();
    const forged = await ids.sign(
      { sub: 'accounts.google.com:demo-admin', email: 'ari.admin@demo.redoubt.dev' },
      {},
      attacker,
    );
    const alone = await app.inject({
      url: '/api/me',
      headers: {
        [IAP_HEADER]: forged,
        'x-goog-authenticated-user-email': 'accounts.google.com:ari.admin@demo.redoubt.dev',
      },
    });
    assert.equal(alone.statusCode, 401);
    const merchant = await signIn('merchant-globex-travel');
    const mixed = await app.inject({ url: '/api/me', headers: { cookie: merchant.header(), [IAP_HEADER]: forged } });
    assert.deepEqual(
      mixed.json().tenants.map((t: { role: string }) => t.role),
      ['merchant'],
    );
  });

  test('a page load without a demo user goes to the login page; API calls get 401', async () => {
    const page = await app.inject({
      url: '/customers/42',
      headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' },
    });
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/demo/login?next=%2Fcustomers%2F42');
    assert.equal((await app.inject({ url: '/api/me' })).statusCode, 401);
    // Cross-site pages cannot switch someone's demo identity; `next` never leaves the site.
    const cross = await app.inject({ url: '/demo/login?as=admin', headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(cross.statusCode, 403);
    const away = await app.inject({ url: '/demo/login?as=admin&next=//evil.test/x' });
    assert.equal(away.headers.location, '/');
    assert.equal((await app.inject({ url: '/demo/login?as=root' })).statusCode, 400);
  });

  test('the key lives under the data folder and survives restarts; provisioning is idempotent', async () => {
    const keyFile = join(config.dataDir, 'demo-identity', 'es256-private.jwk.json');
    const kid = JSON.parse(await readFile(keyFile, 'utf8')).kid;
    assert.equal((await app.inject({ url: '/demo/jwks.json' })).json().keys[0].kid, kid);
    assert.equal((await app.inject({ url: '/demo/jwks.json' })).json().keys[0].d, undefined, 'no private part');
    const before = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    const users = await app.users.list();
    const again = await buildApp({ config, services: shared(), logger: false });
    try {
      assert.equal((await again.inject({ url: '/demo/jwks.json' })).json().keys[0].kid, kid);
      assert.deepEqual(await again.users.list(), users);
      const afterRows = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      assert.equal(afterRows.rows[0]!.n, before.rows[0]!.n);
    } finally {
      await again.close();
    }
  });

  test('with IAP_AUDIENCE set the proxy does not exist and its cookie means nothing', async () => {
    const prod = loadConfig({
      REDOUBT_DATA_DIR: config.dataDir,
      REDOUBT_DASHBOARD_DIR: 'none',
      IAP_AUDIENCE: TEST_AUDIENCE,
      REDOUBT_SECRET: 'demo-proxy-test-secret-'.repeat(2),
      REDOUBT_DEMO_IDENTITY: 'true',
    });
    const ids = await testIdentities();
    const real = await buildApp({ config: prod, services: shared(), auth: { keys: ids.auth.keys }, logger: false });
    try {
      assert.equal((await real.inject({ url: '/demo/login' })).statusCode, 404);
      assert.equal(
        (await real.inject({ url: '/api/me', headers: { cookie: `${DEMO_COOKIE}=admin` } })).statusCode,
        401,
      );
      assert.equal(real.demoIdentity, false);
    } finally {
      await real.close();
    }
  });
});
