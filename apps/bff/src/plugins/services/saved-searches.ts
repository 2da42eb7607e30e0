// Saved searches (ports/saved-searches.ts) on app.db: app.savedSearches.
import fp from 'fastify-plugin';
import { SqlSavedSearches } from '../../adapters/saved-searches/sql-saved-searches.ts';
import { guardStore } from '../../adapters/store-errors.ts';
import type { SavedSearchStore } from '../../ports/saved-searches.ts';

declare module 'fastify' {
  interface FastifyInstance {
    savedSearches: SavedSearchStore;
  }
}

export interface SavedSearchesPluginOptions {
  /** A store to use instead of the one on app.db; whoever passes it closes it. */
  use?: SavedSearchStore;
}

export default fp<SavedSearchesPluginOptions>(
  async (app, { use }) => {
    // Routes see domain errors only. The rows live in the reviews' PostgreSQL database, so an
    // outage is reported as that store's.
    app.decorate('savedSearches', use ?? guardStore('reviews', new SqlSavedSearches(app.db)));
  },
  { name: 'saved-searches', dependencies: ['database'] },
);
