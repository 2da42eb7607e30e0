// Process entry: configuration -> app (which opens the services) -> listen. Stops cleanly on
// SIGINT/SIGTERM: readiness turns 503, in-flight requests drain, app.close() closes the services.
// Demo seeding and periodic graph snapshots start from onListen hooks (plugins/services).
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { serveMetrics } from './plugins/metrics.ts';

const config = loadConfig();
const app = await buildApp({ config });

let metricsListener: Awaited<ReturnType<typeof serveMetrics>> | undefined;

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await metricsListener?.close();
  await app.close();
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
