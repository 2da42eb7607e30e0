// Carries this replica's changes to the others and theirs to this replica's graph and live bus
// (services/change-relay.ts). Registered after the graphs were restored (snapshot, then replay):
// only then does it follow the feed, whose subscription was opened before the replay
// (plugins/services/change-feed.ts). With the feed alone in process nothing is relayed: the
// embedded path is the bus as it was.
import fp from 'fastify-plugin';
import { ChangeRelay } from '../../services/change-relay.ts';

declare module 'fastify' {
  interface FastifyInstance {
    changeRelay: ChangeRelay;
  }
}

export default fp(
  async (app) => {
    const relay = new ChangeRelay({
      feed: app.changeFeed,
      profiles: app.profiles,
      graphs: app.graphs,
      live: app.live,
      onPresence: (origin, tenant, customerId, viewers) =>
        app.liveStreams.remotePresence(origin, tenant, customerId, viewers),
      onProblem: (problem, error) => app.log.warn({ err: error }, problem),
    });
    app.decorate('changeRelay', relay);
    if (!app.changeFeedShared) return;
    app.live.relayTo((change) => relay.relay(change));
    app.liveStreams.relayPresenceTo((tenant, customerId, viewers) => relay.presence(tenant, customerId, viewers));
    app.changeFeed.follow((message) => relay.receive(message));
    app.addHook('onClose', () => relay.flushed());
  },
  { name: 'change-relay', dependencies: ['change-feed', 'profiles', 'graphs', 'live'] },
);
