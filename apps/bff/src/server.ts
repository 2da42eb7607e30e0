// Process entry: configuration -> services -> app -> listen. Stops cleanly on SIGINT/SIGTERM:
// readiness turns 503, in-flight requests drain, stores close.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { closeServices, openServices, startBackground } from './services.ts';

const config = loadConfig();
const services = await openServices(config);
const app = await buildApp({ config, services });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
  await closeServices(services);
});

await app.listen({ host: config.host, port: config.port });
// Demo seeding and graph snapshots run beside the server: it answers at once.
startBackground(services, app.log);
