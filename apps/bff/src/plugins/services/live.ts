// The live bus: in-process publish/subscribe of new links and changes, per tenant.
import fp from 'fastify-plugin';
import { LiveBus } from '../../services/live-bus.ts';

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveBus;
  }
}

export default fp<{ use?: LiveBus }>(
  async (app, { use }) => {
    app.decorate('live', use ?? new LiveBus());
  },
  { name: 'live' },
);
