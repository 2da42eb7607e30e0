// Everything the routes need, opened once from the configuration and closed once on shutdown.
// Tests build their own Services (real adapters on temporary folders/databases) and pass them in.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { migrate, openPglite, openPostgres } from './db/database.ts';
import type { Database } from './db/database.ts';
import { SqlReviewStore } from './adapters/review-store/sql-review-store.ts';
import type { ReviewStore } from './ports/review-store.ts';

export interface Services {
  db: Database;
  reviews: ReviewStore;
}

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
  return { db, reviews: new SqlReviewStore(db) };
}

export async function closeServices(services: Services): Promise<void> {
  await services.reviews.close();
}
