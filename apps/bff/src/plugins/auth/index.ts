// Authentication and authorization for every route, in one onRequest hook:
//   route rule (access.ts; no rule = 403) -> identity (passport strategy verifying the IAP
//   assertion) -> principal from the user directory (every request, cached 2 s) -> the role held
//   in the tenant the URL names (none: 404 as for a missing tenant, logged; another role: 403) -> writes: 415 / origin / CSRF -> rate limit.
// In the embedded demo (no IAP_AUDIENCE) the demo identity proxy (demo/, given by app.ts as
// `demoIdentity`) signs the header in front of it.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, FastifySchema } from 'fastify';
import passportModule from '@fastify/passport';
import CustomStrategy from 'passport-custom';
import secureSession from '@fastify/secure-session';
import type { JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config.ts';
import { isIapAudience } from '../../config.ts';
import { secretsFor } from '../../secrets.ts';
import type { Principal } from '../../principal.ts';
import { actorOf } from '../../principal.ts';
import { decide, ruleFor, WRITE_METHODS } from '../../access.ts';
import type { AccessRule } from '../../access.ts';
import { Forbidden, InvalidInput, NotFound, StoreUnavailable, Unauthenticated } from '../../domain/errors.ts';
import security from '../security.ts';
import { dashboardFiles } from '../dashboard.ts';
import type { SecurityOptions } from '../security.ts';
import { cachingVerifier, IAP_HEADER, remoteIapKeys } from './iap-verifier.ts';
import type { IapVerifierOptions } from './iap-verifier.ts';

const { Authenticator } = passportModule;

/** What tests (and unusual deployments) may override; production needs none of it. */
export interface AuthOptions {
  /** Key resolver for assertions; default Google's JWK set (or the demo proxy's keys in the demo). */
  keys?: JWTVerifyGetKey;
  /** How long a resolved principal is reused; default 2000 ms (0 = look up on every request). */
  cacheMs?: number;
  /** Refetch cooldown for an unknown key id; default 30 s. */
  jwksCooldownMs?: number;
  limits?: SecurityOptions['limits'];
}

export interface RegisteredRoute {
  method: string;
  url: string;
  rule: AccessRule | undefined;
  /** The route's JSON schemas, for the generated schema checks (docs/threat-model.md I1, Z3). */
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after the auth plugin, with its access rule (for the matrix test). */
    accessRoutes: RegisteredRoute[];
    forgetPrincipals(): void;
    /** True when the embedded demo's identity proxy signs identities. */
    demoIdentity: boolean;
  }
}

/**
 * Which identity source runs. IAP_AUDIENCE set: production, the demo proxy is never on. Unset: only
 * the embedded demo may run (config.demoIdentityProxy); anything else refuses to start (A3, A6).
 */
export function identityMode(config: Pick<Config, 'iap' | 'demoIdentityProxy'>): 'iap' | 'demo' {
  if (config.iap.audience) {
    // The shapes IAP signs for (config.ts); anything else is a mistake that would lock everyone out.
    if (!isIapAudience(config.iap.audience)) {
      throw new Error(`IAP_AUDIENCE "${config.iap.audience}" is not an IAP audience (/projects/NUMBER/...)`);
    }
    return 'iap';
  }
  if (config.demoIdentityProxy) return 'demo';
  throw new Error('IAP_AUDIENCE is required: set it to the IAP backend audience (/projects/NUM/...)');
}

/** The embedded demo's identity source (demo/index.ts), in demo mode only. */
export interface DemoIdentityOptions {
  audience: string;
  keys: JWTVerifyGetKey;
  /** The proxy: registered after the cookie parser and before the access hook, as IAP stands in front. */
  proxy: FastifyPluginAsync;
}

interface AuthPluginOptions {
  config: Config;
  auth?: AuthOptions;
  demoIdentity?: DemoIdentityOptions;
}

