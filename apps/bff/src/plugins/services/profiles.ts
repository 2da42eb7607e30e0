// The ProfileStore: customer rows and events (Bigtable when configured, else node:sqlite under
// the data folder).
import fp from 'fastify-plugin';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BigtableProfileStore } from '../../adapters/profile-store/bigtable-profile-store.ts';
import { SqliteProfileStore } from '../../adapters/profile-store/sqlite-profile-store.ts';
import type { ProfileStore } from '../../ports/profile-store.ts';
import { secretsFor } from '../../secrets.ts';

declare module 'fastify' {
  interface FastifyInstance {
    profiles: ProfileStore;
  }
}

export interface ProfilesPluginOptions {
  /** A store to use instead of opening one from the configuration; whoever passes it closes it. */
  use?: ProfileStore;
}

export default fp<ProfilesPluginOptions>(
  async (app, { use }) => {
    let profiles = use;
    if (!profiles) {
      const { bigtable, dataDir } = app.config;
      // Timeline cursors signed with the configured secret: every replica accepts every other's pages.
      const cursorSigner = secretsFor(app.config).signer('cursor');
      if (bigtable) {
        profiles = await BigtableProfileStore.open({ ...bigtable, cursorSigner });
      } else {
        await mkdir(dataDir, { recursive: true });
        profiles = new SqliteProfileStore(join(dataDir, 'profiles.db'), { cursorSigner });
      }
      const opened = profiles;
      app.addHook('onClose', () => opened.close());
    }
    app.decorate('profiles', profiles);
  },
  { name: 'profiles', dependencies: ['config'] },
);
