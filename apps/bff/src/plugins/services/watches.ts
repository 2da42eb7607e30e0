// Watches and shared-infrastructure marks (services/watches.ts): the store on app.db
// (app.watches), the matcher that turns new links into hits, queue entries and live `watch`
// events (app.watchMatcher), and each tenant's marked identifiers (app.sharedInfra), which the
// network and path routes leave out. Loaded per tenant when the app is ready and read again every
// REFRESH_MS, so what another replica changed arrives within that time.
import fp from 'fastify-plugin';
import { SqlWatchStore } from '../../adapters/watch-store/sql-watch-store.ts';
import { guardStore } from '../../adapters/store-errors.ts';
import type { WatchStore } from '../../ports/watch-store.ts';
import { SharedInfrastructure, WatchMatcher } from '../../services/watches.ts';

declare module 'fastify' {
  interface FastifyInstance {
    watches: WatchStore;
    watchMatcher: WatchMatcher;
    sharedInfra: SharedInfrastructure;
  }
}

export interface WatchesPluginOptions {
  /** A store to use instead of the one on app.db. */
  use?: WatchStore;
  /** How often every tenant's watches and marks are read again; default 30 s, 0 never. */
  refreshMs?: number;
}

export const REFRESH_MS = 30_000;

export default fp<WatchesPluginOptions>(
  async (app, { use, refreshMs = REFRESH_MS }) => {
    // Routes and the matcher see domain errors only, never pg's or PGlite's. The watches live in
    // the reviews' PostgreSQL database, and an outage is reported as that store's.
    const store = use ?? guardStore('reviews', new SqlWatchStore(app.db));
    const shared = new SharedInfrastructure();
    const matcher = new WatchMatcher({
      store,
      bus: app.live,
      graph: (tenant) => app.graphs.get(tenant),
      shared,
      queue: app.reviews,
      notify: (tenant, sub, event) => app.liveStreams.notify(tenant, sub, event),
      onError: (error) => app.log.error({ err: error }, 'could not store watch hits'),
    });
    app.decorate('watches', store);
    app.decorate('watchMatcher', matcher);
    app.decorate('sharedInfra', shared);

    let running = false;
    const load = async () => {
      if (running) return;
      running = true;
      try {
        for (const tenant of await store.tenants()) {
          shared.set(tenant, await store.listMarks(tenant));
          matcher.setRules(tenant, await store.watchRules(tenant));
        }
      } catch (error) {
        app.log.error({ err: error }, 'could not load watches and shared-infrastructure marks');
      } finally {
        running = false;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      await load();
      if (refreshMs > 0) timer = setInterval(() => void load(), refreshMs).unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await matcher.close();
    });
  },
  { name: 'watches', dependencies: ['database', 'reviews', 'graphs', 'live'] },
);
