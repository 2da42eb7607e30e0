// POST /api/tenants/:tenant/events on real embedded stores: bad events get errors naming the line,
// the field and the reason; good ones are stored, indexed and linked; resends store nothing twice;
// a refused request leaves nothing behind.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import type { RedoubtEvent } from '@redoubt/contracts';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';
import { serveMetrics } from '../plugins/metrics.ts';

const URL = '/api/tenants/acme-shop/events';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();

const customer = (id: string, name: string, email: string, minute = 0): RedoubtEvent => ({
  eventId: `${id}-customer`,
  type: 'customer',
  customerId: id,
  timestamp: at(minute),
  customer: { name, email, country: 'GB' },
});
const card = (id: string, instrumentId: string, minute = 1): RedoubtEvent => ({
  eventId: `${id}-card-${instrumentId}`,
  type: 'paymentMethod',
  customerId: id,
  timestamp: at(minute),
  paymentMethod: { instrumentId, methodType: 'card', cardLastFour: '4242' },
});
const score = (id: string, value: number, action: 'ALLOW' | 'REVIEW' | 'PREVENT', minute = 2): RedoubtEvent => ({
  eventId: `${id}-score-${minute}`,
  type: 'score',
  customerId: id,
  timestamp: at(minute),
  score: { score: value, action, source: 'model' },
});
const ndjson = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');

