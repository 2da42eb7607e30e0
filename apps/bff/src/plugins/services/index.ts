// Every service the routes use, each a named plugin with a typed decorator (app.db, app.users,
// app.reviews, app.audit, app.profiles, app.searchIndex, app.graphs, app.live, app.ingest,
// app.changeFeed), opened from app.config and closed on app.close() in reverse order. Tests pass
// their own instances instead (real adapters on temporary folders, or typed partial fakes): a
// service passed in is not opened, and whoever passed it closes it.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { UserDirectory } from '../../ports/user-directory.ts';
import type { ReviewStore } from '../../ports/review-store.ts';
import type { AuditLog } from '../../ports/audit-log.ts';
import type { TeamQualityReader } from '../../ports/team-quality.ts';
import type { ProfileStore } from '../../ports/profile-store.ts';
import type { SearchIndex } from '../../ports/search-index.ts';
import type { GraphRegistry } from '../../services/graphs.ts';
import type { LiveBus } from '../../services/live-bus.ts';
import type { Ingest } from '../../services/ingest.ts';
import type { ChangeFeed } from '../../ports/change-feed.ts';
import configPlugin from '../config.ts';
import database from './database.ts';
import users from './users.ts';
import reviews from './reviews.ts';
import audit from './audit.ts';
import profiles from './profiles.ts';
import search from './search.ts';
import graphs from './graphs.ts';
import live from './live.ts';
import ingest from './ingest.ts';
import reviewFollower from './review-follower.ts';
import watches from './watches.ts';
import quality from './quality.ts';
import changeFeed from './change-feed.ts';
import changeRelay from './change-relay.ts';
import savedSearches from './saved-searches.ts';
import type { SavedSearchStore } from '../../ports/saved-searches.ts';

export interface AppServices {
  db: Database;
  users: UserDirectory;
  reviews: ReviewStore;
  audit: AuditLog;
  quality: TeamQualityReader;
  profiles: ProfileStore;
  searchIndex: SearchIndex;
  graphs: GraphRegistry;
  live: LiveBus;
  ingest: Ingest;
  /** Optional: absent means the one the configuration names (tests of one replica pass none). */
  changeFeed?: ChangeFeed;
  /** Optional: absent means the one on app.db. */
  savedSearches?: SavedSearchStore;
}

export async function registerServices(
  app: FastifyInstance,
  { config, services = {} }: { config: Config; services?: Partial<AppServices> },
): Promise<void> {
  await app.register(configPlugin, { config });
  await app.register(database, { use: services.db });
  await app.register(users, { use: services.users });
  await app.register(reviews, { use: services.reviews });
  await app.register(audit, { use: services.audit });
  await app.register(quality, { use: services.quality });
  await app.register(profiles, { use: services.profiles });
  await app.register(search, { use: services.searchIndex });
  // The feed before the graphs: its subscription retains changes from before the replay starts.
  await app.register(changeFeed, { use: services.changeFeed });
  await app.register(graphs, { use: services.graphs });
  await app.register(live, { use: services.live });
  // Follows the feed once the graphs are restored.
  await app.register(changeRelay);
  await app.register(ingest, { use: services.ingest });
  await app.register(reviewFollower);
  await app.register(watches);
  await app.register(savedSearches, { use: services.savedSearches });
}
