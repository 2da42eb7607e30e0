// Everything the routes need, opened once from the configuration and closed once on shutdown.
// Tests build their own Services (real adapters on temporary folders/databases) and pass them in.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { migrate, openPglite, openPostgres } from './db/database.ts';
import type { Database } from './db/database.ts';
import { SqlReviewStore } from './adapters/review-store/sql-review-store.ts';
import type { ReviewStore } from './ports/review-store.ts';
import type { ProfileStore } from './ports/profile-store.ts';
import type { SearchIndex } from './ports/search-index.ts';
import { SqliteProfileStore } from './adapters/profile-store/sqlite-profile-store.ts';
import { BigtableProfileStore } from './adapters/profile-store/bigtable-profile-store.ts';
import { SqliteSearchIndex } from './adapters/search-index/sqlite-search-index.ts';
import { ElasticsearchSearchIndex } from './adapters/search-index/elasticsearch-search-index.ts';
import { GraphRegistry } from './services/graphs.ts';
import { LiveBus } from './services/live-bus.ts';
import { Ingest } from './services/ingest.ts';
import { Demo } from './services/demo.ts';

export interface Services {
  db: Database;
  reviews: ReviewStore;
  /** Customer rows and events (Bigtable, or node:sqlite under dataDir). */
  profiles: ProfileStore;
  /** Customer search documents (Elasticsearch, or node:sqlite FTS5 under dataDir). */
  search: SearchIndex;
  /** One graph engine per tenant, restored from snapshot + replay. */
  graphs: GraphRegistry;
  live: LiveBus;
  ingest: Ingest;
  demo: Demo;
  /** Stops the periodic graph snapshots (set by startBackground). */
  stopBackground?: () => void;
}

/** How often the graph snapshot is rewritten while running (and once more on shutdown). */
const SNAPSHOT_EVERY_MS = 5 * 60_000;

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  let db: Database;
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl);
  } else {
    await mkdir(config.dataDir, { recursive: true });
    db = await openPglite(join(config.dataDir, 'pglite'));
  }
  await migrate(db);
  return db;
}

export async function openServices(config: Config): Promise<Services> {
  const db = await openDatabase(config);
  const reviews = new SqlReviewStore(db);
  await mkdir(config.dataDir, { recursive: true });
  const profiles: ProfileStore = config.bigtable
    ? await BigtableProfileStore.open(config.bigtable)
    : new SqliteProfileStore(join(config.dataDir, 'profiles.db'));
  const search: SearchIndex = config.elasticsearchUrl
    ? await ElasticsearchSearchIndex.open({ node: config.elasticsearchUrl })
    : new SqliteSearchIndex(join(config.dataDir, 'search.db'));
  const graphs = new GraphRegistry({ dir: join(config.dataDir, 'graph'), profiles });
  await graphs.restore();
  const live = new LiveBus();
  const ingest = new Ingest({ profiles, search, graphs, live });
  const demo = new Demo({
    dataDir: config.dataDir,
    seedCustomers: config.demo.seedCustomers,
    trickle: config.demo.trickle,
    ingest,
    ensureTenant: (id, name) => reviews.ensureTenant(id, name),
  });
  return { db, reviews, profiles, search, graphs, live, ingest, demo };
}

/**
 * Work that runs beside the server (server.ts calls it after listening): demo seeding and trickle,
 * periodic graph snapshots.
 */
export function startBackground(
  services: Services,
  log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void },
): void {
  const restored = services.graphs.restored;
  if (restored.discarded) log.error(restored, 'graph snapshot unreadable: rebuilt from the profile store');
  else log.info(restored, 'graph restored from snapshot and replay');
  services.demo.setLogger(log);
  services.demo.start(() => services.graphs.snapshot());
  const timer = setInterval(() => {
    services.graphs.snapshot().catch((error: Error) => log.error({ err: error }, 'graph snapshot failed'));
  }, SNAPSHOT_EVERY_MS);
  timer.unref();
  services.stopBackground = () => clearInterval(timer);
}

export async function closeServices(services: Services): Promise<void> {
  services.stopBackground?.();
  await services.demo?.stop();
  // The graph snapshot on the way out makes the next start a load, not a full replay.
  await services.graphs?.snapshot();
  await services.search?.close();
  await services.profiles?.close();
  await services.reviews.close();
}