describe('POST /api/tenants/:tenant/events', () => {
  let t: IngestApp;
  let raw: DatabaseSync;
  const rows = (sql: string, ...params: string[]) => raw.prepare(sql).all(...params) as Record<string, unknown>[];

  before(async () => {
    t = await ingestApp();
    raw = new DatabaseSync(join(t.dir, 'profiles.db'), { readOnly: true });
  });
  after(async () => {
    raw.close();
    await t.close();
  });

  async function post(body: string | object, contentType = 'application/x-ndjson', url = URL) {
    return t.app.inject({
      method: 'POST',
      url,
      headers: { ...(await t.service()), 'content-type': contentType },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  it('stores one JSON event, and the profile, search, and graph all show it', async () => {
    const response = await post(customer('c-ann', 'Ann Archer', 'ann@example.com'), 'application/json');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { accepted: 1, duplicates: 0, rejected: 0, errors: [] });
    assert.equal(rows("SELECT event_id FROM events WHERE tenant = 'acme-shop' AND customer_id = 'c-ann'").length, 1);
    const profile = (await t.services.profiles.getCustomers('acme-shop', ['c-ann'])).get('c-ann');
    assert.equal(profile?.name, 'Ann Archer');
    const found = await t.services.searchIndex.search('acme-shop', { q: 'ann@example.com', size: 5 });
    assert.deepEqual(
      found.hits.map((h) => h.doc.id),
      ['c-ann'],
    );
    assert.ok(
      t.services.graphs
        .get('acme-shop')
        .network('c-ann', { depth: 1 })
        ?.nodes.some((n) => n.id === 'email:ann@example.com'),
    );
  });

  it('stores the good lines of a batch and names the line, field and reason of each bad one', async () => {
    const body = ndjson([
      customer('c-bob', 'Bob Baker', 'bob@example.com'),
      { ...card('c-bob', 'tok_bob'), type: 'wire' },
      '{"eventId": "broken",',
      { eventId: 'no-customer', type: 'order', timestamp: at(3), order: { orderId: 'o1', price: 10, currency: 'GBP' } },
      { ...card('c-bob', '4111 1111 1111 1111'), eventId: 'bob-pan' },
      { ...score('c-bob', 150, 'PREVENT'), eventId: 'bad-score' },
      '',
      { ...customer('c-bob', 'Bob', 'bob@example.com'), eventId: 'bad-name', customer: { name: 42 } },
      card('c-bob', 'tok_bob_visa'),
    ]);
    const response = await post(body);
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json();
    assert.equal(report.accepted, 2);
    assert.equal(report.rejected, 6);
    const byLine = Object.fromEntries(report.errors.map((e: { line: number }) => [e.line, e]));
    assert.equal(byLine[2].field, '/type');
    assert.match(byLine[2].reason, /must be one of customer, order/);
    assert.equal(byLine[3].field, '');
    assert.match(byLine[3].reason, /not valid JSON/);
    assert.equal(byLine[4].field, '/customerId');
    assert.equal(byLine[4].eventId, 'no-customer');
    assert.equal(byLine[5].field, '/paymentMethod/instrumentId');
    assert.match(byLine[5].reason, /card number/);
    assert.equal(byLine[6].field, '/score/score');
    assert.equal(byLine[8].field, '/customer/name');
    assert.match(byLine[8].reason, /Expected string/);
    assert.equal(byLine[8].eventId, 'bad-name');
    assert.deepEqual(
      rows("SELECT event_id FROM events WHERE customer_id = 'c-bob' ORDER BY event_id").map((r) => r.event_id),
      ['c-bob-card-tok_bob_visa', 'c-bob-customer'],
    );
    // The card number is nowhere in the store.
    assert.equal(rows("SELECT 1 FROM events WHERE body LIKE '%4111%'").length, 0);
  });

  it('is idempotent by event id: a resent batch stores nothing twice', async () => {
    const batch = ndjson([
      customer('c-cat', 'Cat Cole', 'cat@example.com'),
      card('c-cat', 'tok_cat'),
      score('c-cat', 40, 'ALLOW'),
    ]);
    const first = (await post(batch)).json();
    const again = await post(batch);
    assert.deepEqual(first, { accepted: 3, duplicates: 0, rejected: 0, errors: [] });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), { accepted: 0, duplicates: 3, rejected: 0, errors: [] });
    // A repeated id inside one batch counts once too.
    const inside = (await post(ndjson([score('c-cat', 60, 'REVIEW', 9), score('c-cat', 60, 'REVIEW', 9)]))).json();
    assert.deepEqual(inside, { accepted: 1, duplicates: 1, rejected: 0, errors: [] });
    assert.equal(rows("SELECT 1 FROM events WHERE customer_id = 'c-cat'").length, 4);
    const profile = (await t.services.profiles.getCustomers('acme-shop', ['c-cat'])).get('c-cat')!;
    assert.equal(profile.counters.events, 4);
    assert.equal(profile.scores.length, 2);
    assert.equal(profile.score, 60);
    const edge = t.services.graphs
      .get('acme-shop')
      .network('c-cat', { depth: 1 })!
      .edges.find((e) => e.target === 'card:tok_cat');
    assert.equal(edge?.count, 1, 'the resend did not link the card twice');
  });

  it('answers 400 with every error when no line is good, and stores nothing', async () => {
    const before = rows('SELECT count(*) AS n FROM events')[0].n;
    const response = await post(
      ndjson([{ type: 'customer' }, { ...card('c-dan', '5555555555554444'), eventId: 'dan-pan' }]),
    );
    assert.equal(response.statusCode, 400);
    const body = response.json();
    assert.equal(body.error, 'Bad Request');
    assert.equal(body.accepted, 0);
    assert.equal(body.rejected, 2);
    assert.ok(body.errors.some((e: { line: number; field: string }) => e.line === 1 && e.field === '/eventId'));
    assert.ok(body.details.some((d: { field: string; reason: string }) => d.field === '/paymentMethod/instrumentId'));
    assert.equal(rows('SELECT count(*) AS n FROM events')[0].n, before);
  });

  it('refuses a tenant PostgreSQL does not know, even for a principal granted it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/tenants/ghost-shop/events',
      headers: { ...(await t.service(['ghost-shop'])), 'content-type': 'application/json' },
      payload: JSON.stringify(customer('c-ghost', 'Ghost', 'g@example.com')),
    });
    assert.equal(response.statusCode, 404, response.body);
    assert.match(response.json().message, /No tenant "ghost-shop"/);
    assert.equal(rows("SELECT 1 FROM events WHERE tenant = 'ghost-shop'").length, 0);
  });

  it('refuses a 10 MB body with 413 and a batch over 10,000 lines, storing nothing', async () => {
    const before = rows('SELECT count(*) AS n FROM events')[0].n;
    const line = JSON.stringify(customer('c-big', 'B'.repeat(150), 'big@example.com'));
    const huge = Array.from({ length: Math.ceil((10 * 1024 * 1024) / line.length) }, () => line).join('\n');
    const tooBig = await post(huge);
    assert.equal(tooBig.statusCode, 413);
    const many = Array.from({ length: 10_001 }, (_, i) =>
      JSON.stringify({ ...card('c-many', `tok_${i}`), eventId: `m-${i}` }),
    );
    const tooMany = await post(many.join('\n'));
    assert.equal(tooMany.statusCode, 413);
    assert.match(tooMany.json().message, /at most 10000/);
    assert.equal(rows('SELECT count(*) AS n FROM events')[0].n, before);
  });

  it('refuses analysts (service principals only) and other media types', async () => {
    const asAnalyst = await t.app.inject({
      method: 'POST',
      url: URL,
      headers: { ...(await t.analyst()), 'content-type': 'application/json' },
      payload: JSON.stringify(customer('c-eve', 'Eve', 'eve@example.com')),
    });
    assert.equal(asAnalyst.statusCode, 403);
    const xml = await post('<event/>', 'application/xml');
    assert.equal(xml.statusCode, 415);
  });

  it("exposes graph size and ingested events as metrics (on the operators' listener)", async () => {
    const listener = await serveMetrics(t.app.metrics.registry, { host: '127.0.0.1', port: 0 });
    const body = await (await fetch(listener.url)).text();
    await listener.close();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(body)?.[1]);
    assert.equal(value('redoubt_graph_links'), t.services.graphs.totals().links);
    assert.ok(value('redoubt_graph_links') > 0);
    assert.equal(value('redoubt_ingested_events'), t.services.ingest.storedEvents);
  });

  it('publishes links and scores on the live bus', async () => {
    const seen: string[] = [];
    const stop = t.services.live.subscribe('acme-shop', (change) => seen.push(`${change.type}:${change.customerId}`));
    await post(ndjson([card('c-fay', 'tok_fay'), score('c-fay', 91, 'PREVENT')]));
    // The same card again, on a new event: not a new link, so nothing on the bus.
    await post(ndjson([{ ...card('c-fay', 'tok_fay', 5), eventId: 'fay-card-again' }]));
    stop();
    assert.deepEqual(seen, ['link:c-fay', 'score:c-fay']);
  });
});
