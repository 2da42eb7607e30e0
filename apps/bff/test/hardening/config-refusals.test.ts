// Start-up refusals and the server secret (docs/decisions/0005-tenant-isolation.md): every replica
// must derive the same keys, so outside the embedded demo the secret comes from configuration and
// its absence stops the process; IAP audiences of every IAP deployment are accepted, and the key
// set is only ever fetched over https.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { DEMO_SECRET_FILE, secretsFor, secretsFrom } from '../../src/secrets.ts';
import { identityMode } from '../../src/plugins/auth/index.ts';

const SECRET = 'a'.repeat(20) + 'b'.repeat(20);
const PREVIOUS = 'c'.repeat(40);
const PROD = {
  IAP_AUDIENCE: '/projects/123456789/global/backendServices/987654321',
  DATABASE_URL: 'postgres://db/redoubt',
};

describe('REDOUBT_SECRET', () => {
  test('outside the embedded demo, a missing secret refuses to start', () => {
    assert.throws(() => loadConfig(PROD), /REDOUBT_SECRET is required/);
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://db/redoubt' }),
      /REDOUBT_SECRET is required|IAP_AUDIENCE/,
    );
    assert.equal(loadConfig({ ...PROD, REDOUBT_SECRET: SECRET }).secret.current, SECRET);
  });

  test('a short secret, or a previous one without a current one, refuses to start', () => {
    assert.throws(() => loadConfig({ ...PROD, REDOUBT_SECRET: 'short' }), /at least 32 characters/);
    assert.throws(() => loadConfig({ ...PROD, REDOUBT_SECRET_PREVIOUS: PREVIOUS }), /only accepted together/);
  });

  test('every replica derives the same keys from the same secret; another secret, other keys', () => {
    const a = secretsFrom(SECRET);
    const b = secretsFrom(SECRET);
    assert.deepEqual(a.keys('csrf'), b.keys('csrf'));
    assert.notDeepEqual(a.keys('csrf'), a.keys('session'), 'one key per purpose');
    assert.notDeepEqual(a.keys('csrf'), secretsFrom(PREVIOUS).keys('csrf'));
  });

  test('rotation: values signed under the previous secret verify until it is removed', () => {
    const before = secretsFrom(PREVIOUS).signer('cursor');
    const rotating = secretsFrom(SECRET, PREVIOUS).signer('cursor');
    const after = secretsFrom(SECRET).signer('cursor');
    const old = before.sign('{"after":[42,"c-9"]}');
    assert.equal(rotating.verify(old), '{"after":[42,"c-9"]}', 'accepted while rotating');
    assert.equal(after.verify(old), undefined, 'refused once the previous secret is gone');
    const fresh = rotating.sign('page 2');
    assert.equal(after.verify(fresh), 'page 2', 'new values are signed with the new secret');
    assert.equal(rotating.verify(fresh.replace(/^./, 'x')), undefined, 'tampered payload');
    assert.equal(rotating.verify('no-signature'), undefined);
    assert.equal(secretsFrom(SECRET).signer('csrf').verify(fresh), undefined, 'another purpose, another key');
  });

  test('the embedded demo generates one secret under the data folder and keeps it (0600)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redoubt-secret-'));
    try {
      const config = loadConfig({ REDOUBT_DATA_DIR: dataDir });
      assert.equal(config.demoIdentityProxy, true);
      assert.equal(config.secret.current, undefined);
      const first = secretsFor(config).keys('csrf')[0];
      const again = secretsFor(loadConfig({ REDOUBT_DATA_DIR: dataDir })).keys('csrf')[0];
      assert.deepEqual(first, again, 'a restart keeps the same keys');
      const file = join(dataDir, DEMO_SECRET_FILE);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.ok((await readFile(file, 'utf8')).length >= 32);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a hand-built production config without a secret is refused too (second lock)', () => {
    assert.throws(
      () =>
        secretsFor({ secret: { current: undefined, previous: undefined }, dataDir: '/x', demoIdentityProxy: false }),
      /REDOUBT_SECRET is required/,
    );
  });
});

describe('IAP configuration', () => {
  const withSecret = { REDOUBT_SECRET: SECRET };
  test('audiences of every IAP deployment are accepted', () => {
    for (const audience of [
      '/projects/123456789/global/backendServices/987654321', // global external load balancer, GKE
      '/projects/123456789/regions/europe-west1/backendServices/4242', // regional load balancer
      '/projects/123456789/locations/us-central1/services/redoubt-bff', // IAP on Cloud Run
      '/projects/123456789/apps/my-project', // App Engine
    ]) {
      const config = loadConfig({ ...withSecret, IAP_AUDIENCE: audience });
      assert.equal(config.iap.audience, audience);
      assert.equal(identityMode(config), 'iap', audience);
    }
  });

  test('anything else is refused at start-up', () => {
    for (const audience of [
      '/projects/123456789',
      '/projects/my-project/global/backendServices/1',
      '/projects/1/regions/europe-west1/backendServices/name',
      '/projects/1/locations/us-central1/services/Bad_Name',
      '/projects/1/locations/us-central1/services/a/extra',
      'https://redoubt.example.com',
    ]) {
      assert.throws(() => loadConfig({ ...withSecret, IAP_AUDIENCE: audience }), /not an IAP audience/, audience);
    }
  });

  test('IAP_JWKS_URL must be https', () => {
    const prod = { ...withSecret, IAP_AUDIENCE: PROD.IAP_AUDIENCE };
    assert.throws(() => loadConfig({ ...prod, IAP_JWKS_URL: 'http://keys.example.com/jwk' }), /must be an https URL/);
    const https = 'https://keys.example.com/jwk';
    assert.equal(loadConfig({ ...prod, IAP_JWKS_URL: https }).iap.jwksUrl, https);
  });

  test('service accounts allowed beside the domain check are read, lower-cased', () => {
    const config = loadConfig({
      ...withSecret,
      IAP_AUDIENCE: PROD.IAP_AUDIENCE,
      IAP_ALLOWED_DOMAINS: 'bank.test',
      IAP_ALLOWED_SERVICE_ACCOUNTS: 'Ingest@proj.iam.gserviceaccount.com, b@proj.iam.gserviceaccount.com',
    });
    assert.deepEqual(config.iap.allowedServiceAccounts, [
      'ingest@proj.iam.gserviceaccount.com',
      'b@proj.iam.gserviceaccount.com',
    ]);
  });
});

describe('proxies and listeners', () => {
  test('TRUSTED_PROXY_HOPS defaults to none and is bounded', () => {
    assert.equal(loadConfig({}).trustedProxyHops, 0);
    assert.equal(loadConfig({ TRUSTED_PROXY_HOPS: '2' }).trustedProxyHops, 2);
    assert.throws(() => loadConfig({ TRUSTED_PROXY_HOPS: '-1' }), /TRUSTED_PROXY_HOPS/);
    assert.throws(() => loadConfig({ TRUSTED_PROXY_HOPS: 'all' }), /TRUSTED_PROXY_HOPS/);
  });

  test('metrics listen on loopback unless told otherwise', () => {
    assert.equal(loadConfig({}).metrics.host, '127.0.0.1');
    assert.equal(loadConfig({ METRICS_PORT: '0' }).metrics.port, 0);
  });
});
