// Replicas kept as one through the ChangeFeed (services/change-relay.ts), on the in-process feed:
// two replicas share the ProfileStore and the search index as they would share Bigtable and
// Elasticsearch, each with its own graphs and live bus. What one ingests reaches the other's graph
// and bus; a message applied twice changes nothing; a gap is repaired from the ProfileStore.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEvents } from '@redoubt/synthetic';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../adapters/search-index/sqlite-search-index.ts';
import { InProcessChangeFeed, InProcessTopic } from '../adapters/change-feed/in-process-change-feed.ts';
import type { FeedMessage } from '../ports/change-feed.ts';
import type { ProfileStore } from '../ports/profile-store.ts';
import { GraphRegistry } from './graphs.ts';
import { LiveBus } from './live-bus.ts';
import type { LiveChange } from './live-bus.ts';
import { Ingest } from './ingest.ts';
import { ChangeRelay } from './change-relay.ts';

const TENANT = 'acme-shop';

const lines = (customers: number, from = 0) =>
  [...generateEvents({ seed: 5, tenant: TENANT, customers, from })].map((value, i) => ({ line: i + 1, value }));

/** One replica: its own graphs, bus and relay, on the shared stores and topic. */
async function replica(
  name: string,
  shared: { profiles: ProfileStore; search: SqliteSearchIndex; topic: InProcessTopic },
) {
  const graphs = new GraphRegistry({ dir: undefined, profiles: shared.profiles });
  const live = new LiveBus();
  const feed = new InProcessChangeFeed(shared.topic, name);
  await feed.open();
  const relay = new ChangeRelay({ feed, profiles: shared.profiles, graphs, live });
  live.relayTo((change) => relay.relay(change));
  feed.follow((message) => relay.receive(message));
  const heard: LiveChange[] = [];
  live.subscribe(TENANT, (change) => heard.push(change));
  const ingest = new Ingest({ profiles: shared.profiles, search: shared.search, graphs, live });
  return { graphs, live, feed, relay, heard, ingest };
}

/** A replica that only records the messages on the topic. */
async function spy(topic: InProcessTopic) {
  const feed = new InProcessChangeFeed(topic, 'spy');
  await feed.open();
  const messages: FeedMessage[] = [];
  feed.follow(async (m) => void messages.push(m));
  return messages;
}

/** Every customer's network (sorted edges), to compare whole graphs. */
function fingerprint(graphs: GraphRegistry): string {
  const graph = graphs.get(TENANT);
  const ids = [...new Set(lines(90).map((l) => l.value.customerId))];
  return ids
    .map((id) => {
      const network = graph.network(id, { depth: 2 });
      return `${id}:${(network?.edges.map((e) => `${e.source}>${e.target}`) ?? []).sort().join(',')}`;
    })
    .join('\n');
}

