// The BFF as one Fastify plugin tree. server.ts only opens services and listens; tests call
// buildApp() with their own services and use app.inject().
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { Services } from './services.ts';
import errors from './plugins/errors.ts';
import metrics from './plugins/metrics.ts';
import { healthRoutes } from './routes/health.ts';
import { noteRoutes } from './routes/notes.ts';
import auth from './plugins/auth/index.ts';
import type { AuthOptions } from './plugins/auth/index.ts';
import { meRoutes } from './routes/me.ts';
import { adminRoutes } from './routes/admin.ts';
import { customerRoutes } from './routes/customers.ts';
import { eventRoutes } from './routes/events.ts';
import { demoRoutes } from './routes/demo.ts';
import { tenantDirectory } from './services/tenants.ts';

export interface BuildOptions {
  config: Config;
  services: Services;
  /** pino options; false silences logs in tests. */
  logger?: boolean | object;
  /** Identity overrides for tests (test/support/identities.ts); production passes none. */
  auth?: AuthOptions;
}

/** Largest request body: an NDJSON batch of 10,000 events fits; anything bigger is refused with 413. */
export const BODY_LIMIT = 8 * 1024 * 1024;

export async function buildApp({
  config,
  services,
  logger,
  auth: authOptions,
}: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers["x-goog-iap-jwt-assertion"]', 'req.headers.cookie', 'req.headers["x-xsrf-token"]'],
    },
    bodyLimit: BODY_LIMIT,
    requestTimeout: 30_000,
    connectionTimeout: 10_000,
    return503OnClosing: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(given) ? given : crypto.randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', undefined);

  await app.register(errors);
  await app.register(metrics);
  // Before every route: identity, the access table (access.ts), CSRF, rate limits, headers.
  await app.register(auth, { config, services, auth: authOptions });
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
  await app.register(meRoutes, { services });
  await app.register(adminRoutes);

  await app.register(healthRoutes, {
    checks: [
      { name: 'reviews', check: () => services.reviews.ping() },
      { name: 'profiles', check: () => services.profiles.ping() },
      { name: 'search', check: () => services.search.ping() },
    ],
  });
  await app.register(noteRoutes, { services });
  await app.register(customerRoutes, { profiles: services.profiles, search: services.search, graphs: services.graphs });
  await app.register(eventRoutes, { ingest: services.ingest, tenantExists: tenantDirectory(services.reviews) });
  await app.register(demoRoutes, { demo: services.demo });
  // Read at scrape time; stand-in services in some tests have no graphs or ingest.
  const graphTotals = () => services.graphs?.totals() ?? { customers: 0, identifiers: 0, links: 0, bytes: 0 };
  app.metrics.gauge('redoubt_graph_links', 'Customer-identifier links in the graphs', () => graphTotals().links);
  app.metrics.gauge('redoubt_graph_customers', 'Customers in the graphs', () => graphTotals().customers);
  app.metrics.gauge('redoubt_graph_bytes', 'Bytes held by the graph engines', () => graphTotals().bytes);
  app.metrics.gauge('redoubt_ingested_events', 'Events stored since start', () => services.ingest?.storedEvents ?? 0);
  app.metrics.gauge('redoubt_live_listeners', 'Live-stream subscriptions', () => services.live?.listenerCount() ?? 0);

  if (config.dashboardDir && existsSync(join(config.dashboardDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: config.dashboardDir, wildcard: false, index: 'index.html' });
    // Client-side routes (/customers/42) get the app shell; unknown /api paths stay JSON 404s.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) {
        return reply
          .status(404)
          .send({ error: 'Not Found', message: `No route GET ${request.url.split('?')[0]}`, requestId: request.id });
      }
      return reply.sendFile('index.html');
    });
  }
  return app;
}
