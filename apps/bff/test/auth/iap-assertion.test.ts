// docs/threat-model.md A1-A7: the IAP assertion is the only identity, verified strictly; keys come from a
// JWK set with caching, rotation and fail-closed outages; roles come from the directory each request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, UnsecuredJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { cachingVerifier, IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { identityMode } from '../../src/plugins/auth/index.ts';
import { loadConfig } from '../../src/config.ts';
import {
  newSigningKey,
  serveJwks,
  subjectOf,
  testIdentities,
  TEST_AUDIENCE,
  TEST_ISSUER,
} from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { baseConfig, fakeServices } from './fake-services.ts';
import { partial } from '../support/partial.ts';
import type { UserDirectory } from '../../src/ports/user-directory.ts';

const TENANTS = [{ id: 'acme-shop', name: 'Acme Shop' }];
const ALICE = { email: 'alice@bank.test', role: 'analyst' as const, tenant: 'acme-shop' };
const now = () => Math.floor(Date.now() / 1000);

describe('IAP assertion (A1-A4)', () => {
  let ids: TestIdentities;
  let app: FastifyInstance;
  const me = (headers: Record<string, string>) => app.inject({ url: '/api/me', headers });

  before(async () => {
    ids = await testIdentities();
    app = await buildApp({
      config: ids.configure(baseConfig),
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: ids.auth,
      logger: false,
    });
    await ids.headers(ALICE); // provisions alice
  });
  after(() => app.close());

  const assertion = (token: string) => ({ [IAP_HEADER]: token });
  const alice = { sub: subjectOf(ALICE.email), email: ALICE.email };

  test('a valid assertion signs alice in, with her role in each tenant from the directory', async () => {
    const res = await me(assertion(await ids.sign(alice)));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      sub: alice.sub,
      email: alice.email,
      platformAdmin: false,
      tenants: [{ id: 'acme-shop', name: 'Acme Shop', role: 'analyst' }],
      demo: false,
    });
  });

  test('A1: no assertion, or only forged x-goog-authenticated-user-* headers, is 401', async () => {
    const first = await me({});
    assert.equal(first.statusCode, 401, first.body);
    const forged = await me({
      'x-goog-authenticated-user-email': `accounts.google.com:${alice.email}`,
      'x-goog-authenticated-user-id': `accounts.google.com:${alice.sub}`,
    });
    assert.equal(forged.statusCode, 401);
  });

  test('A2: alg none, HS256 and an unknown kid are 401', async () => {
    const none = new UnsecuredJWT({ ...alice, iss: 'https://cloud.google.com/iap', aud: TEST_AUDIENCE })
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    assert.equal((await me(assertion(none))).statusCode, 401, 'alg none');

    // HS256 "signed" with the public key as the secret: the classic algorithm-confusion attack.
    const secret = new TextEncoder().encode(JSON.stringify(ids.key.publicJwk));
    const hs = await new SignJWT({ ...alice, iss: 'https://cloud.google.com/iap', aud: TEST_AUDIENCE })
      .setProtectedHeader({ alg: 'HS256', kid: ids.key.kid })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    assert.equal((await me(assertion(hs))).statusCode, 401, 'HS256');

    const stranger = await newSigningKey();
    assert.equal((await me(assertion(await ids.sign(alice, {}, stranger)))).statusCode, 401, 'unknown kid');
    // A known kid with a signature by another key.
    const wrongSig = await ids.sign(alice, { kid: ids.key.kid }, stranger);
    assert.equal((await me(assertion(wrongSig))).statusCode, 401, 'bad signature');
    // Tampered payload.
    const [h, , s] = (await ids.sign(alice)).split('.');
    const evil = Buffer.from(JSON.stringify({ ...alice, email: 'mallory@bank.test' })).toString('base64url');
    assert.equal((await me(assertion(`${h}.${evil}.${s}`))).statusCode, 401, 'tampered');
    assert.equal((await me(assertion('not.a.jwt'))).statusCode, 401, 'garbage');
  });

  test('A3: expired, not yet valid, wrong iss, wrong aud, missing sub/email, too long-lived are 401', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['expired beyond the 30 s skew', { iat: now() - 700, exp: now() - 31 }],
      ['issued in the future', { iat: now() + 120, exp: now() + 600 }],
      ['not before in the future', { nbf: now() + 120 }],
      ['wrong issuer', { iss: 'https://accounts.google.com' }],
      ['wrong audience', { aud: '/projects/123456789/global/backendServices/1' }],
      ['audience prefix only', { aud: '/projects/123456789' }],
      ['missing sub', { sub: undefined }],
      ['missing email', { email: undefined }],
      ['lifetime of a day', { exp: now() + 86_400 }],
    ];
    for (const [name, claims] of cases) {
      const token = await ids.sign({ ...alice, ...claims });
      const res = await me(assertion(token));
      assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
    }
    // Within the skew still passes: expired 10 s ago.
    const skewed = await ids.sign({ ...alice, iat: now() - 610, exp: now() - 10 });
    assert.equal((await me(assertion(skewed))).statusCode, 200, 'within 30 s skew');
  });

  test('A3: allowed domains check the hd claim', async () => {
    const strict = await buildApp({
      config: {
        ...ids.configure(baseConfig),
        iap: { ...ids.configure(baseConfig).iap, allowedDomains: ['bank.test'] },
      } as never,
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: ids.auth,
      logger: false,
    });
    try {
      const ok = await strict.inject({
        url: '/api/me',
        headers: assertion(await ids.sign({ ...alice, hd: 'bank.test' })),
      });
      assert.equal(ok.statusCode, 200);
      const other = await strict.inject({
        url: '/api/me',
        headers: assertion(await ids.sign({ ...alice, hd: 'evil.test' })),
      });
      assert.equal(other.statusCode, 401);
      const none = await strict.inject({ url: '/api/me', headers: assertion(await ids.sign(alice)) });
      assert.equal(none.statusCode, 401);
    } finally {
      await strict.close();
    }
  });

  test('A7: a valid identity that is not provisioned is 403; revocation applies on the next request', async () => {
    const nobody = await me(assertion(await ids.sign({ sub: 'accounts.google.com:1', email: 'nobody@bank.test' })));
    assert.equal(nobody.statusCode, 403);

    const bob = { email: 'bob@bank.test', role: 'analyst' as const, tenant: 'acme-shop' };
    const headers = await ids.headers(bob);
    assert.equal((await me(headers)).statusCode, 200);
    await ids.directory.setDisabled({ sub: 't', email: 't@t' }, bob.email, true);
    assert.equal((await me(headers)).statusCode, 403, 'disabled user is refused at once with the same token');
  });

  test('A7: a granted email binds the subject at first sign-in; another subject with that email is refused', async () => {
    await ids.directory.grant({ sub: 't', email: 't@t' }, 'carol@bank.test', 'acme-shop', 'lead');
    const first = await me(assertion(await ids.sign({ sub: 'accounts.google.com:555', email: 'carol@bank.test' })));
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().tenants[0].role, 'lead');
    const impostor = await me(assertion(await ids.sign({ sub: 'accounts.google.com:666', email: 'carol@bank.test' })));
    assert.equal(impostor.statusCode, 403);
  });
});

