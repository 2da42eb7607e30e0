// PostgreSQL (DATABASE_URL) or the embedded PGlite under the data folder, migrated on open.
// Users, grants, tenants, notes, reviews and the audit log live here.
import fp from 'fastify-plugin';
import { openDatabase } from '../../db/database.ts';
import type { Database } from '../../db/database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
  }
}

export interface DatabasePluginOptions {
  /** A database to use instead of opening one from the configuration; whoever passes it closes it. */
  use?: Database;
}

export default fp<DatabasePluginOptions>(
  async (app, { use }) => {
    const db = use ?? (await openDatabase(app.config));
    app.decorate('db', db);
    if (!use) app.addHook('onClose', () => db.close());
  },
  { name: 'database', dependencies: ['config'] },
);
