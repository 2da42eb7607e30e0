// The BFF as one Fastify plugin tree: the services (plugins/services, each a named plugin with a
// typed decorator), then errors, metrics, identity and access, then the routes, which read
// app.profiles, app.searchIndex, app.graphs, … server.ts only builds it and listens; tests call
// buildApp() with their own services where they need them and use app.inject().
import Fastify from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { MAX_ID_LENGTH } from '@redoubt/contracts';
import type { Config } from './config.ts';
import { registerServices } from './plugins/services/index.ts';
import type { AppServices } from './plugins/services/index.ts';
import errors from './plugins/errors.ts';
import metrics from './plugins/metrics.ts';
import loadShedding from './plugins/load-shedding.ts';
import type { LoadSheddingOptions } from './plugins/load-shedding.ts';
import dashboard from './plugins/dashboard.ts';
import { callerRequestId } from './principal.ts';
import { healthRoutes } from './routes/health.ts';
import { noteRoutes } from './routes/notes.ts';
import { reviewRoutes } from './routes/reviews.ts';
import auth, { identityMode } from './plugins/auth/index.ts';
import type { AuthOptions } from './plugins/auth/index.ts';
import { meRoutes } from './routes/me.ts';
import { adminRoutes } from './routes/admin.ts';
import { customerRoutes } from './routes/customers.ts';
import { whyRoutes } from './routes/why.ts';
import { eventRoutes } from './routes/events.ts';
import { overviewRoutes } from './routes/overview.ts';
import { auditRoutes } from './routes/audit.ts';
import { qualityRoutes } from './routes/quality.ts';
import { liveRoutes } from './routes/live.ts';
import { watchRoutes } from './routes/watches.ts';
import { savedSearchRoutes } from './routes/saved-searches.ts';

export interface BuildOptions {
  config: Config;
  /**
   * Services to use instead of opening them from the configuration (tests: real adapters on
   * temporary folders, or typed partial fakes). Whoever passes one closes it; the rest are opened
   * here and closed by app.close().
   */
  services?: Partial<AppServices>;
  /** pino options; false silences logs in tests. */
  logger?: boolean | object;
  /** Identity overrides for tests (test/support/identities.ts); production passes none. */
  auth?: AuthOptions;
  /** Load-shedding thresholds instead of the measured defaults (plugins/load-shedding.ts; tests). */
  loadShedding?: Partial<LoadSheddingOptions>;
}

/**
 * Largest request body by default (413 past it): a note, a review or a grant is a few KiB. Routes
 * that need more say so (ingestion: INGEST_BODY_LIMIT in routes/events.ts).
 */
export const BODY_LIMIT = 64 * 1024;

/**
 * Longest raw path parameter the router accepts. Ids are at most MAX_ID_LENGTH characters (ingest
 * refuses longer); a client may percent-encode each character (3 bytes), so every stored id still
 * routes, and the route's schema then checks the decoded id against MAX_ID_LENGTH.
 */
export const MAX_PARAM_LENGTH = 3 * MAX_ID_LENGTH;

