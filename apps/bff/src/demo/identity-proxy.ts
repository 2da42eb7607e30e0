// The embedded demo's identity proxy: stands where Google IAP stands in production. A person picks
// a demo user on /demo/login; on every request the proxy strips any identity headers the client
// sent and adds an IAP-style ES256 assertion signed with its own key (kept under the data folder).
// The BFF verifies it with the production verifier against this proxy's JWK set.
// Never registered when IAP_AUDIENCE is set (see plugins/auth).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK, JWTVerifyGetKey } from 'jose';
import { IAP_HEADER } from '../plugins/auth/iap-verifier.ts';
import { DEMO_SERVICES, DEMO_TENANTS, DEMO_USERS, demoSubject, describeGrants } from './demo-users.ts';
import type { DemoUser } from './demo-users.ts';

/** Audience the demo proxy signs for; never a real IAP audience. */
export const DEMO_AUDIENCE = '/projects/0/apps/redoubt-embedded-demo';
export const DEMO_COOKIE = 'redoubt_demo_user';
const TOKEN_SECONDS = 600;

export interface DemoIdentityProxy {
  jwks: JSONWebKeySet;
  keys: JWTVerifyGetKey;
  /** A fresh-enough assertion for this demo user (re-signed before it is half expired). */
  assertion(user: DemoUser): Promise<string>;
}

/** Loads the proxy's signing key from dataDir, creating it on first start. */
export async function openDemoIdentityProxy(dataDir: string, issuer: string): Promise<DemoIdentityProxy> {
  const dir = join(dataDir, 'demo-identity');
  const file = join(dir, 'es256-private.jwk.json');
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = await exportJWK(privateKey);
    privateJwk.kid = await calculateJwkThumbprint(privateJwk);
    privateJwk.alg = 'ES256';
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, use: 'sig' }] };
  const signingKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const cache = new Map<string, { token: string; until: number }>();
  return {
    jwks,
    keys: createLocalJWKSet(jwks),
    async assertion(user) {
      const now = Math.floor(Date.now() / 1000);
      const hit = cache.get(user.key);
      if (hit && hit.until > now) return hit.token;
      const token = await new SignJWT({ email: user.email, hd: 'demo.redoubt.dev' })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid!, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(DEMO_AUDIENCE)
        .setSubject(demoSubject(user))
        .setIssuedAt(now)
        .setExpirationTime(now + TOKEN_SECONDS)
        .sign(signingKey);
      cache.set(user.key, { token, until: now + TOKEN_SECONDS / 2 });
      return token;
    },
  };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Only same-site relative paths: `next` must never send the person to another site. */
const safeNext = (next: string | undefined): string =>
  next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/demo/') ? next : '/';

