// Process entry: configuration -> app (which opens the services) -> listen. Stops cleanly on
// SIGINT/SIGTERM: readiness turns 503 at once while requests are still served for
// SHUTDOWN_DRAIN_MS (load balancers stop sending), then app.close() stops accepting, lets
// in-flight requests finish, ends the live streams (preClose), writes the graph snapshot and
// closes the stores (onClose). docs/faults.md; test/hardening/sigterm.test.ts.
// Demo seeding and periodic graph snapshots start from onListen hooks (plugins/services).
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { serveMetrics } from './plugins/metrics.ts';

const config = loadConfig();
const app = await buildApp({ config });

let metricsListener: Awaited<ReturnType<typeof serveMetrics>> | undefined;

const drainMs = config.shutdownDrainMs ?? 0;
// Past the drain, 30 s for in-flight requests, the snapshot and the stores; then the process exits anyway.
closeWithGrace({ delay: drainMs + 30_000 }, async ({ signal, err }) => {
  app.readiness.draining = true;
  if (err) app.log.error({ err }, 'shutting down after an error');
  else {
    app.log.info({ signal, drainMs }, 'shutting down: not ready, draining');
    await new Promise((resolve) => setTimeout(resolve, drainMs));
  }
  await metricsListener?.close();
  // Node's server.close() ends only the connections idle at that moment: a keep-alive connection
  // whose request was still in flight, or a live stream ended in preClose, would stay open until
  // keepAliveTimeout (72 s) and hold app.close() past the grace period (found by
  // test/hardening/sigterm.test.ts). Ending idle connections until the close is done fixes that.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
  app.log.info('stopped');
});

await app.listen({ host: config.host, port: config.port });
if (config.metrics.port > 0) {
  // Operators only (plugins/metrics.ts). A taken port costs the metrics, not the service.
  try {
    metricsListener = await serveMetrics(app.metrics.registry, config.metrics);
    app.log.info({ url: metricsListener.url }, 'metrics listening');
  } catch (error) {
    app.log.error({ err: error, port: config.metrics.port }, 'metrics listener could not start');
  }
}