export async function buildApp({
  config,
  services,
  logger,
  auth: authOptions,
  loadShedding: sheddingOptions,
}: BuildOptions): Promise<FastifyInstance> {
  // Refuses a configuration without IAP outside the demo before anything is opened.
  const mode = identityMode(config);
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers["x-goog-iap-jwt-assertion"]', 'req.headers.cookie', 'req.headers["x-xsrf-token"]'],
    },
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: 30_000,
    connectionTimeout: 10_000,
    return503OnClosing: true,
    // Opening the stores is no plugin's ten seconds: a first PGlite start, or a graph rebuilt by a
    // full replay, takes longer. Each store bounds its own connection attempts.
    pluginTimeout: 0,
    // request.ip is the client's address: the last TRUSTED_PROXY_HOPS entries of X-Forwarded-For
    // (and the socket peer) are our own proxies, anything before them is the client's claim.
    trustProxy: (_address, hop) => hop < config.trustedProxyHops,
    // The request id of record is always ours; a caller's X-Request-Id is logged beside it, untrusted.
    genReqId: () => crypto.randomUUID(),
    childLoggerFactory: (logger, bindings, options, rawRequest) => {
      const caller = callerRequestId(rawRequest);
      return logger.child(caller === undefined ? bindings : { ...bindings, callerRequestId: caller }, options);
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    // The router's own refusals (a malformed percent-encoding, a path segment past
    // MAX_PARAM_LENGTH) answer in the one error shape too, without echoing the URL
    // (docs/threat-model.md I3; test/hardening/router-errors.test.ts).
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode === 414 ? 414 : 400;
      const message =
        status === 414 ? 'A path segment is longer than any id' : 'The URL is not valid (bad percent-encoding)';
      void reply.status(status).send({ error: STATUS_CODES[status] ?? 'Bad Request', message, requestId: request.id });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', undefined);

  try {
    await registerServices(app, { config, services });
    // The embedded demo (demo/) is loaded in demo mode only: production never imports it.
    const demo = mode === 'demo' ? await import('./demo/index.ts') : undefined;
    if (demo) await app.register(demo.demoSetup);
    await app.register(errors);
    // Before identity and the routes: a shed request costs no verification and no store call.
    await app.register(loadShedding, sheddingOptions ?? {});
    await app.register(metrics);
    // Before every route: identity, the access table (access.ts), CSRF, rate limits, headers.
    await app.register(auth, {
      config,
      auth: authOptions,
      ...(demo && { demoIdentity: demo.demoIdentity(app.demoIdentityProxy) }),
    });
    await app.register(swagger, {
      openapi: {
        info: { title: 'Redoubt API', version: '0.1.0', description: 'Fraud-analyst workbench backend-for-frontend' },
        components: {
          securitySchemes: { iap: { type: 'apiKey', in: 'header', name: 'x-goog-iap-jwt-assertion' } },
        },
        security: [{ iap: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    await app.register(meRoutes);
    await app.register(adminRoutes);

    const readiness = { draining: false };
    app.decorate('readiness', readiness);
    await app.register(healthRoutes, {
      readiness,
      checks: [
        { name: 'reviews', check: () => app.reviews.ping() },
        { name: 'profiles', check: () => app.profiles.ping() },
        { name: 'search', check: () => app.searchIndex.ping() },
        { name: 'feed', check: () => app.changeFeed.ping() },
      ],
    });
    await app.register(noteRoutes);
    await app.register(reviewRoutes);
    await app.register(customerRoutes);
    await app.register(whyRoutes);
    await app.register(eventRoutes);
    await app.register(overviewRoutes);
    await app.register(auditRoutes);
    await app.register(qualityRoutes);
    await app.register(liveRoutes);
    await app.register(watchRoutes);
    await app.register(savedSearchRoutes);
    if (demo) await app.register(demo.demoRoutes);
    // Read at scrape time.
    app.metrics.gauge(
      'redoubt_graph_links',
      'Customer-identifier links in the graphs',
      () => app.graphs.totals().links,
    );
    app.metrics.gauge('redoubt_graph_customers', 'Customers in the graphs', () => app.graphs.totals().customers);
    app.metrics.gauge('redoubt_graph_identifiers', 'Identifiers in the graphs', () => app.graphs.totals().identifiers);
    app.metrics.gauge('redoubt_graph_bytes', 'Bytes held by the graph engines', () => app.graphs.totals().bytes);
    app.metrics.gauge('redoubt_ingested_events', 'Events stored since start', () => app.ingest.storedEvents);
    app.metrics.gauge('redoubt_live_listeners', 'Live-stream subscriptions', () => app.live.listenerCount());

    await app.register(dashboard, { dir: config.dashboardDir });
  } catch (error) {
    // A refused start leaves nothing open: what was opened before the failure is closed again.
    await app.close().catch(() => {});
    throw error;
  }
  return app;
}
