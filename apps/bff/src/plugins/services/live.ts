// The live bus (in-process publish/subscribe of new links and changes, per tenant) and the live
// streams that GET /api/live serves from it (services/live-hub.ts).
import fp from 'fastify-plugin';
import { LiveBus } from '../../services/live-bus.ts';
import { LiveHub } from '../../services/live-hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveBus;
    liveStreams: LiveHub;
  }
}

export default fp<{ use?: LiveBus }>(
  async (app, { use }) => {
    const bus = use ?? new LiveBus();
    app.decorate('live', bus);
    const hub = new LiveHub(bus, (tenant) => app.graphs.get(tenant));
    app.decorate('liveStreams', hub);
    // Before the server closes: an open stream is never idle, so the server would wait for it.
    app.addHook('preClose', async () => hub.close());
  },
  { name: 'live', dependencies: ['graphs'] },
);
