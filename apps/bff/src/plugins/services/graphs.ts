// One graph engine per tenant, restored from the snapshot under the data folder plus a replay of
// the ProfileStore. While the server listens the snapshot is rewritten every few minutes, and once
// more on close, so the next start is a load rather than a full replay.
import fp from 'fastify-plugin';
import { join } from 'node:path';
import { GraphRegistry } from '../../services/graphs.ts';

declare module 'fastify' {
  interface FastifyInstance {
    graphs: GraphRegistry;
  }
}

export interface GraphsPluginOptions {
  /** A registry to use instead of restoring one from the data folder; whoever passes it saves it. */
  use?: GraphRegistry;
}

/** How often the graph snapshot is rewritten while running. */
const SNAPSHOT_EVERY_MS = 5 * 60_000;

/**
 * With replicas on the change feed and Bigtable's time marks: how far before a snapshot the next
 * start replays, so changes that reached the graph from the feed after it was saved are not lost
 * (services/graphs.ts). Far above the feed's propagation (bench:replicas, docs/scale-out.md).
 */
export const FEED_SNAPSHOT_SLACK_MS = 60_000;

export default fp<GraphsPluginOptions>(
  async (app, { use }) => {
    if (use) {
      app.decorate('graphs', use);
      return;
    }
    const replicated = app.hasDecorator('changeFeedShared') && app.changeFeedShared;
    const graphs = new GraphRegistry({
      dir: join(app.config.dataDir, 'graph'),
      profiles: app.profiles,
      markSlack: replicated && app.config.bigtable ? FEED_SNAPSHOT_SLACK_MS : 0,
    });
    const restored = await graphs.restore();
    if (restored.discarded) app.log.error(restored, 'graph snapshot unreadable: rebuilt from the profile store');
    else app.log.info(restored, 'graph restored from snapshot and replay');
    app.decorate('graphs', graphs);

    let timer: NodeJS.Timeout | undefined;
    app.addHook('onListen', async () => {
      timer ??= setInterval(() => {
        graphs.snapshot().catch((error: unknown) => app.log.error({ err: error }, 'graph snapshot failed'));
      }, SNAPSHOT_EVERY_MS).unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await graphs.snapshot();
    });
  },
  { name: 'graphs', dependencies: ['config', 'profiles'] },
);
