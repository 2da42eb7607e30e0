// The embedded demo's seeding and live trickle (services/demo.ts): started once the server
// listens (never for app.inject tests), stopped first on close.
import fp from 'fastify-plugin';
import { Demo } from '../../services/demo.ts';

declare module 'fastify' {
  interface FastifyInstance {
    demo: Demo;
  }
}

export default fp<{ use?: Demo }>(
  async (app, { use }) => {
    if (use) {
      app.decorate('demo', use);
      return;
    }
    const { dataDir, demo: settings } = app.config;
    const demo = new Demo({
      dataDir,
      seedCustomers: settings.seedCustomers,
      trickle: settings.trickle,
      ingest: app.ingest,
      ensureTenant: (id, name) => app.reviews.ensureTenant(id, name),
      log: app.log,
    });
    app.decorate('demo', demo);
    app.addHook('onListen', async () => demo.start(() => app.graphs.snapshot()));
    app.addHook('onClose', () => demo.stop());
  },
  { name: 'demo', dependencies: ['config', 'ingest', 'reviews', 'graphs'] },
);