describe('JWK set fetching (A4-A5)', () => {
  test('rotation: a token with a new kid is accepted once the cooldown has passed; old keys keep working', async () => {
    const ids = await testIdentities();
    const current = [ids.key];
    const jwks = await serveJwks(() => ({ keys: current.map((k) => k.publicJwk) }));
    const config = ids.configure(baseConfig);
    const app = await buildApp({
      config: { ...config, iap: { ...config.iap, jwksUrl: jwks.url } },
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: { ...ids.auth, keys: undefined, jwksCooldownMs: 300 },
      logger: false,
    });
    try {
      const headers = await ids.headers(ALICE);
      assert.equal((await app.inject({ url: '/api/me', headers })).statusCode, 200);
      const rotated = await newSigningKey();
      current.unshift(rotated);
      const sub = subjectOf(ALICE.email);
      const fresh = { ...headers, [IAP_HEADER]: await ids.sign({ sub, email: ALICE.email }, {}, rotated) };
      await new Promise((r) => setTimeout(r, 350));
      assert.equal((await app.inject({ url: '/api/me', headers: fresh })).statusCode, 200, 'new kid accepted');
      const oldKey = current[1]!;
      const again = { ...headers, [IAP_HEADER]: await ids.sign({ sub, email: ALICE.email }, {}, oldKey) };
      assert.equal((await app.inject({ url: '/api/me', headers: again })).statusCode, 200, 'old kid still published');
      assert.equal(jwks.fetches(), 2);
    } finally {
      await app.close();
      await jwks.close();
    }
  });

  test('1,000 concurrent requests share one key fetch', async () => {
    const ids = await testIdentities();
    const jwks = await serveJwks(() => ids.jwks());
    const config = ids.configure(baseConfig);
    const app = await buildApp({
      config: { ...config, iap: { ...config.iap, jwksUrl: jwks.url } },
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: { ...ids.auth, keys: undefined },
      logger: false,
    });
    try {
      const headers = await ids.headers(ALICE);
      const results = await Promise.all(Array.from({ length: 1000 }, () => app.inject({ url: '/api/me', headers })));
      assert.ok(results.every((r) => r.statusCode === 200));
      assert.equal(jwks.fetches(), 1);
    } finally {
      await app.close();
      await jwks.close();
    }
  });

  test('key set unreachable or failing is 503 (fail closed), then recovers', async () => {
    const ids = await testIdentities();
    const jwks = await serveJwks(() => ids.jwks());
    jwks.down(true);
    const config = ids.configure(baseConfig);
    const app = await buildApp({
      config: { ...config, iap: { ...config.iap, jwksUrl: jwks.url } },
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: { ...ids.auth, keys: undefined },
      logger: false,
    });
    const headers = await ids.headers(ALICE);
    try {
      const failing = await app.inject({ url: '/api/me', headers });
      assert.equal(failing.statusCode, 503, failing.body);
      assert.equal(failing.headers['retry-after'], '5');
      jwks.down(false);
      assert.equal((await app.inject({ url: '/api/me', headers })).statusCode, 200, 'failures are not cached');
    } finally {
      await app.close();
    }
    // Nothing listening at all.
    await jwks.close();
    const dead = await buildApp({
      config: { ...config, iap: { ...config.iap, jwksUrl: jwks.url } },
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: { ...ids.auth, keys: undefined },
      logger: false,
    });
    try {
      assert.equal((await dead.inject({ url: '/api/me', headers })).statusCode, 503);
      assert.equal((await dead.inject({ url: '/api/health/live' })).statusCode, 200, 'health stays public');
    } finally {
      await dead.close();
    }
  });
});

