// The dashboard's customer reads over events ingested through the real path: search (enriched from
// the profile store), profile, timeline paging, network and path between customers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RedoubtEvent } from '@redoubt/contracts';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';
import { linkedCustomers } from '../views/customer.ts';

const T = '/api/tenants/acme-shop';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
let n = 0;
const base = (customerId: string, minute: number) => ({ eventId: `e${n++}`, customerId, timestamp: at(minute) });

// Ann and Bob share a device; Bob and Cat share a card; Dan is alone. Cat is a labelled fraudster.
const events: RedoubtEvent[] = [
  { ...base('ann', 0), type: 'customer', customer: { name: 'Ann Archer', email: 'ann@example.com', country: 'GB' } },
  { ...base('bob', 1), type: 'customer', customer: { name: 'Bob Baker', email: 'bob@example.com', country: 'GB' } },
  { ...base('cat', 2), type: 'customer', customer: { name: 'Cat Cole', email: 'cat@example.com', country: 'FR' } },
  { ...base('dan', 3), type: 'customer', customer: { name: 'Dan Dale', email: 'dan@example.com', country: 'GB' } },
  { ...base('ann', 4), type: 'device', device: { deviceId: 'dev-shared', ipAddress: '81.2.69.160' } },
  { ...base('bob', 5), type: 'device', device: { deviceId: 'dev-shared' } },
  { ...base('bob', 6), type: 'paymentMethod', paymentMethod: { instrumentId: 'tok_mule', methodType: 'card' } },
  { ...base('cat', 7), type: 'paymentMethod', paymentMethod: { instrumentId: 'tok_mule', methodType: 'card' } },
  {
    ...base('cat', 8),
    type: 'score',
    score: { score: 95, action: 'PREVENT', source: 'model', rules: [{ name: 'shared_card' }] },
  },
  { ...base('cat', 9), type: 'label', label: { label: 'FRAUDSTER', reviewer: 'lead@merchant.test' } },
  { ...base('ann', 10), type: 'score', score: { score: 20, action: 'ALLOW', source: 'model' } },
  { ...base('ann', 30), type: 'score', score: { score: 55, action: 'REVIEW', source: 'model' } },
  ...Array.from({ length: 12 }, (_, i): RedoubtEvent => ({
    ...base('ann', 11 + i),
    type: 'order',
    order: { orderId: `ord-ann-${i}`, price: 1000 + i, currency: 'GBP' },
  })),
];

