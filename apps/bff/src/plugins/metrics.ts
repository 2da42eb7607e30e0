// Prometheus metrics: request rate and latency per route (the route pattern, never the raw URL,
// so customer ids do not become label values), plus Node's own process metrics and totals over
// every tenant. Those totals are operators' business, not any tenant's: they are served on a
// separate listener (METRICS_PORT, loopback by default; serveMetrics below), never on the public
// port, whatever the caller's role.
import fp from 'fastify-plugin';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
            // A source that fails keeps its last value: one broken gauge must not blank the scrape.
            try {
              this.set(collect());
            } catch {
              // left as it was
            }
          },
        });
      },
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics' },
);

/**
 * The operators' listener: GET /metrics and nothing else, on its own host and port (loopback by
 * default, so only something on the same machine or pod, such as a Prometheus sidecar, reaches it).
 */
export async function serveMetrics(
  registry: Registry,
  options: { host: string; port: number },
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