describe('no way to run without identity (A6)', () => {
  // Outside the demo a server secret is required too (test/hardening/config-refusals.test.ts).
  const S = { REDOUBT_SECRET: 's'.repeat(32) };
  test('without IAP_AUDIENCE only the embedded demo may start; real stores refuse', () => {
    assert.equal(loadConfig({}).demoIdentityProxy, true);
    assert.equal(identityMode(loadConfig({})), 'demo');
    for (const env of [
      { ...S, DATABASE_URL: 'postgres://db/redoubt' },
      { ...S, ELASTICSEARCH_URL: 'http://es:9200' },
      { ...S, BIGTABLE_PROJECT: 'p' },
      { ...S, REDOUBT_DEMO_IDENTITY: 'false' },
    ]) {
      assert.throws(() => identityMode(loadConfig(env)), /IAP_AUDIENCE is required/, JSON.stringify(env));
    }
    // The demo identity never comes up next to a real store (test/demo-mode.test.ts has the rest) ...
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://x/y', REDOUBT_DEMO_IDENTITY: 'true' }),
      /needs every store embedded/,
    );
    // ... nor alongside a real IAP audience.
    const prod = loadConfig({ ...S, IAP_AUDIENCE: TEST_AUDIENCE, REDOUBT_DEMO_IDENTITY: 'true' });
    assert.equal(prod.demoIdentityProxy, false);
    assert.equal(identityMode(prod), 'iap');
  });

  test('an IAP_AUDIENCE that is not an IAP audience refuses to start', () => {
    for (const bad of ['true', '123456', '/projects/abc/apps/x', '/projects/1/global/backendServices/']) {
      assert.throws(() => identityMode(loadConfig({ ...S, IAP_AUDIENCE: bad })), /not an IAP audience/, bad);
    }
    assert.equal(identityMode(loadConfig({ ...S, IAP_AUDIENCE: '/projects/42/apps/my-project' })), 'iap');
  });

  test('buildApp refuses to start without an audience outside the demo', async () => {
    await assert.rejects(
      buildApp({ config: baseConfig, services: fakeServices(), logger: false }),
      /IAP_AUDIENCE is required/,
    );
  });
});