function loginPage(current: DemoUser | undefined, next: string): string {
  const tenantName = (id: string) => DEMO_TENANTS.find((t) => t.id === id)?.name ?? id;
  const rows = DEMO_USERS.map(
    (u) => `<li><a class="user" data-testid="demo-user-${escapeHtml(u.key)}"
        href="/demo/login?as=${encodeURIComponent(u.key)}&amp;next=${encodeURIComponent(next)}">
      <strong>${escapeHtml(u.name)}</strong> <span class="role">${escapeHtml(describeGrants(u))}</span>
      <span class="who">${escapeHtml(u.email)} · ${
        u.platformAdmin
          ? 'every organisation'
          : u.grants.map((g) => `${escapeHtml(tenantName(g.tenant))} (${escapeHtml(g.role)})`).join(', ')
      }</span>
      <span class="what">${escapeHtml(u.description)}</span></a></li>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Redoubt demo: choose who you are</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f5f5f7; color: #1d1d1f; }
  .banner { background: #b3261e; color: #fff; padding: 10px 24px; font-weight: 600; }
  main { max-width: 720px; margin: 24px auto; padding: 0 24px; }
  ul { list-style: none; padding: 0; } li { margin: 10px 0; }
  a.user { display: block; padding: 14px 16px; background: #fff; border-radius: 10px; color: inherit;
    text-decoration: none; border: 1px solid #d2d2d7; }
  a.user:hover, a.user:focus { border-color: #0b57d0; outline: none; }
  .role { background: #e8f0fe; color: #0b57d0; border-radius: 6px; padding: 1px 8px; margin-left: 6px; font-size: 13px; }
  .who, .what { display: block; color: #555; font-size: 13px; }
</style></head>
<body>
<div class="banner" role="alert" data-testid="demo-banner">DEMO ONLY: this page signs you in as anyone. In production
Google Identity-Aware Proxy decides who you are, and this page does not exist.</div>
<main>
<h1>Choose a demo user</h1>
<p>${current ? `Signed in as <strong data-testid="demo-current">${escapeHtml(current.name)}</strong> (<a href="/demo/logout">sign out</a>).` : 'Nobody is signed in.'}
Each person sees what their role and organisations allow.</p>
<ul>
${rows}
</ul>
</main></body></html>`;
}

const demoIdentityProxy: FastifyPluginAsyncTypebox<{ proxy: DemoIdentityProxy; secureCookies: boolean }> = async (
  app,
  { proxy, secureCookies },
) => {
  app.log.warn('DEMO identity proxy is ON: anyone can sign in as any demo user. Set IAP_AUDIENCE in production.');
  // The login page offers people only; a demo service principal is signed in by its key.
  const userOf = (key: unknown) => [...DEMO_USERS, ...DEMO_SERVICES].find((u) => u.key === key);

  // Runs before the auth hook (registered first): behaves like IAP in front of the BFF.
  app.addHook('onRequest', async (request, reply) => {
    delete request.headers[IAP_HEADER];
    delete request.headers['x-goog-authenticated-user-email'];
    delete request.headers['x-goog-authenticated-user-id'];
    const user = userOf(request.cookies?.[DEMO_COOKIE]);
    if (user) {
      request.headers[IAP_HEADER] = await proxy.assertion(user);
      return;
    }
    // Like IAP, send a person who is not signed in to the sign-in page (page loads only).
    const path = request.url.split('?')[0]!;
    const navigation = request.method === 'GET' && request.headers['sec-fetch-mode'] === 'navigate';
    if (navigation && !/^\/(api|demo|docs)(\/|$)/.test(path)) {
      return reply.redirect(`/demo/login?next=${encodeURIComponent(safeNext(request.url))}`, 303);
    }
  });

  app.get(
    '/demo/login',
    {
      schema: {
        hide: true,
        querystring: Type.Object(
          {
            as: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z0-9-]+$' })),
            next: Type.Optional(Type.String({ maxLength: 512 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const next = safeNext(request.query.next);
      if (request.query.as !== undefined) {
        const user = userOf(request.query.as);
        if (!user) return reply.status(400).type('text/plain').send(`No demo user "${request.query.as}"`);
        // A cross-site page must not be able to switch someone's demo identity.
        if (request.headers['sec-fetch-site'] === 'cross-site') {
          return reply.status(403).type('text/plain').send('Choose a demo user on this page');
        }
        reply.setCookie(DEMO_COOKIE, user.key, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies });
        // A new person means a new XSRF token: drop the old one (it was bound to the previous user).
        reply.clearCookie('XSRF-TOKEN', { path: '/' });
        return reply.redirect(next, 303);
      }
      const current = userOf(request.cookies?.[DEMO_COOKIE]);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loginPage(current, next));
    },
  );

  app.get('/demo/logout', { schema: { hide: true } }, async (_request, reply) => {
    reply.clearCookie(DEMO_COOKIE, { path: '/' });
    reply.clearCookie('XSRF-TOKEN', { path: '/' });
    return reply.redirect('/demo/login', 303);
  });

  app.get('/demo/jwks.json', { schema: { hide: true } }, async () => proxy.jwks);
};

/** Not encapsulated: its onRequest hook must run in front of every route, like the real proxy. */
export default fp(demoIdentityProxy, { name: 'demo-identity-proxy', dependencies: ['security'] });
