// Ingestion: validated events into the ProfileStore, the SearchIndex, the tenant's graph and the
// live bus (services/ingest.ts).
import fp from 'fastify-plugin';
import { Ingest } from '../../services/ingest.ts';

declare module 'fastify' {
  interface FastifyInstance {
    ingest: Ingest;
  }
}

export default fp<{ use?: Ingest }>(
  async (app, { use }) => {
    const { profiles, searchIndex: search, graphs, live, reviews } = app;
    // queue: scores that say REVIEW and POTENTIALLY_ labels put the customer in the review queue.
    app.decorate('ingest', use ?? new Ingest({ profiles, search, graphs, live, queue: reviews }));
  },
  { name: 'ingest', dependencies: ['profiles', 'search', 'graphs', 'live', 'reviews'] },
);
