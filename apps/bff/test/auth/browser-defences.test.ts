// docs/threat-model.md Z5, Z6, F4: CSRF tokens bound to the subject, Origin / Sec-Fetch-Site, JSON-only
// writes, security headers, per-principal rate limits. Probed through the admin grant route (a
// JSON write) and /api/me (a read).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { CSRF_SECRET_COOKIE, XSRF_COOKIE, XSRF_HEADER } from '../../src/plugins/security.ts';
import { IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { subjectOf, testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { baseConfig, fakeServices } from './fake-services.ts';

const ADMIN = { email: 'root@bank.test', role: 'admin' as const };
const grant = { email: 'new@bank.test', role: 'analyst', tenant: 'acme-shop' };

describe('browser defences', () => {
  let ids: TestIdentities;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  const post = (headers: Record<string, string | undefined>, payload: unknown = grant) =>
    app.inject({
      method: 'POST',
      url: '/api/admin/grants',
      headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>,
      payload: payload as string,
    });

  before(async () => {
    ids = await testIdentities();
    app = await buildApp({
      config: { ...ids.configure(baseConfig), allowedOrigins: ['https://console.bank.test'] },
      services: fakeServices([], { users: ids.directory }),
      auth: { ...ids.auth, limits: { writesPerMinute: 5, searchesPerMinute: 5 } },
      logger: false,
    });
    admin = await ids.headers(ADMIN);
  });
  after(() => app.close());

  test('a same-origin JSON write with the XSRF token passes', async () => {
    const res = await post(admin);
    assert.equal(res.statusCode, 200, res.body);
  });

  test('Z5: writes without the XSRF header, without the secret cookie, or with a wrong token are 403', async () => {
    assert.equal((await post({ ...admin, [XSRF_HEADER]: undefined })).statusCode, 403, 'no header');
    assert.equal((await post({ ...admin, cookie: undefined })).statusCode, 403, 'no cookie');
    const other = ids.xsrf(subjectOf(ADMIN.email));
    assert.equal((await post({ ...admin, [XSRF_HEADER]: other.header })).statusCode, 403, 'token for another secret');
    const res = await post({ ...admin, [XSRF_HEADER]: 'x'.repeat(40) });
    assert.equal(res.statusCode, 403, 'garbage token');
  });

  test('Z5: the token is bound to the subject: another user cannot replay it', async () => {
    // Eve has her own valid assertion but Alice's (root's) cookie + token pair.
    const eve = await ids.headers({ email: 'eve@bank.test', role: 'admin' });
    const res = await post({ ...eve, cookie: admin.cookie, [XSRF_HEADER]: admin[XSRF_HEADER] });
    assert.equal(res.statusCode, 403);
    assert.equal((await post(eve)).statusCode, 200, 'with her own pair she can');
  });

  test('Z5: a cross-site Origin or Sec-Fetch-Site is 403, even with a valid token', async () => {
    assert.equal((await post({ ...admin, origin: 'https://evil.test' })).statusCode, 403);
    assert.equal((await post({ ...admin, origin: 'null' })).statusCode, 403);
    assert.equal((await post({ ...admin, 'sec-fetch-site': 'cross-site' })).statusCode, 403);
    assert.equal((await post({ ...admin, 'sec-fetch-site': 'same-site' })).statusCode, 403);
    assert.equal((await post({ ...admin, origin: 'http://localhost:80' })).statusCode, 200, 'own host');
    assert.equal(
      (await post({ ...admin, origin: 'https://console.bank.test', 'sec-fetch-site': 'same-site' })).statusCode,
      200,
      'configured origin',
    );
  });

  test('Z5: a cross-site form post (text/plain, urlencoded) is 415 before anything else', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post({ ...admin, 'content-type': type }, 'email=new@bank.test&role=admin');
      assert.equal(res.statusCode, 415, type);
    }
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/admin/grants',
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
    });
    assert.equal(anonymous.statusCode, 401, 'identity is still checked first');
  });

  test('GET issues an XSRF-TOKEN cookie readable by the dashboard, bound to the subject', async () => {
    const assertion = { [IAP_HEADER]: admin[IAP_HEADER]! };
    const res = await app.inject({ url: '/api/me', headers: assertion });
    const cookies = res.cookies as {
      name: string;
      value: string;
      httpOnly?: boolean;
      sameSite?: string;
      secure?: boolean;
    }[];
    const token = cookies.find((c) => c.name === XSRF_COOKIE);
    const secret = cookies.find((c) => c.name === CSRF_SECRET_COOKIE);
    assert.ok(token && secret, 'both cookies set');
    assert.equal(token.httpOnly, undefined, 'token readable by script');
    assert.equal(secret.httpOnly, true, 'secret hidden from script');
    assert.equal(secret.secure, true);
    assert.equal(secret.sameSite, 'Strict');
    // The pair works for a write, as Angular would send it.
    const write = await post({
      ...assertion,
      cookie: `${CSRF_SECRET_COOKIE}=${secret.value}; ${XSRF_COOKIE}=${token.value}`,
      [XSRF_HEADER]: token.value,
      'sec-fetch-site': 'same-origin',
    });
    assert.equal(write.statusCode, 200, write.body);
  });

  test('Z6: security headers: HSTS, CSP with frame-ancestors none and no inline script, nosniff', async () => {
    const res = await app.inject({ url: '/api/health/live' });
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self' 'unsafe-inline'/);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  test('F4: writes are rate-limited per principal, not per address', async () => {
    const limited = await ids.headers({ email: 'busy@bank.test', role: 'admin' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(limited)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const res = await post(limited);
    assert.ok(res.headers['retry-after']);
    assert.equal(res.json().error, 'Too Many Requests');
    // Someone else from the same address is unaffected.
    const calm = await ids.headers({ email: 'calm@bank.test', role: 'admin' });
    assert.equal((await post(calm)).statusCode, 200);
  });
});
