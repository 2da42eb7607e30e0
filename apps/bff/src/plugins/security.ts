// Browser-facing defences (docs/threat-model.md Z5, Z6, F4): security headers, CSRF tokens bound to the
// signed-in subject, Origin / Sec-Fetch-Site checks, JSON-only writes (415), per-principal rate
// limits. The auth plugin calls guardWrite/limit from its single access hook, after identity is known.
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import cookie from '@fastify/cookie';
import Tokens from '@fastify/csrf';
import rateLimit from '@fastify/rate-limit';
import type { AccessRule } from '../access.ts';
import { Forbidden, RateLimited, UnsupportedMediaType } from '../domain/errors.ts';
import { principalOf } from '../principal.ts';

/**
 * The token the dashboard echoes in X-XSRF-TOKEN. `__Host-` (Secure, Path=/, no Domain) so a
 * sibling subdomain cannot plant one. The embedded demo serves plain http on loopback, where a
 * browser may refuse Secure cookies: there it is XSRF_COOKIE_DEMO (docs/decisions/0005-tenant-isolation.md).
 */
export const XSRF_COOKIE = '__Host-XSRF-TOKEN';
export const XSRF_COOKIE_DEMO = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';
/** Holds the per-browser CSRF secret; the XSRF cookie holds a token derived from it and the subject. */
export const CSRF_SECRET_COOKIE = '__Host-redoubt-csrf';
const CSRF_SECRET_COOKIE_PLAIN = 'redoubt-csrf';

/** Per-principal rate-limit buckets, requests per minute unless configured otherwise. */
export type LimitBucket = 'write' | 'search' | 'graph' | 'read' | 'denied';

export interface SecurityOptions {
  /**
   * HMAC keys binding XSRF tokens to the subject, newest first (secrets.ts: the same on every
   * replica; the second one, while rotating, still verifies tokens issued before the rotation).
   */
  csrfKeys: readonly Buffer[];
  /** Extra origins allowed to write (besides the request's own host), e.g. https://redoubt.example.com. */
  allowedOrigins?: readonly string[];
  /** Secure cookies (HTTPS). The embedded demo on http://localhost turns this off. */
  secureCookies: boolean;
  limits?: {
    writesPerMinute?: number;
    searchesPerMinute?: number;
    /** Network and path queries: the most expensive reads (graph traversals on the event loop). */
    graphPerMinute?: number;
    /** Every other authenticated read. */
    readsPerMinute?: number;
    /** Refused cross-tenant attempts, each of which writes an audit row (default 30). */
    deniedPerMinute?: number;
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    security: {
      /** CSRF, origin and media-type checks for a write; throws 403 / 415. */
      guardWrite(request: FastifyRequest, reply: FastifyReply, rule: AccessRule): void;
      /** Issues the XSRF-TOKEN cookie for the signed-in user (when missing, or when forced). */
      issueXsrf(request: FastifyRequest, reply: FastifyReply, force?: boolean): void;
      limit(request: FastifyRequest, reply: FastifyReply, bucket: LimitBucket): Promise<void>;
    };
  }
}

/** sha256 of Angular's critical-CSS loader attribute `onload="this.media='all'"`, allowed by hash only. */
const ANGULAR_CSS_LOADER = `'sha256-${createHash('sha256').update("this.media='all'").digest('base64')}'`;

