// Signed test identities: an ES256 key pair standing in for Google IAP, tokens for any user, and
// the headers a browser would send (assertion + XSRF cookie/header). The app under test runs the
// production verifier against these keys.
//
//   const ids = await testIdentities();
//   const app = await buildApp({ config: ids.configure(config), services: { users: ids.directory }, auth: ids.auth, logger: false });
//   await app.inject({ method: 'POST', url, payload, headers: await ids.headers({ email: 'a@x.test', role: 'analyst', tenant: 'acme-shop' }) });
//
// headers() provisions the user in ids.directory (in memory by default; pass
// `testIdentities({ directory: new SqlUserDirectory(db) })` to use the users table).
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload } from 'jose';
import CSRF from '@fastify/csrf';
import type { Config } from '../../src/config.ts';
import type { Role } from '../../src/principal.ts';
import type { AuthOptions } from '../../src/plugins/auth/index.ts';
import { IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { CSRF_SECRET_COOKIE, XSRF_COOKIE, XSRF_HEADER } from '../../src/plugins/security.ts';
import { secretsFrom } from '../../src/secrets.ts';
import type { UserDirectory } from '../../src/ports/user-directory.ts';
import { MemoryUserDirectory } from '../../src/adapters/user-directory/memory-user-directory.ts';

export const TEST_AUDIENCE = '/projects/123456789/global/backendServices/987654321';
export const TEST_ISSUER = 'https://cloud.google.com/iap';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' } };
}

export interface Who {
  email: string;
  /**
   * The role to hold in each of `tenant`. 'admin' with no tenant provisions the platform
   * administrator (no tenant role); any other role needs a tenant.
   */
  role?: Role;
  /** Tenants to hold `role` in (one or several). */
  tenant?: string | readonly string[];
  /** Different roles in different tenants (roles belong to the grant). */
  grants?: readonly { tenant: string; role: Role }[];
  platformAdmin?: boolean;
}

/** The IAP-style subject a test email signs in with (stable per email). */
export const subjectOf = (email: string): string =>
  `accounts.google.com:${BigInt('0x' + createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 15)).toString()}`;

export interface TestIdentities {
  /** The signing key in use (rotate() replaces it). */
  key: SigningKey;
  jwks(): JSONWebKeySet;
  directory: UserDirectory;
  /** Identity options for buildApp: these keys, no principal cache (the directory goes in as services.users). */
  auth: AuthOptions;
  /** The server secret configure() sets (REDOUBT_SECRET); the XSRF tokens of xsrf() derive from it. */
  secret: string;
  /** The config with IAP pointed at these test keys and the test secret (demo proxy off). */
  configure<C extends Pick<Config, 'iap' | 'demoIdentityProxy'>>(config: C): C;
  /** Signs an assertion; claims and header override the valid defaults (exp/iat/nbf as epoch seconds). */
  sign(claims: JWTPayload & { email?: string }, header?: Record<string, unknown>, key?: SigningKey): Promise<string>;
  /** Provisions the user and returns the headers of a same-origin browser request (writes included). */
  headers(who: Who): Promise<Record<string, string>>;
  /** The XSRF pair for a subject, for tests that build headers by hand. */
  xsrf(sub: string): { cookie: string; header: string };
}

export async function testIdentities(options: { directory?: UserDirectory } = {}): Promise<TestIdentities> {
  const keys: SigningKey[] = [await newSigningKey()];
  const directory = options.directory ?? new MemoryUserDirectory();
  const secret = randomBytes(32).toString('base64url');
  // The key the server derives from the same secret (src/secrets.ts).
  const csrfKey = secretsFrom(secret).keys('csrf')[0]!;
  // The package types its call with the last overload (no userInfo); this is the userInfo one.
  const tokens = CSRF({ userInfo: true, hmacKey: csrfKey }) as CSRF.TokensUserinfo;
  const ids: TestIdentities = {
    get key() {
      return keys[0]!;
    },
    jwks: () => ({ keys: keys.map((k) => k.publicJwk) }),
    directory,
    auth: {
      // Resolve against whatever the key list holds now (tests may add keys).
      keys: (header, token) => createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) })(header, token),
      cacheMs: 0,
    },
    secret,
    configure: (config) => ({
      ...config,
      iap: { audience: TEST_AUDIENCE, issuer: TEST_ISSUER, jwksUrl: 'http://127.0.0.1:9/unused', allowedDomains: [] },
      secret: { current: secret, previous: undefined },
      demoIdentityProxy: false,
    }),
    async sign(claims, header = {}, key = keys[0]!) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 600, ...claims };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT', ...header })
        .sign(key.privateKey);
    },
    async headers(who) {
      const tenants = who.tenant === undefined ? [] : typeof who.tenant === 'string' ? [who.tenant] : [...who.tenant];
      const grants = [...(who.grants ?? [])];
      for (const tenant of tenants) {
        if (!who.role) throw new Error('headers(): a tenant needs a role');
        grants.push({ tenant, role: who.role });
      }
      const platformAdmin = who.platformAdmin ?? (who.role === 'admin' && tenants.length === 0 && grants.length === 0);
      if (!platformAdmin && grants.length === 0) throw new Error(`headers(): nothing to provision for ${who.email}`);
      const actor = { sub: 'test:provisioning', email: 'provisioning@test.local' };
      if (platformAdmin) await directory.setPlatformAdmin(actor, who.email, true);
      for (const { tenant, role } of grants) await directory.grant(actor, who.email, tenant, role);
      const sub = subjectOf(who.email);
      const xsrf = ids.xsrf(sub);
      return {
        [IAP_HEADER]: await ids.sign({ sub, email: who.email }),
        cookie: xsrf.cookie,
        [XSRF_HEADER]: xsrf.header,
        'sec-fetch-site': 'same-origin',
      };
    },
    xsrf(sub) {
      const secret = tokens.secretSync();
      const token = tokens.create(secret, sub);
      return { cookie: `${CSRF_SECRET_COOKIE}=${secret}; ${XSRF_COOKIE}=${token}`, header: token };
    },
  };
  return ids;
}

/** A JWK set served over HTTP, for tests of fetching, caching, rotation and outages (A5). */
export async function serveJwks(jwks: () => JSONWebKeySet): Promise<{
  url: string;
  fetches: () => number;
  down: (isDown: boolean) => void;
  close: () => Promise<void>;
}> {
  let fetches = 0;
  let isDown = false;
  const server = createServer((req, res) => {
    fetches++;
    if (isDown) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/public_key-jwk`,
    fetches: () => fetches,
    down: (value) => {
      isDown = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