async function settle(until: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!until()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function world() {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-relay-'));
  const profiles = new SqliteProfileStore(join(dir, 'profiles.db'));
  const search = new SqliteSearchIndex(join(dir, 'search.db'));
  const topic = new InProcessTopic();
  return {
    shared: { profiles, search, topic },
    close: async () => {
      await search.close();
      await profiles.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const links = (heard: LiveChange[]) => heard.filter((c) => c.type === 'link').length;

describe('ChangeRelay', () => {
  it('what one replica ingests reaches the graph and the live bus of the other', async () => {
    const w = await world();
    try {
      const a = await replica('a', w.shared);
      const b = await replica('b', w.shared);
      await a.ingest.ingest(TENANT, lines(30));
      await a.ingest.ingest(TENANT, lines(30, 30));
      await a.relay.flushed();
      await settle(() => b.relay.stats.applied === 2, 'both messages applied on b');
      assert.ok(a.graphs.get(TENANT).stats().links > 0);
      assert.equal(fingerprint(b.graphs), fingerprint(a.graphs));
      assert.deepEqual(b.graphs.get(TENANT).stats(), a.graphs.get(TENANT).stats());
      assert.equal(links(b.heard), links(a.heard));
      assert.deepEqual(
        b.heard.filter((c) => c.type === 'score').map((c) => c.customerId),
        a.heard.filter((c) => c.type === 'score').map((c) => c.customerId),
      );
      // Its own messages come back on its subscription and are not applied again.
      assert.equal(a.relay.stats.applied, 0);
    } finally {
      await w.close();
    }
  });

  it('a message applied twice changes nothing: the graph and the live bus stay as after once', async () => {
    const w = await world();
    try {
      const messages = await spy(w.shared.topic);
      const a = await replica('a', w.shared);
      await a.ingest.ingest(TENANT, lines(40));
      await a.relay.flushed();
      await settle(() => messages.length === 1, 'the message');
      const once = await replica('once', w.shared);
      const twice = await replica('twice', w.shared);
      await once.relay.receive(messages[0]!);
      await twice.relay.receive(messages[0]!);
      await twice.relay.receive(messages[0]!);
      assert.equal(twice.relay.stats.duplicates, 1);
      assert.deepEqual(twice.graphs.get(TENANT).stats(), once.graphs.get(TENANT).stats());
      assert.equal(fingerprint(twice.graphs), fingerprint(once.graphs));
      assert.equal(twice.heard.length, once.heard.length);
      // Even a relay that has never seen it (a restart: no sequence remembered) adds no link and
      // announces none on a graph that holds it already.
      const before = twice.graphs.get(TENANT).stats();
      const heardBefore = links(twice.heard);
      const fresh = new ChangeRelay({
        feed: new InProcessChangeFeed(new InProcessTopic(), 'fresh'),
        profiles: w.shared.profiles,
        graphs: twice.graphs,
        live: twice.live,
      });
      await fresh.receive(messages[0]!);
      assert.deepEqual(twice.graphs.get(TENANT).stats(), before);
      assert.equal(links(twice.heard), heardBefore);
    } finally {
      await w.close();
    }
  });

  it('a gap in the sequence is repaired by a replay from the ProfileStore', async () => {
    const w = await world();
    try {
      const messages = await spy(w.shared.topic);
      const a = await replica('a', w.shared);
      for (const from of [0, 30, 60]) {
        await a.ingest.ingest(TENANT, lines(30, from));
        await a.relay.flushed();
      }
      await settle(() => messages.length === 3, 'three messages');
      assert.deepEqual(
        messages.map((m) => m.seq),
        [1, 2, 3],
      );
      const c = await replica('c', w.shared);
      await c.relay.receive(messages[0]!);
      // The second message is lost.
      await c.relay.receive(messages[2]!);
      assert.equal(c.relay.stats.gaps, 1);
      assert.ok(c.relay.stats.replayedEvents > 0);
      assert.equal(fingerprint(c.graphs), fingerprint(a.graphs));
      assert.deepEqual(c.graphs.get(TENANT).stats(), a.graphs.get(TENANT).stats());
      // The lost batch's new links were announced to the live bus by the repair.
      const lostLinks = messages[1]!.changes.filter((ch) => ch.type === 'link').map((ch) => ch.customerId);
      const heardLinks = new Set(c.heard.filter((ch) => ch.type === 'link').map((ch) => ch.customerId));
      assert.ok(lostLinks.length > 0);
      for (const id of lostLinks) assert.ok(heardLinks.has(id), `link of ${id} announced`);
    } finally {
      await w.close();
    }
  });

  it('a review applied on one replica recolours the customer in the other graph and reaches its bus', async () => {
    const w = await world();
    try {
      const a = await replica('a', w.shared);
      const b = await replica('b', w.shared);
      await a.ingest.ingest(TENANT, lines(10));
      const customerId = lines(10)[0]!.value.customerId;
      await a.ingest.applyReview(TENANT, {
        customerId,
        action: 'PREVENT',
        label: 'FRAUDSTER',
        status: 'decided',
        version: 2,
        reviewId: 'r1',
        by: 'lead@bank.test',
      });
      await a.relay.flushed();
      await settle(() => b.heard.some((c) => c.type === 'review'), 'the review on b');
      const node = b.graphs
        .get(TENANT)
        .network(customerId, { depth: 0 })
        ?.nodes.find((n) => n.id === `c:${customerId}`);
      assert.equal(node?.label, 'FRAUDSTER');
    } finally {
      await w.close();
    }
  });
});