describe('remembered verifications', () => {
  test('a verified assertion is reused for at most a minute and never past its expiry', async (t) => {
    const ids = await testIdentities();
    let verifications = 0;
    const keys = ids.auth.keys!;
    const verify = cachingVerifier({
      audience: TEST_AUDIENCE,
      issuer: TEST_ISSUER,
      allowedDomains: [],
      keys: (header, token) => {
        verifications++;
        return keys(header, token);
      },
    });
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const start = now();
    const longLived = await ids.sign({ sub: 's1', email: 'a@bank.test', iat: start, exp: start + 600 });
    const shortLived = await ids.sign({ sub: 's2', email: 'b@bank.test', iat: start, exp: start + 5 });
    await verify(longLived);
    await verify(longLived);
    await verify(shortLived);
    assert.equal(verifications, 2, 'second use of the same assertion is remembered');
    t.mock.timers.tick(36_000); // past the short one's expiry + 30 s skew
    await assert.rejects(verify(shortLived), /rejected/);
    await verify(longLived);
    assert.equal(verifications, 3, 'the long-lived one is still remembered');
    t.mock.timers.tick(25_000); // more than a minute since it was verified
    await verify(longLived);
    assert.equal(verifications, 4);
  });
});

describe('directory outage', () => {
  test('the user directory failing is 503 (fail closed, F3)', async () => {
    const ids = await testIdentities();
    const broken = partial<UserDirectory>('users', {
      resolve: async () => {
        throw new Error('connection terminated');
      },
    });
    const app = await buildApp({
      config: ids.configure(baseConfig),
      services: fakeServices(TENANTS, { users: broken }),
      auth: ids.auth,
      logger: false,
    });
    try {
      const res = await app.inject({ url: '/api/me', headers: await ids.headers(ALICE) });
      assert.equal(res.statusCode, 503);
      assert.doesNotMatch(res.body, /connection terminated/);
    } finally {
      await app.close();
    }
  });
});

describe('revocation through the admin API (A7)', () => {
  test('takes effect on the very next request even with a long principal cache', async () => {
    const ids = await testIdentities();
    const app = await buildApp({
      config: ids.configure(baseConfig),
      services: fakeServices(TENANTS, { users: ids.directory }),
      auth: { ...ids.auth, cacheMs: 60_000 },
      logger: false,
    });
    try {
      const bob = await ids.headers({ email: 'bob@bank.test', role: 'analyst', tenant: 'acme-shop' });
      const admin = await ids.headers({ email: 'root@bank.test', platformAdmin: true });
      assert.equal((await app.inject({ url: '/api/me', headers: bob })).statusCode, 200);
      // Behind the API's back (as the CLI in another process would), the cache still answers...
      await ids.directory.revoke({ sub: 't', email: 't@t' }, 'bob@bank.test', 'acme-shop');
      assert.deepEqual((await app.inject({ url: '/api/me', headers: bob })).json().tenants, [
        { id: 'acme-shop', name: 'Acme Shop', role: 'analyst' },
      ]);
      // ... but an admin's revocation through the API clears it at once.
      const disable = await app.inject({
        method: 'POST',
        url: '/api/admin/user-status',
        headers: admin,
        payload: { email: 'bob@bank.test', disabled: true },
      });
      assert.equal(disable.statusCode, 200, disable.body);
      assert.equal(disable.json().disabled, true);
      assert.equal((await app.inject({ url: '/api/me', headers: bob })).statusCode, 403);
      const enable = await app.inject({
        method: 'POST',
        url: '/api/admin/user-status',
        headers: admin,
        payload: { email: 'bob@bank.test', disabled: false },
      });
      assert.equal(enable.statusCode, 200, enable.body);
      // Enabled again, but the grant revoked behind the API's back is gone: holding no role
      // anywhere, bob is not provisioned.
      const after = await app.inject({ url: '/api/me', headers: bob });
      assert.equal(after.statusCode, 403, after.body);
      assert.equal(after.json().error !== undefined && /no access/.test(after.json().message), true, after.body);
      const unknownField = await app.inject({
        method: 'POST',
        url: '/api/admin/grants',
        headers: admin,
        payload: { email: 'bob@bank.test', role: 'lead', tenant: 'acme-shop', tenants: ['x'] },
      });
      assert.equal(unknownField.statusCode, 400);
      assert.match(unknownField.json().message, /\/body\/tenants is not allowed/);
    } finally {
      await app.close();
    }
  });
});
