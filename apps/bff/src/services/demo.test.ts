// The demo seeds the tenants its identity proxy offers users for, and seeds them whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MERCHANTS } from '@redoubt/synthetic';
import { DEMO_TENANTS } from '../demo-proxy/demo-users.ts';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../adapters/search-index/sqlite-search-index.ts';
import { GraphRegistry } from './graphs.ts';
import { LiveBus } from './live-bus.ts';
import { Ingest } from './ingest.ts';
import { Demo } from './demo.ts';

describe('demo seeding', () => {
  it('uses the same tenants as the demo identity proxy', () => {
    assert.deepEqual(
      DEMO_MERCHANTS.map((m) => [m.id, m.name]),
      DEMO_TENANTS.map((t) => [t.id, t.name]),
    );
  });

  it('seeds every customer in the background, reports progress, and skips the seed on restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redoubt-demo-'));
    try {
      const profiles = new SqliteProfileStore(join(dir, 'profiles.db'));
      const search = new SqliteSearchIndex(join(dir, 'search.db'));
      const ingest = new Ingest({
        profiles,
        search,
        graphs: new GraphRegistry({ dir: undefined, profiles }),
        live: new LiveBus(),
      });
      const tenants = new Map<string, string>();
      const options = {
        dataDir: dir,
        seedCustomers: 300,
        trickle: false,
        ingest,
        ensureTenant: async (id: string, name: string) => void tenants.set(id, name),
      };
      const demo = new Demo(options);
      assert.equal(demo.status().state, 'seeding');
      let snapshots = 0;
      demo.start(async () => void snapshots++);
      await demo.settled();
      const status = demo.status();
      assert.equal(status.state, 'ready');
      assert.equal(status.customersLoaded, 300);
      assert.equal(status.progress, 1);
      assert.equal(snapshots, 1);
      assert.deepEqual(
        [...tenants.keys()],
        DEMO_MERCHANTS.map((m) => m.id),
      );
      const counts = await Promise.all(DEMO_MERCHANTS.map((m) => profiles.countCustomers(m.id)));
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        300,
      );
      assert.equal(status.eventsLoaded, ingest.storedEvents);

      const again = new Demo(options);
      again.start(async () => void snapshots++);
      await again.settled();
      assert.equal(again.status().state, 'ready');
      assert.equal(again.status().customersLoaded, 300);
      assert.equal(snapshots, 1, 'no second seed');
      await search.close();
      await profiles.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