describe('customer routes', () => {
  let t: IngestApp;
  let headers: Record<string, string>;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers });

  before(async () => {
    t = await ingestApp();
    await t.ingest('acme-shop', events);
    headers = await t.analyst('acme-shop');
  });
  after(() => t.close());

  it('searches by name and identifier, enriched from the profile store, with facets', async () => {
    const byDevice = await get(`${T}/customers/search?q=dev-shared&sort=name`);
    assert.equal(byDevice.statusCode, 200, byDevice.body);
    const body = byDevice.json();
    assert.deepEqual(
      body.hits.map((h: { id: string }) => h.id),
      ['ann', 'bob'],
    );
    assert.equal(body.partial, false);
    assert.equal(body.hits[0].score, 55);
    assert.equal(body.hits[0].action, 'REVIEW');
    assert.equal(body.hits[0].lastSeen, at(30));

    const byName = (await get(`${T}/customers/search?q=cat%20co`)).json();
    assert.deepEqual(
      byName.hits.map((h: { id: string; label?: string }) => [h.id, h.label]),
      [['cat', 'FRAUDSTER']],
    );
    const filtered = (await get(`${T}/customers/search?country=GB&action=REVIEW&action=ALLOW`)).json();
    assert.deepEqual(
      filtered.hits.map((h: { id: string }) => h.id),
      ['ann'],
    );
    const all = (await get(`${T}/customers/search?size=2`)).json();
    assert.equal(all.total, 4);
    assert.ok(all.next);
    assert.deepEqual(all.facets.country, [
      { value: 'GB', count: 3 },
      { value: 'FR', count: 1 },
    ]);
    const next = (await get(`${T}/customers/search?size=2&after=${all.next}`)).json();
    assert.equal(next.hits.length, 2);
    assert.equal(next.next, undefined);
  });

  it('suggests identifiers as typed, with the kind that matched, riskiest first', async () => {
    const suggest = async (query: string) => {
      const response = await get(`${T}/customers/suggest?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return response
        .json()
        .suggestions.map(
          (s: { customerId: string; kind: string; value: string }) => `${s.customerId} ${s.kind} ${s.value}`,
        );
    };
    assert.deepEqual(await suggest('prefix=dev-sh'), ['ann device dev-shared', 'bob device dev-shared']);
    assert.deepEqual(await suggest('prefix=TOK_M'), ['cat card tok_mule', 'bob card tok_mule']);
    assert.deepEqual(await suggest('prefix=tok_m&limit=1'), ['cat card tok_mule']);
    assert.deepEqual(await suggest('prefix=81.2.'), ['ann ip 81.2.69.160']);
    assert.deepEqual(await suggest('prefix=ord-ann-1'), ['ann order ord-ann-11']);
    assert.deepEqual(await suggest('prefix=cat%40'), ['cat email cat@example.com']);
    assert.deepEqual(await suggest('prefix=zz'), []);
    const [first] = (await get(`${T}/customers/suggest?prefix=tok_m`)).json().suggestions;
    assert.deepEqual(first, {
      kind: 'card',
      value: 'tok_mule',
      customerId: 'cat',
      name: 'Cat Cole',
      score: 95,
      action: 'PREVENT',
    });
    for (const [query, field] of [
      ['prefix=d', '/querystring/prefix'],
      ['', '/querystring/prefix'],
      ['prefix=dev&limit=500', '/querystring/limit'],
      ['prefix=dev&size=5', '/querystring/size'],
    ]) {
      const bad = await get(`${T}/customers/suggest?${query}`);
      assert.equal(bad.statusCode, 400, query);
      assert.equal(bad.json().details[0].field, field, query);
    }
  });

  it('enriches hits with orders and spend from the profile store, and counts review states and score bands', async () => {
    const body = (await get(`${T}/customers/search?q=ann%20arch`)).json();
    assert.equal(body.hits[0].orders, 12);
    // 12 orders of 1000..1011 pence.
    assert.deepEqual(body.hits[0].spend, [{ currency: 'GBP', minor: 12 * 1000 + 66 }]);
    const cat = (await get(`${T}/customers/search?q=cat%20co`)).json();
    assert.equal(cat.hits[0].orders, 0);
    assert.equal(cat.hits[0].spend, undefined);
    const all = (await get(`${T}/customers/search?size=1`)).json();
    // Ann's REVIEW score queued her (open); nobody else was ever queued.
    assert.deepEqual(all.facets.state, [
      { value: 'none', count: 3 },
      { value: 'open', count: 1 },
    ]);
    assert.deepEqual(all.facets.band, [
      { value: 'high', count: 1 },
      { value: 'medium', count: 1 },
    ]);
  });

  it("counts each hit's linked customers from the graph, bounded by the node budget", async () => {
    const body = (await get(`${T}/customers/search?sort=name`)).json();
    assert.deepEqual(
      body.hits.map((h: { id: string; linkedCustomers?: number }) => [h.id, h.linkedCustomers]),
      [
        ['ann', 1],
        ['bob', 2],
        ['cat', 1],
        ['dan', 0],
      ],
    );
    assert.ok(body.hits.every((h: { linkedCustomersTruncated?: boolean }) => h.linkedCustomersTruncated === undefined));
    const graph = t.app.graphs.get('acme-shop');
    // Shared infrastructure is left out: without the card, Bob shares only the device with Ann.
    assert.deepEqual(linkedCustomers(graph, 'bob', { excludeValues: ['card:tok_mule'] }), {
      customers: 1,
      truncated: false,
    });
    // Bob and his two identifiers fill a budget of 3: nobody counted, and it says so.
    assert.deepEqual(linkedCustomers(graph, 'bob', {}, 3), { customers: 0, truncated: true });
    assert.equal(linkedCustomers(graph, 'nobody', {}), undefined);
  });

  it('refuses bad search input with 400 naming the field', async () => {
    const bad = await get(`${T}/customers/search?scoreMin=500`);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().details[0].field, '/querystring/scoreMin');
    const cursor = await get(`${T}/customers/search?after=bogus`);
    assert.equal(cursor.statusCode, 400);
    assert.equal(cursor.json().details[0].field, '/query/after');
  });

  it('returns the profile with identifiers, score history and counters', async () => {
    const response = await get(`${T}/customers/ann`);
    assert.equal(response.statusCode, 200, response.body);
    const profile = response.json();
    assert.equal(profile.name, 'Ann Archer');
    assert.equal(profile.email, 'ann@example.com');
    assert.deepEqual(profile.identifiers.device, ['dev-shared']);
    assert.deepEqual(profile.identifiers.ip, ['81.2.69.160']);
    assert.deepEqual(
      profile.scores.map((s: { score: number }) => s.score),
      [55, 20],
    );
    assert.equal(profile.counters.orders, 12);
    assert.equal(profile.createdAt, at(0));
    assert.equal((await get(`${T}/customers/nobody`)).statusCode, 404);
  });

  it('pages the timeline newest first', async () => {
    const first = (await get(`${T}/customers/ann/timeline?limit=5`)).json();
    assert.equal(first.events.length, 5);
    assert.equal(first.events[0].at, at(30));
    assert.match(first.events[0].summary, /Scored 55 → REVIEW/);
    assert.equal(first.events[1].type, 'order');
    assert.match(first.events[1].summary, /Order ord-ann-11 10\.11 GBP/);
    const seen = [...first.events];
    let cursor = first.next;
    while (cursor) {
      const page = (await get(`${T}/customers/ann/timeline?limit=5&before=${cursor}`)).json();
      seen.push(...page.events);
      cursor = page.next;
    }
    assert.equal(seen.length, 16);
    assert.equal(seen.at(-1).type, 'customer');
    assert.equal((await get(`${T}/customers/nobody/timeline`)).statusCode, 404);
  });

  it("shows the customer's network, filtered by kind, and the component's fraud share", async () => {
    const response = await get(`${T}/customers/ann/network?depth=4`);
    assert.equal(response.statusCode, 200, response.body);
    const network = response.json();
    const ids = network.nodes.map((n: { id: string }) => n.id).sort();
    assert.deepEqual(ids, [
      'c:ann',
      'c:bob',
      'c:cat',
      'card:tok_mule',
      'device:dev-shared',
      'email:ann@example.com',
      'email:bob@example.com',
      'ip:81.2.69.160',
    ]);
    const cat = network.nodes.find((n: { id: string }) => n.id === 'c:cat');
    assert.equal(cat.label, 'FRAUDSTER');
    assert.equal(cat.depth, 4);
    assert.deepEqual(network.component, { customers: 3, identifiers: 6, fraudsters: 1, share: 1 / 3 });
    const edge = network.edges.find(
      (e: { source: string; target: string }) => e.target === 'device:dev-shared' && e.source === 'c:bob',
    );
    assert.equal(edge.firstSeen, at(5));

    const devicesOnly = (await get(`${T}/customers/ann/network?depth=4&kinds=device`)).json();
    assert.deepEqual(devicesOnly.nodes.map((n: { id: string }) => n.id).sort(), [
      'c:ann',
      'c:bob',
      'device:dev-shared',
    ]);
    const capped = (await get(`${T}/customers/ann/network?depth=4&maxNodes=2`)).json();
    assert.equal(capped.nodes.length, 2);
    assert.equal(capped.truncated, true);
    assert.equal((await get(`${T}/customers/nobody/network`)).statusCode, 404);
  });

  it('finds the shortest chain between two customers, or says there is none', async () => {
    const response = await get(`${T}/customers/ann/path/cat`);
    assert.equal(response.statusCode, 200, response.body);
    const path = response.json();
    assert.deepEqual(
      path.nodes.map((n: { id: string }) => n.id),
      ['c:ann', 'device:dev-shared', 'c:bob', 'card:tok_mule', 'c:cat'],
    );
    assert.equal(path.hops, 4);
    const none = await get(`${T}/customers/ann/path/dan`);
    assert.equal(none.statusCode, 404);
    assert.match(none.json().message, /No chain/);
  });

  it('finds the shortest chain to the nearest fraudster, or says there is none', async () => {
    const response = await get(`${T}/customers/ann/path-to-fraud`);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(
      response.json().nodes.map((n: { id: string }) => n.id),
      ['c:ann', 'device:dev-shared', 'c:bob', 'card:tok_mule', 'c:cat'],
    );
    const short = await get(`${T}/customers/ann/path-to-fraud?maxDepth=2`);
    assert.equal(short.statusCode, 404);
    assert.match(short.json().message, /No FRAUDSTER within 2 hops of "ann"/);
    assert.equal((await get(`${T}/customers/dan/path-to-fraud`)).statusCode, 404);
    assert.equal((await get(`${T}/customers/nobody/path-to-fraud`)).json().error, 'Not Found');
  });

  it('keeps tenants apart', async () => {
    const other = await t.analyst('globex-travel');
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/tenants/globex-travel/customers/ann',
      headers: other,
    });
    assert.equal(response.statusCode, 404);
    const search = await t.app.inject({
      method: 'GET',
      url: '/api/tenants/globex-travel/customers/search?q=ann',
      headers: other,
    });
    assert.equal(search.json().total, 0);
  });
});
