// The ChangeFeed between replicas (ports/change-feed.ts): Pub/Sub when PUBSUB_PROJECT is set, else
// the in-process feed with this replica alone on it. Opened before the graphs are restored, so
// this replica's subscription retains every change from before the replay starts: snapshot, then
// replay from the snapshot's mark, then follow (plugins/services/change-relay.ts), with no window
// where a change is neither replayed nor received.
import fp from 'fastify-plugin';
import { hostname } from 'node:os';
import { InProcessChangeFeed, InProcessTopic } from '../../adapters/change-feed/in-process-change-feed.ts';
import { PubSubChangeFeed } from '../../adapters/change-feed/pubsub-change-feed.ts';
import type { ChangeFeed } from '../../ports/change-feed.ts';
import { guardStore } from '../../adapters/store-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    changeFeed: ChangeFeed;
    /** True when other replicas may read the feed (Pub/Sub, or a feed passed in): changes are relayed. */
    changeFeedShared: boolean;
  }
}

export interface ChangeFeedPluginOptions {
  /** A feed to use instead of opening one from the configuration (opened here, closed by whoever passed it). */
  use?: ChangeFeed;
}

export default fp<ChangeFeedPluginOptions>(
  async (app, { use }) => {
    const { pubsub } = app.config;
    let feed = use;
    if (!feed) {
      // Pub/Sub behind a circuit breaker (adapters/circuit-breaker.ts): a dead feed fails publishes
      // and readiness pings at once instead of after their timeouts.
      feed = pubsub
        ? guardStore(
            'feed',
            new PubSubChangeFeed({
              ...pubsub,
              onProblem: (problem, error) => app.log.warn({ err: error }, problem),
            }),
          )
        : new InProcessChangeFeed(new InProcessTopic(), hostname());
      const opened = feed;
      // After the relay's own onClose (registered later, run earlier) has flushed what it holds.
      app.addHook('onClose', () => opened.close());
    }
    await feed.open();
    app.decorate('changeFeed', feed);
    app.decorate('changeFeedShared', Boolean(use) || Boolean(pubsub));
  },
  { name: 'change-feed', dependencies: ['config'] },
);