async function authPlugin(app: FastifyInstance, { config, auth = {}, demoIdentity }: AuthPluginOptions): Promise<void> {
  const mode = identityMode(config);
  const demo = mode === 'demo';
  if (demo !== (demoIdentity !== undefined)) {
    throw new Error(
      demo ? 'demo identity mode needs the demo identity proxy' : 'the demo identity proxy is for demo mode only',
    );
  }
  // The same keys on every replica (REDOUBT_SECRET), or the demo's generated one; refuses otherwise.
  const secrets = secretsFor(config);

  await app.register(security, {
    secureCookies: !demo,
    csrfKeys: secrets.keys('csrf'),
    limits: auth.limits,
    allowedOrigins: config.allowedOrigins,
  });

  // Principals come from app.users (plugins/services/users.ts); admin routes change it and then
  // call forgetPrincipals().
  const directory = app.users;
  app.decorate('demoIdentity', demo);

  let keys = auth.keys;
  if (demoIdentity) {
    keys ??= demoIdentity.keys;
    await app.register(demoIdentity.proxy);
  }
  const verifier: IapVerifierOptions = {
    audience: demoIdentity ? demoIdentity.audience : config.iap.audience!,
    issuer: config.iap.issuer,
    allowedDomains: demo ? [] : config.iap.allowedDomains,
    allowedServiceAccounts: demo ? [] : (config.iap.allowedServiceAccounts ?? []),
    keys: keys ?? remoteIapKeys(config.iap.jwksUrl, { cooldownMs: auth.jwksCooldownMs }),
  };

  const verify = cachingVerifier(verifier);

  // Principals are re-read from the directory every few seconds at most (A7): a revocation
  // through the admin API is immediate, one through the CLI within cacheMs.
  const cacheMs = auth.cacheMs ?? 2_000;
  const cache = new Map<string, { at: number; principal: Principal | undefined }>();
  app.decorate('forgetPrincipals', () => cache.clear());
  const principalFor = async (identity: { sub: string; email: string }) => {
    const key = `${identity.sub}\n${identity.email}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < cacheMs) return hit.principal;
    let principal: Principal | undefined;
    try {
      principal = await directory.resolve(identity);
    } catch (error) {
      // Fail closed (F3): without the directory nobody gets in, and it is our fault, not theirs.
      app.log.error({ err: error }, 'user directory unavailable');
      throw new StoreUnavailable('directory', error, 5, 'Access data is unavailable; try again shortly');
    }
    if (cache.size > 10_000) cache.clear();
    if (cacheMs > 0) cache.set(key, { at: Date.now(), principal });
    return principal;
  };

  // passport (with the session plugin it insists on; no route uses a session, so no cookie is set).
  await app.register(secureSession, {
    // Newest key encrypts, every listed key decrypts (rotation), the same on every replica.
    key: secrets.keys('session'),
    cookieName: demo ? 'redoubt-session' : '__Host-redoubt-session',
    cookie: { path: '/', httpOnly: true, secure: !demo, sameSite: 'strict' },
  });
  const passport = new Authenticator({ key: 'redoubt', userProperty: 'user' });
  passport.use(
    'iap',
    new CustomStrategy((req, done) => {
      const request = req as unknown as FastifyRequest;
      // Only the signed assertion counts; x-goog-authenticated-user-* are never read (A1).
      const header = request.headers[IAP_HEADER];
      verify(typeof header === 'string' ? header : undefined)
        .then(async ({ sub, email }) => {
          const principal = await principalFor({ sub, email });
          if (!principal) {
            request.log.warn({ event: 'auth.not_provisioned', sub }, 'identity has no access');
            throw new Forbidden('NOT_PROVISIONED', 'You have no access to Redoubt; ask an administrator');
          }
          done(null, principal);
        })
        .catch((error: unknown) => done(error));
    }) as never,
  );
  await app.register(passport.initialize());
  const authenticate = passport.authenticate('iap', { session: false }, async (request, _reply, err, user) => {
    if (err) throw err;
    if (!user) throw new Unauthenticated();
    request.principal = user as Principal;
  });

  // The built dashboard's files are public one by one (access.ts ruleFor); nothing else is by default.
  const dashboard = dashboardFiles(config.dashboardDir);
  const accessRoutes: RegisteredRoute[] = [];
  app.decorate('accessRoutes', accessRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const rule = ruleFor(method, route.url, dashboard);
      accessRoutes.push({ method, url: route.url, rule, schema: route.schema });
      if (!rule) app.log.error({ method, url: route.url }, 'route has no access rule in access.ts: it will answer 403');
    }
  });

  /** One audit row per refused cross-tenant attempt, in the tenant asked for (when it exists). */
  const recordDenied = async (request: FastifyRequest, tenant: string, route: string) => {
    try {
      await app.reviews.recordAccessDenied(tenant, actorOf(request), { route, path: request.url.split('?')[0]! });
    } catch (error) {
      // The refusal stands either way; a failed audit write is an operator's problem, not the caller's.
      request.log.error({ err: error, tenant, route }, 'could not audit a refused cross-tenant attempt');
    }
  };

  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no such route: the not-found handler answers 404
    const rule = ruleFor(request.method, url, dashboard);
    if (!rule) {
      request.log.error({ method: request.method, url }, 'route has no access rule');
      throw new Forbidden('NO_ACCESS_RULE', 'This route has no access rule');
    }
    if (rule.roles === 'public') return;

    await authenticate.call(app, request, reply);
    const principal = request.principal!;
    const denial = {
      event: 'access.denied',
      sub: principal.sub,
      email: principal.email,
      route: `${request.method} ${url}`,
    };

    let tenant: string | undefined;
    if (rule.tenant) {
      const source = rule.tenant === 'param' ? request.params : request.query;
      const named = (source as Record<string, unknown> | undefined)?.tenant;
      if (typeof named !== 'string' || named === '') {
        throw new InvalidInput(`/${rule.tenant === 'param' ? 'params' : 'query'}/tenant`, 'is required');
      }
      tenant = named;
    }
    // Only the role held in the tenant the request names counts (roles belong to the grant).
    const decision = decide(principal, rule, tenant);
    if (!decision.ok && decision.why === 'tenant') {
      // Same answer as a tenant that does not exist (Z1). The attempt is logged and written to the
      // asked tenant's audit log; past the 'denied' budget the caller gets 429 and no more rows,
      // so probing cannot flood the audit table.
      request.log.warn({ ...denial, tenant }, 'cross-tenant access refused');
      await app.security.limit(request, reply, 'denied');
      await recordDenied(request, tenant!, `${request.method} ${url}`);
      throw new NotFound('Not found');
    }
    if (!decision.ok) {
      request.log.warn({ ...denial, tenant, role: decision.role }, 'role may not call this route');
      throw new Forbidden('FORBIDDEN', 'Your role may not do this');
    }

    if (WRITE_METHODS.has(request.method)) {
      app.security.guardWrite(request, reply, rule);
      await app.security.limit(request, reply, 'write');
    } else {
      if (principal.kind === 'user') app.security.issueXsrf(request, reply, url === '/api/me');
      // Every authenticated read is limited per principal; searches and graph queries more tightly.
      await app.security.limit(request, reply, rule.limit ?? 'read');
    }
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['errors', 'users', 'reviews'] });