/**
 * The headers @fastify/helmet sets for these options, worked out once. The plugin rebuilds helmet's
 * middleware (parsing every CSP directive) on every request; the headers never depend on the
 * request (no nonces), so they are computed at start through the plugin itself and then set as
 * they are (bench:api: a few per cent of the CPU of every request).
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/', async () => '');
  const response = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    // Fastify's own headers on the probe's answer are not helmet's.
    if (['content-type', 'content-length', 'date', 'connection'].includes(name) || value === undefined) continue;
    headers[name] = String(value);
  }
  return headers;
}

export default fp<SecurityOptions>(
  async (app, options) => {
    const securityHeaders = await helmetHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'unsafe-hashes'", ANGULAR_CSS_LOADER],
          // Angular inlines critical CSS and component styles: inline styles only, never inline script.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          workerSrc: ["'self'", 'blob:'],
          ...(options.secureCookies ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'same-origin' },
    });
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(securityHeaders);
      done();
    });
    await app.register(cookie);

    const secretCookie = options.secureCookies ? CSRF_SECRET_COOKIE : CSRF_SECRET_COOKIE_PLAIN;
    const xsrfCookie = options.secureCookies ? XSRF_COOKIE : XSRF_COOKIE_DEMO;
    if (options.csrfKeys.length === 0) throw new Error('security: csrfKeys must hold the current key');
    // One token maker per key: tokens are made with the newest, accepted from any (key rotation).
    const [issuer, ...verifiers] = options.csrfKeys.map(
      // The declared call signature drops the userInfo overload; with userInfo: true it is this type.
      (hmacKey) => Tokens({ userInfo: true, hmacKey }) as Tokens.TokensUserinfo,
    );
    const cookieOptions = { path: '/', sameSite: 'strict', secure: options.secureCookies } as const;

    await app.register(rateLimit, { global: false });
    const perMinute = (bucket: LimitBucket, max: number) =>
      app.rateLimit({
        max,
        timeWindow: 60_000,
        keyGenerator: (request) => `${bucket}:${request.principal?.sub ?? request.ip}`,
        errorResponseBuilder: (_request, context) =>
          new RateLimited(`Too many requests; retry in ${context.after}`, {
            retryAfterSeconds: Math.ceil(context.ttl / 1000),
          }),
      });
    const limiters: Record<LimitBucket, ReturnType<typeof perMinute>> = {
      write: perMinute('write', options.limits?.writesPerMinute ?? 240),
      search: perMinute('search', options.limits?.searchesPerMinute ?? 600),
      graph: perMinute('graph', options.limits?.graphPerMinute ?? 120),
      read: perMinute('read', options.limits?.readsPerMinute ?? 1200),
      // Denied cross-tenant attempts: past this, the caller gets 429 and no further audit rows.
      denied: perMinute('denied', options.limits?.deniedPerMinute ?? 30),
    };

    const allowedOrigins = new Set(options.allowedOrigins ?? []);
    const sameOrigin = (request: FastifyRequest, origin: string): boolean => {
      if (allowedOrigins.has(origin)) return true;
      try {
        // Parse the Host header with the origin's scheme so default ports compare equal.
        const from = new URL(origin);
        return from.host === new URL(`${from.protocol}//${request.headers.host}`).host;
      } catch {
        return false;
      }
    };

    app.decorate('security', {
      guardWrite(request, reply, rule) {
        // 415 first: a form post or text/plain is never a JSON API call (Z5: blocks "simple" cross-site requests).
        const hasBody =
          Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const allowed = rule.bodies ?? ['application/json'];
        if ((hasBody || type !== '') && !allowed.includes(type)) {
          throw new UnsupportedMediaType(`Send ${allowed.join(' or ')}`);
        }
        // Service principals are not browser sessions: no cookies, so no CSRF to defend against.
        if (principalOf(request).kind === 'service') return;
        const origin = request.headers.origin;
        const site = request.headers['sec-fetch-site'];
        // Browsers send Origin on every write and Sec-Fetch-Site on every fetch; either one that
        // says "another site" is refused. Non-browser callers (no cookies) fail the token check below.
        const originOk = origin === undefined || (origin !== 'null' && sameOrigin(request, origin));
        const siteOk =
          site === undefined || site === 'same-origin' || (origin !== undefined && allowedOrigins.has(origin));
        if (!originOk || !siteOk) throw new Forbidden('CROSS_ORIGIN', 'Writes are only accepted from this site');
        if (!request.headers[XSRF_HEADER] || !request.cookies[secretCookie]) {
          throw new Forbidden('XSRF_TOKEN_MISSING', 'Missing X-XSRF-TOKEN; reload the page and try again');
        }
        const secret = request.cookies[secretCookie]!;
        const token = String(request.headers[XSRF_HEADER]);
        const sub = principalOf(request).sub;
        const passed = [issuer!, ...verifiers].some((tokens) => tokens.verify(secret, token, sub));
        if (!passed) throw new Forbidden('XSRF_TOKEN_INVALID', 'Invalid X-XSRF-TOKEN; reload the page and try again');
      },
      issueXsrf(request, reply, force = false) {
        if (!force && request.cookies[xsrfCookie] && request.cookies[secretCookie]) return;
        let secret = request.cookies[secretCookie] ?? '';
        if (secret === '') {
          secret = issuer!.secretSync();
          reply.setCookie(secretCookie, secret, { ...cookieOptions, httpOnly: true });
        }
        const token = issuer!.create(secret, principalOf(request).sub);
        // Readable by the dashboard's script on purpose: Angular copies it into X-XSRF-TOKEN.
        reply.setCookie(xsrfCookie, token, { ...cookieOptions, httpOnly: false });
      },
      async limit(request, reply, bucket) {
        await limiters[bucket].call(app, request, reply);
      },
    });
  },
  { name: 'security', dependencies: ['errors'] },
);
