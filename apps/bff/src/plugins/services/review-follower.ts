// Carries committed reviews from the outbox to the search index, the graph's labels and the live
// bus (services/reviews.ts ReviewFollower): after each commit, once at start for anything left
// from the last run, every 30 s, and on a backoff timer after a failure until it catches up.
import fp from 'fastify-plugin';
import { ReviewFollower } from '../../services/reviews.ts';

declare module 'fastify' {
  interface FastifyInstance {
    reviewFollower: ReviewFollower;
  }
}

export default fp(
  async (app) => {
    // The sweep picks up rows of a replica that died holding their lease (30 s, sql-review-store.ts).
    const follower = new ReviewFollower(app.reviews, (tenant, change) => app.ingest.applyReview(tenant, change), {
      sweepMs: 30_000,
    });
    app.decorate('reviewFollower', follower);
    let unsubscribe: (() => void) | undefined;
    try {
      unsubscribe = app.reviews.onOutbox?.(() => void follower.kick());
    } catch {
      // A stand-in store without an outbox (some route tests): the start-up and retry drains remain.
    }
    app.addHook('onReady', async () => {
      void follower.kick();
    });
    app.addHook('onClose', async () => {
      unsubscribe?.();
      await follower.stop();
    });
  },
  { name: 'review-follower', dependencies: ['reviews', 'ingest'] },
);
