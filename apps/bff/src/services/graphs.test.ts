// A restart loses nothing: the graph comes back from its snapshot plus the events written after it,
// and a graph without a snapshot is rebuilt from the ProfileStore alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEvents } from '@redoubt/synthetic';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../adapters/search-index/sqlite-search-index.ts';
import { GraphRegistry } from './graphs.ts';
import { LiveBus } from './live-bus.ts';
import { Ingest } from './ingest.ts';

async function world(dir: string) {
  const profiles = new SqliteProfileStore(join(dir, 'profiles.db'));
  const search = new SqliteSearchIndex(join(dir, 'search.db'));
  const graphs = new GraphRegistry({ dir: join(dir, 'graph'), profiles });
  const ingest = new Ingest({ profiles, search, graphs, live: new LiveBus() });
  const close = async () => {
    await search.close();
    await profiles.close();
  };
  return { profiles, graphs, ingest, close };
}

const lines = (tenant: string, customers: number, from = 0) =>
  [...generateEvents({ seed: 3, tenant, customers, from })].map((value, i) => ({ line: i + 1, value }));

/** Every customer's network as sorted node ids, for whole-graph comparisons. */
function fingerprint(graphs: GraphRegistry, tenant: string, customers: string[]): string[] {
  const graph = graphs.get(tenant);
  return customers.map((id) => {
    const network = graph.network(id, { depth: 2 });
    const edges = network?.edges.map((e) => `${e.source}>${e.target}#${e.count}`).sort() ?? [];
    return `${id}:${edges.join(',')}`;
  });
}

describe('GraphRegistry restore', () => {
  it('restores from the snapshot and replays what came after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redoubt-graphs-'));
    try {
      const first = await world(dir);
      await first.ingest.ingest('acme-shop', lines('acme-shop', 200));
      await first.ingest.ingest('globex-travel', lines('globex-travel', 50));
      await first.graphs.snapshot();
      // Written after the snapshot: only the replay can bring these back.
      await first.ingest.ingest('acme-shop', lines('acme-shop', 50, 200));
      const ids = [...new Set(lines('acme-shop', 250).map((l) => l.value.customerId))];
      const expected = fingerprint(first.graphs, 'acme-shop', ids);
      const expectedStats = first.graphs.get('acme-shop').stats();
      await first.close();

      const second = await world(dir);
      const restored = await second.graphs.restore();
      assert.equal(restored.snapshotTenants, 2);
      assert.ok(restored.replayedEvents > 0 && restored.replayedEvents < 1_000, `${restored.replayedEvents} replayed`);
      assert.deepEqual(fingerprint(second.graphs, 'acme-shop', ids), expected);
      assert.equal(second.graphs.get('acme-shop').stats().links, expectedStats.links);
      assert.equal(second.graphs.get('globex-travel').stats().customers, 50);
      await second.close();

      // No snapshot at all (or a broken one): everything is replayed from the ProfileStore.
      await writeFile(
        join(dir, 'graph', 'snapshot.json'),
        JSON.stringify({ mark: 1, tenants: ['ghost'], savedAt: '' }),
      );
      const third = await world(dir);
      const rebuilt = await third.graphs.restore();
      assert.equal(rebuilt.snapshotTenants, 0);
      assert.deepEqual(fingerprint(third.graphs, 'acme-shop', ids), expected);
      await third.graphs.snapshot();
      await third.close();

      // A snapshot file the engine cannot read (corrupt, or an older format) must not stop the
      // server: it is dropped and the graphs rebuilt from the ProfileStore.
      await writeFile(join(dir, 'graph', 'acme-shop.graph'), 'not a graph snapshot');
      const fourth = await world(dir);
      const recovered = await fourth.graphs.restore();
      assert.equal(recovered.snapshotTenants, 0);
      assert.match(recovered.discarded ?? '', /.+/);
      assert.deepEqual(fingerprint(fourth.graphs, 'acme-shop', ids), expected);
      assert.equal(fourth.graphs.get('globex-travel').stats().customers, 50);
      await fourth.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
