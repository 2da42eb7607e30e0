// The user directory: who may sign in, with which role in which tenant (the users table).
import fp from 'fastify-plugin';
import { SqlUserDirectory } from '../../adapters/user-directory/sql-user-directory.ts';
import type { UserDirectory } from '../../ports/user-directory.ts';
import { DIRECTORY_READS } from '../../ports/user-directory.ts';
import { guardStore } from '../../adapters/store-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    users: UserDirectory;
  }
}

export interface UsersPluginOptions {
  /** A directory to use instead of the users table (tests: MemoryUserDirectory). */
  use?: UserDirectory;
}

export default fp<UsersPluginOptions>(
  async (app, { use }) => {
    // The SQL directory shares app.db, which the database plugin closes.
    // Callers see domain errors only, never pg's or PGlite's (adapters/store-errors.ts).
    app.decorate(
      'users',
      use ?? guardStore('directory', new SqlUserDirectory(app.db), undefined, { reads: DIRECTORY_READS }),
    );
  },
  { name: 'users', dependencies: ['database'] },
);
