// Prometheus metrics at /metrics: request rate and latency per route (the route pattern, never the
// raw URL, so customer ids do not become label values), plus Node's own process metrics.
import fp from 'fastify-plugin';
import { Registry, Histogram, collectDefaultMetrics, Gauge } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry; gauge: (name: string, help: string, collect: () => number) => void };
  }
}

export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'redoubt_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    app.decorate('metrics', {
      registry,
      gauge: (name: string, help: string, collect: () => number) => {
        new Gauge({
          name,
          help,
          registers: [registry],
          collect() {
            this.set(collect());
          },
        });
      },
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
