// Nothing half-written: when a store fails in the middle of a batch, nothing of the batch is stored
// as done, and resending it stores everything once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '@redoubt/synthetic';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../adapters/search-index/sqlite-search-index.ts';
import type { ProfileStore } from '../ports/profile-store.ts';
import type { SearchIndex } from '../ports/search-index.ts';
import { GraphRegistry } from './graphs.ts';
import { LiveBus } from './live-bus.ts';
import type { LiveChange } from './live-bus.ts';
import { Ingest } from './ingest.ts';

const batch = [...generateEvents({ seed: 9, tenant: 'acme-shop', customers: 20 })].map((value, i) => ({
  line: i + 1,
  value,
}));
const customerIds = [...new Set(batch.map((l) => l.value.customerId))];

/** Real stores in memory, with a switch that makes one of them fail. */
function setup() {
  const profiles = new SqliteProfileStore(':memory:');
  const search = new SqliteSearchIndex(':memory:');
  const fail = { search: false, profiles: false };
  const flakySearch: SearchIndex = {
    upsert: (tenant, docs) => (fail.search ? Promise.reject(new Error('index down')) : search.upsert(tenant, docs)),
    search: (tenant, query) => search.search(tenant, query),
    suggest: (tenant, prefix, limit) => search.suggest(tenant, prefix, limit),
    refresh: () => search.refresh(),
    count: (tenant) => search.count(tenant),
    ping: () => search.ping(),
    close: () => search.close(),
  };
  const flakyProfiles: ProfileStore = {
    existingEvents: (tenant, ids) => profiles.existingEvents(tenant, ids),
    getCustomers: (tenant, ids) => profiles.getCustomers(tenant, ids),
    write: (tenant, events, customers) =>
      fail.profiles ? Promise.reject(new Error('store down')) : profiles.write(tenant, events, customers),
    timeline: (tenant, id, options) => profiles.timeline(tenant, id, options),
    mark: () => profiles.mark(),
    replay: (since, onBatch) => profiles.replay(since, onBatch),
    rollups: (tenant, from, to) => profiles.rollups(tenant, from, to),
    rollupFigures: (tenant, from, to) => profiles.rollupFigures(tenant, from, to),
    rollupTotals: (tenant, from, to, options) => profiles.rollupTotals(tenant, from, to, options),
    countCustomers: (tenant) => profiles.countCustomers(tenant),
    ping: () => profiles.ping(),
    close: () => profiles.close(),
  };
  const graphs = new GraphRegistry({ dir: undefined, profiles });
  const live = new LiveBus();
  // What a live stream would have been sent (docs/live.md: only what is stored is published).
  const published: LiveChange[] = [];
  live.subscribe('acme-shop', (change) => published.push(change));
  const ingest = new Ingest({ profiles: flakyProfiles, search: flakySearch, graphs, live });
  return { profiles, search, graphs, ingest, fail, published };
}

describe('Ingest when a store fails', () => {
  it('stores nothing when the index fails, and everything on the resend', async () => {
    const { profiles, search, graphs, ingest, fail, published } = setup();
    fail.search = true;
    await assert.rejects(ingest.ingest('acme-shop', batch), /index down/);
    assert.equal((await profiles.getCustomers('acme-shop', customerIds)).size, 0);
    assert.equal((await profiles.existingEvents('acme-shop', [batch[0].value.eventId])).size, 0);
    assert.equal(graphs.get('acme-shop').stats().links, 0);
    assert.equal(published.length, 0);

    fail.search = false;
    const report = await ingest.ingest('acme-shop', batch);
    assert.equal(report.accepted, batch.length);
    assert.equal((await profiles.getCustomers('acme-shop', customerIds)).size, customerIds.length);
    assert.equal(await search.count('acme-shop'), customerIds.length);
  });

  it('leaves no events or rows when the profile write fails, and the resend completes the index', async () => {
    const { profiles, search, graphs, ingest, fail, published } = setup();
    fail.profiles = true;
    await assert.rejects(ingest.ingest('acme-shop', batch), /store down/);
    assert.equal((await profiles.getCustomers('acme-shop', customerIds)).size, 0);
    assert.equal(graphs.get('acme-shop').stats().links, 0);
    // No stream was told of a link the failed write left out.
    assert.equal(published.length, 0);

    fail.profiles = false;
    const report = await ingest.ingest('acme-shop', batch);
    assert.equal(report.accepted, batch.length);
    // The resend stores the batch, and its links are published once.
    const links = published.filter((c) => c.type === 'link');
    assert.equal(links.length, graphs.get('acme-shop').stats().links);
    const rows = await profiles.getCustomers('acme-shop', customerIds);
    assert.equal(rows.size, customerIds.length);
    const first = rows.get(customerIds[0])!;
    const found = await search.search('acme-shop', { q: first.email!, size: 5 });
    assert.deepEqual(
      found.hits.map((h) => h.doc.id),
      [first.id],
    );
    // Counters were applied once, not once per attempt.
    const events = batch.filter((l) => l.value.customerId === first.id).length;
    assert.equal(first.counters.events, events);
  });
});
