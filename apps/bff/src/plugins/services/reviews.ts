// The ReviewStore: tenants, notes, reviews, the queue and the audit log, on app.db.
import fp from 'fastify-plugin';
import { SqlReviewStore } from '../../adapters/review-store/sql-review-store.ts';
import type { ReviewStore } from '../../ports/review-store.ts';
import { REVIEW_READS } from '../../ports/review-store.ts';
import { guardStore } from '../../adapters/store-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    reviews: ReviewStore;
  }
}

export interface ReviewsPluginOptions {
  /** A store to use instead of the one on app.db; whoever passes it closes it. */
  use?: ReviewStore;
}

export default fp<ReviewsPluginOptions>(
  async (app, { use }) => {
    // SqlReviewStore.close() would close app.db: the database plugin, which opened it, does that.
    // Routes see domain errors only, never pg's or PGlite's (adapters/store-errors.ts).
    app.decorate(
      'reviews',
      use ?? guardStore('reviews', new SqlReviewStore(app.db), undefined, { reads: REVIEW_READS }),
    );
  },
  { name: 'reviews', dependencies: ['database'] },
);
