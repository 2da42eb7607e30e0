// Replicas behind a load balancer (docs/decisions/0005-tenant-isolation.md): an XSRF token issued
// by one replica is accepted by another configured with the same REDOUBT_SECRET, and still during
// a rotation (REDOUBT_SECRET_PREVIOUS); a replica with another secret refuses it. The token cookie
// carries the __Host- prefix (Secure, Path=/, no Domain).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { CSRF_SECRET_COOKIE, XSRF_COOKIE, XSRF_HEADER } from '../../src/plugins/security.ts';
import { IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { baseConfig, fakeServices } from '../auth/fake-services.ts';

interface Cookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
}

describe('replicas share their keys through REDOUBT_SECRET', () => {
  let ids: TestIdentities;
  const apps: FastifyInstance[] = [];
  const replica = async (secret: { current: string; previous?: string }) => {
    const config = { ...ids.configure(baseConfig), secret: { previous: undefined, ...secret } };
    const app = await buildApp({
      config: config,
      services: fakeServices([], { users: ids.directory }),
      auth: ids.auth,
      logger: false,
    });
    apps.push(app);
    return app;
  };
  const ADMIN = { email: 'root@bank.test', role: 'admin' as const };
  let assertion: string;

  before(async () => {
    ids = await testIdentities();
    assertion = (await ids.headers(ADMIN))[IAP_HEADER]!;
  });
  after(async () => {
    for (const app of apps) await app.close();
  });

  /** Signs in on `app` as a browser would (GET /api/me) and returns the cookies it was given. */
  const signIn = async (app: FastifyInstance) => {
    const res = await app.inject({ url: '/api/me', headers: { [IAP_HEADER]: assertion } });
    assert.equal(res.statusCode, 200, res.body);
    return res.cookies as Cookie[];
  };
  /** A write on `app` with the cookies another replica issued, as Angular sends it. */
  const write = (app: FastifyInstance, cookies: Cookie[]) => {
    const token = cookies.find((c) => c.name === XSRF_COOKIE)!;
    const secret = cookies.find((c) => c.name === CSRF_SECRET_COOKIE)!;
    return app.inject({
      method: 'POST',
      url: '/api/admin/grants',
      headers: {
        [IAP_HEADER]: assertion,
        cookie: `${CSRF_SECRET_COOKIE}=${secret.value}; ${XSRF_COOKIE}=${token.value}`,
        [XSRF_HEADER]: token.value,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      },
      payload: { email: 'new@bank.test', role: 'analyst', tenant: 'acme-shop' },
    });
  };
  const refusedAsXsrf = (res: { statusCode: number; body: string }) =>
    res.statusCode === 403 && /X-XSRF-TOKEN/.test(res.body);

  test('the XSRF cookie is __Host-: Secure, Path=/, no Domain; its secret cookie too', async () => {
    const cookies = await signIn(await replica({ current: ids.secret }));
    for (const name of [XSRF_COOKIE, CSRF_SECRET_COOKIE]) {
      const cookie = cookies.find((c) => c.name === name);
      assert.ok(cookie, `${name} set`);
      assert.match(cookie.name, /^__Host-/);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.path, '/');
      assert.equal(cookie.domain, undefined);
    }
  });

  test('a token issued by one replica passes the CSRF check on another with the same secret', async () => {
    const a = await replica({ current: ids.secret });
    const b = await replica({ current: ids.secret });
    const res = await write(b, await signIn(a));
    assert.equal(refusedAsXsrf(res), false, res.body);
    assert.notEqual(res.statusCode, 403, res.body);
  });

  test('rotation: tokens issued under the previous secret pass until it is removed', async () => {
    const next = randomBytes(32).toString('base64url');
    const old = await replica({ current: ids.secret });
    const rotating = await replica({ current: next, previous: ids.secret });
    const rotated = await replica({ current: next });
    const issuedBefore = await signIn(old);
    const during = await write(rotating, issuedBefore);
    assert.equal(refusedAsXsrf(during), false, during.body);
    const afterwards = await write(rotated, issuedBefore);
    assert.equal(refusedAsXsrf(afterwards), true, afterwards.body);
    // What the rotating replica issues is accepted once the rotation is over.
    const fresh = await write(rotated, await signIn(rotating));
    assert.equal(refusedAsXsrf(fresh), false, fresh.body);
  });

  test('a replica with another secret refuses the token', async () => {
    const a = await replica({ current: ids.secret });
    const stranger = await replica({ current: randomBytes(32).toString('base64url') });
    const res = await write(stranger, await signIn(a));
    assert.equal(refusedAsXsrf(res), true, res.body);
  });
});
