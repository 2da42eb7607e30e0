// Browser-facing defences (security.md Z5, Z6, F4): security headers, CSRF tokens bound to the
// signed-in subject, Origin / Sec-Fetch-Site checks, JSON-only writes (415), per-principal rate
// limits. The auth plugin calls guardWrite/limit from its single access hook, after identity is known.
import fp from 'fastify-plugin';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import type { AccessRule } from '../access.ts';
import { Forbidden, RateLimited, UnsupportedMediaType } from '../domain/errors.ts';
import { principalOf } from '../principal.ts';

export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';
/** Holds the per-browser CSRF secret; the XSRF-TOKEN cookie holds a token derived from it and the subject. */
export const CSRF_SECRET_COOKIE = '__Host-redoubt-csrf';
const CSRF_SECRET_COOKIE_PLAIN = 'redoubt-csrf';

export interface SecurityOptions {
  /** HMAC key binding XSRF tokens to the subject; random per process unless given (tests, replicas). */
  csrfKey?: string;
  /** Extra origins allowed to write (besides the request's own host), e.g. https://redoubt.example.com. */
  allowedOrigins?: readonly string[];
  /** Secure cookies (HTTPS). The embedded demo on http://localhost turns this off. */
  secureCookies: boolean;
  limits?: { writesPerMinute?: number; searchesPerMinute?: number };
}

declare module 'fastify' {
  interface FastifyInstance {
    security: {
      /** CSRF, origin and media-type checks for a write; throws 403 / 415. */
      guardWrite(request: FastifyRequest, reply: FastifyReply, rule: AccessRule): void;
      /** Issues the XSRF-TOKEN cookie for the signed-in user (when missing, or when forced). */
      issueXsrf(request: FastifyRequest, reply: FastifyReply, force?: boolean): void;
      limit(request: FastifyRequest, reply: FastifyReply, bucket: 'write' | 'search'): Promise<void>;
    };
  }
}

/** sha256 of Angular's critical-CSS loader attribute `onload="this.media='all'"`, allowed by hash only. */
const ANGULAR_CSS_LOADER = `'sha256-${createHash('sha256').update("this.media='all'").digest('base64')}'`;

export default fp<SecurityOptions>(
  async (app, options) => {
    await app.register(helmet, {
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
    await app.register(cookie);

    const secretCookie = options.secureCookies ? CSRF_SECRET_COOKIE : CSRF_SECRET_COOKIE_PLAIN;
    await app.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: secretCookie,
      cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: options.secureCookies },
      // Angular's HttpClient echoes the XSRF-TOKEN cookie in this header on relative writes; nothing else counts.
      getToken: (request) => request.headers[XSRF_HEADER] as string | undefined,
      getUserInfo: (request) => principalOf(request).sub,
      csrfOpts: { hmacKey: options.csrfKey ?? randomBytes(32).toString('base64url') },
    });

    await app.register(rateLimit, { global: false });
    const perMinute = (bucket: 'write' | 'search', max: number) =>
      app.rateLimit({
        max,
        timeWindow: 60_000,
        keyGenerator: (request) => `${bucket}:${request.principal?.sub ?? request.ip}`,
        errorResponseBuilder: (_request, context) =>
          new RateLimited(`Too many requests; retry in ${context.after}`, {
            retryAfterSeconds: Math.ceil(context.ttl / 1000),
          }),
      });
    const limiters = {
      write: perMinute('write', options.limits?.writesPerMinute ?? 240),
      search: perMinute('search', options.limits?.searchesPerMinute ?? 600),
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
        let passed = false;
        app.csrfProtection(request, reply, () => {
          passed = true;
        });
        if (!passed) throw new Forbidden('XSRF_TOKEN_INVALID', 'Invalid X-XSRF-TOKEN; reload the page and try again');
      },
      issueXsrf(request, reply, force = false) {
        if (!force && request.cookies[XSRF_COOKIE] && request.cookies[secretCookie]) return;
        const token = reply.generateCsrf({ userInfo: principalOf(request).sub } as never);
        // Readable by the dashboard's script on purpose: Angular copies it into X-XSRF-TOKEN.
        reply.setCookie(XSRF_COOKIE, token, {
          path: '/',
          sameSite: 'strict',
          secure: options.secureCookies,
          httpOnly: false,
        });
      },
      async limit(request, reply, bucket) {
        await limiters[bucket].call(app, request, reply);
      },
    });
  },
  { name: 'security', dependencies: ['errors'] },
);
