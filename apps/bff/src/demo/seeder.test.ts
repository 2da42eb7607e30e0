// The demo seeds the tenants its identity proxy offers users for, and seeds them whole; it never
// writes into a tenant it did not create.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MERCHANTS } from '@redoubt/synthetic';
import { DEMO_TENANTS } from './demo-users.ts';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../adapters/search-index/sqlite-search-index.ts';
import { MemoryUserDirectory } from '../adapters/user-directory/memory-user-directory.ts';
import { GraphRegistry } from '../services/graphs.ts';
import { LiveBus } from '../services/live-bus.ts';
import { Ingest } from '../services/ingest.ts';
import { Demo } from './seeder.ts';
import { demoTenantClaims } from './tenants.ts';
import { provisionDemo } from './provision.ts';

/** The tenants table, in memory: enough for the demo's claims. */
function tenantTable(initial: [string, string][] = []) {
  const tenants = new Map<string, string>(initial);
  return {
    tenants,
    listTenants: async () => [...tenants].map(([id, name]) => ({ id, name })),
    ensureTenant: async (id: string, name: string) => void (tenants.has(id) || tenants.set(id, name)),
  };
}

async function embedded(dir: string) {
  const profiles = new SqliteProfileStore(join(dir, 'profiles.db'));
  const search = new SqliteSearchIndex(join(dir, 'search.db'));
  const ingest = new Ingest({
    profiles,
    search,
    graphs: new GraphRegistry({ dir: undefined, profiles }),
    live: new LiveBus(),
  });
  return { profiles, search, ingest };
}

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
      const { profiles, search, ingest } = await embedded(dir);
      const table = tenantTable();
      const tenants = table.tenants;
      const options = {
        dataDir: dir,
        seedCustomers: 300,
        trickle: false,
        ingest,
        claimTenant: demoTenantClaims(dir, table),
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

  it('never writes into a tenant it did not create: no customers, no demo users granted there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redoubt-demo-'));
    try {
      const { profiles, search, ingest } = await embedded(dir);
      // An operator made acme-shop a real tenant before anyone started the demo on this data.
      const table = tenantTable([['acme-shop', 'Acme (real)']]);
      const claims = demoTenantClaims(dir, table);
      const directory = new MemoryUserDirectory();
      await provisionDemo(claims, directory);
      const demo = new Demo({ dataDir: dir, seedCustomers: 60, trickle: false, ingest, claimTenant: claims });
      demo.start();
      await demo.settled();
      assert.equal(await profiles.countCustomers('acme-shop'), 0, 'nothing seeded into the real tenant');
      assert.ok((await profiles.countCustomers('globex-travel')) > 0, 'the demo tenant is seeded');
      assert.equal(table.tenants.get('acme-shop'), 'Acme (real)');
      const grants = (await directory.list()).flatMap((e) => e.grants.map((g) => g.tenant));
      assert.ok(grants.includes('globex-travel'));
      assert.ok(!grants.includes('acme-shop'), 'no demo user holds a role in the real tenant');
      await search.close();
      await profiles.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
