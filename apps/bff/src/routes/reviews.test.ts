// Reviews, the queue and cluster labels through HTTP, on a real PGlite review store and the real
// ingest path (profile store, search index, graph), with signed test identities.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { RedoubtEvent } from '@redoubt/contracts';
import { routeApp } from '../../test/support/route-app.ts';
import type { RouteApp } from '../../test/support/route-app.ts';

const T = '/api/tenants/acme-shop';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
let n = 0;
const base = (customerId: string, minute: number) => ({ eventId: `e${n++}`, customerId, timestamp: at(minute) });

// Ann and Bob share a device; Bob and Cat share a card; Cat is a FRAUDSTER. Ann and Dan are scored REVIEW.
const events: RedoubtEvent[] = [
  { ...base('ann', 0), type: 'customer', customer: { name: 'Ann Archer' } },
  { ...base('bob', 1), type: 'customer', customer: { name: 'Bob Baker' } },
  { ...base('cat', 2), type: 'customer', customer: { name: 'Cat Cole' } },
  { ...base('dan', 3), type: 'customer', customer: { name: 'Dan Dale' } },
  { ...base('ann', 4), type: 'device', device: { deviceId: 'dev-shared' } },
  { ...base('bob', 5), type: 'device', device: { deviceId: 'dev-shared' } },
  { ...base('bob', 6), type: 'paymentMethod', paymentMethod: { instrumentId: 'tok_mule', methodType: 'card' } },
  { ...base('cat', 7), type: 'paymentMethod', paymentMethod: { instrumentId: 'tok_mule', methodType: 'card' } },
  { ...base('cat', 9), type: 'label', label: { label: 'FRAUDSTER' } },
  { ...base('dan', 10), type: 'score', score: { score: 80, action: 'REVIEW', source: 'model' } },
  { ...base('ann', 11), type: 'score', score: { score: 40, action: 'REVIEW', source: 'model' } },
  { ...base('bob', 12), type: 'order', order: { orderId: 'o-1', price: 5000, currency: 'GBP' } },
];

describe('review routes', () => {
  let t: RouteApp;
  let app: FastifyInstance;
  let ann: Record<string, string>;
  let ben: Record<string, string>;
  let lead: Record<string, string>;
  const post = (url: string, headers: Record<string, string>, payload: object = {}) =>
    app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload });
  const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });

  before(async () => {
    t = await routeApp({ prefix: 'redoubt-reviews-', tenants: { 'acme-shop': 'Acme Shop' } });
    app = t.app;
    const report = await app.ingest.ingest(
      'acme-shop',
      events.map((value, i) => ({ line: i + 1, value })),
    );
    assert.equal(report.accepted, events.length);
    ann = await t.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
    ben = await t.headers({ email: 'ben@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
    lead = await t.headers({ email: 'lea@redoubt.test', role: 'lead', tenant: 'acme-shop' });
  });
  after(() => t?.close());

  it('queues customers whose score says REVIEW, with why, SLA and network risk in words', async () => {
    const byAge = await get(`${T}/queue`, ann);
    assert.equal(byAge.statusCode, 200, byAge.body);
    const body = byAge.json();
    assert.deepEqual(body.items.map((i: { customerId: string }) => i.customerId).sort(), ['ann', 'dan']);
    const annItem = body.items.find((i: { customerId: string }) => i.customerId === 'ann');
    assert.equal(annItem.why, 'score 40 says REVIEW');
    assert.equal(annItem.sla, 'ok');
    assert.equal(annItem.risk.hops, 4);
    assert.equal(
      annItem.risk.reason.startsWith('4 hops from a FRAUDSTER (cat) through device dev-shared'),
      true,
      annItem.risk.reason,
    );
    const byRisk = (await get(`${T}/queue?sort=risk`, ann)).json();
    assert.deepEqual(
      byRisk.items.map((i: { customerId: string }) => i.customerId),
      ['ann', 'dan'],
    );
    const byScore = (await get(`${T}/queue?sort=score`, ann)).json();
    assert.deepEqual(
      byScore.items.map((i: { customerId: string }) => i.customerId),
      ['dan', 'ann'],
    );
    const bad = await get(`${T}/queue?sort=oldest`, ann);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().details[0].field, /\/querystring\/sort/);
  });

  it('next claims the riskiest customer for one analyst; the other cannot claim it', async () => {
    const next = await post(`${T}/queue/next`, ann, { sort: 'risk' });
    assert.equal(next.statusCode, 200, next.body);
    assert.equal(next.json().item.customerId, 'ann');
    assert.equal(next.json().item.assignee.email, 'ann@redoubt.test');
    const taken = await post(`${T}/queue/ann/claim`, ben);
    assert.equal(taken.statusCode, 409);
    const reassign = await post(`${T}/queue/ann/reassign`, ann, { to: 'ben@redoubt.test', reason: 'x' });
    assert.equal(reassign.statusCode, 403);
  });

  it('a review needs If-Match (428) and an Idempotency-Key (400); a stale version is a 412 with what changed', async () => {
    const history = await get(`${T}/customers/ann/reviews`, ann);
    assert.equal(history.statusCode, 200, history.body);
    const etag = history.headers['etag'] as string;
    assert.equal(history.json().state.status, 'claimed');
    assert.ok(history.json().settings.reasons.length > 0);

    const missing = await post(
      `${T}/customers/ann/reviews`,
      { ...ann, 'idempotency-key': 'k0' },
      { label: 'FRAUDSTER' },
    );
    assert.equal(missing.statusCode, 428);
    const noKey = await post(`${T}/customers/ann/reviews`, { ...ann, 'if-match': etag }, { label: 'FRAUDSTER' });
    assert.equal(noKey.statusCode, 400);
    assert.equal(noKey.json().details[0].field, '/headers/idempotency-key');
    const unknown = await post(
      `${T}/customers/nobody/reviews`,
      { ...ann, 'if-match': '"0"', 'idempotency-key': 'k9' },
      { label: 'FRAUDSTER' },
    );
    assert.equal(unknown.statusCode, 404);
    const badLabel = await post(
      `${T}/customers/ann/reviews`,
      { ...ann, 'if-match': etag, 'idempotency-key': 'k1' },
      { label: 'EVIL' },
    );
    assert.equal(badLabel.statusCode, 400);

    const ok = await post(
      `${T}/customers/ann/reviews`,
      { ...ann, 'if-match': etag, 'idempotency-key': 'k2' },
      { action: 'PREVENT', label: 'FRAUDSTER', reason: 'linked-to-fraud' },
    );
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.headers['etag'], `"${ok.json().state.version}"`);
    const replay = await post(
      `${T}/customers/ann/reviews`,
      { ...ann, 'if-match': etag, 'idempotency-key': 'k2' },
      { action: 'PREVENT', label: 'FRAUDSTER', reason: 'linked-to-fraud' },
    );
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json().review.id, ok.json().review.id);

    const stale = await post(
      `${T}/customers/ann/reviews`,
      { ...ben, 'if-match': etag, 'idempotency-key': 'k3' },
      { label: 'GENUINE' },
    );
    assert.equal(stale.statusCode, 412, stale.body);
    assert.equal(stale.json().current.state.label, 'FRAUDSTER');
    assert.equal(stale.json().current.state.updatedBy.email, 'ann@redoubt.test');
    assert.equal(stale.json().current.lastReview.reviewer.email, 'ann@redoubt.test');
  });

  it('after commit the follower updates the search document, the graph labels and the queue', async () => {
    await app.reviewFollower.kick();
    const search = (await get(`${T}/customers/search?q=ann%20archer`, ann)).json();
    assert.equal(search.hits[0].label, 'FRAUDSTER');
    assert.equal(search.hits[0].action, 'PREVENT');
    // The search `state` filter: ingest marked the queued customers open, the follower the decision.
    const byState = async (state: string) =>
      (await get(`${T}/customers/search?state=${state}&sort=name`, ann)).json().hits.map((h: { id: string }) => h.id);
    assert.deepEqual(await byState('decided'), ['ann']);
    assert.deepEqual(await byState('open'), ['dan']);
    assert.deepEqual(await byState('none'), ['bob', 'cat']);
    const network = (await get(`${T}/customers/dan/network`, ann)).json();
    assert.ok(network);
    const risk = (await get(`${T}/queue`, ann)).json();
    assert.deepEqual(
      risk.items.map((i: { customerId: string }) => i.customerId),
      ['dan'],
    );
    assert.equal(app.graphs.get('acme-shop').path('bob', { nearestLabel: 'FRAUDSTER' })?.hops, 2);
  });

  it('labels a cluster with a preview, applies it as one batch and reverts it', async () => {
    const selection = { customerIds: ['bob', 'dan', 'cat'], label: 'FRAUDSTER' };
    const preview = await post(`${T}/clusters/preview`, lead, selection);
    assert.equal(preview.statusCode, 200, preview.body);
    const p = preview.json();
    assert.deepEqual(p.changes.map((c: { customerId: string }) => c.customerId).sort(), ['bob', 'dan']);
    assert.deepEqual(p.unchanged, ['cat']);
    assert.equal(p.orderValue.GBP, 5000);
    const applied = await post(`${T}/clusters`, { ...lead, 'idempotency-key': 'batch-1' }, selection);
    assert.equal(applied.statusCode, 201, applied.body);
    assert.deepEqual(applied.json().applied, ['bob', 'dan']);
    const retry = await post(`${T}/clusters`, { ...lead, 'idempotency-key': 'batch-1' }, selection);
    assert.equal(retry.json().batchId, applied.json().batchId);
    const reverted = await post(`${T}/clusters/${applied.json().batchId}/revert`, lead);
    assert.equal(reverted.statusCode, 200, reverted.body);
    assert.deepEqual(reverted.json().applied, ['bob', 'dan']);
    const bob = (await get(`${T}/customers/bob/reviews`, lead)).json();
    assert.equal(bob.state.label, null);
    assert.deepEqual(
      bob.reviews.map((r: { kind: string }) => r.kind),
      ['batch-revert', 'batch'],
    );
  });

  it('ingest accepts the earlier label name POTENTIALLY_FRAUDSTER and stores POTENTIALLY_FRAUDULENT', async () => {
    const report = await app.ingest.ingest('acme-shop', [
      { line: 1, value: { ...base('eve', 20), type: 'customer', customer: { name: 'Eve Evans' } } },
      { line: 2, value: { ...base('eve', 21), type: 'label', label: { label: 'POTENTIALLY_FRAUDSTER' } } },
    ]);
    assert.equal(report.accepted, 2, JSON.stringify(report));
    const customer = (await get(`${T}/customers/eve`, ann)).json();
    assert.equal(customer.label, 'POTENTIALLY_FRAUDULENT');
    const search = (await get(`${T}/customers/search?label=POTENTIALLY_FRAUDULENT`, ann)).json();
    assert.deepEqual(
      search.hits.map((h: { id: string }) => h.id),
      ['eve'],
    );
    const queued = (await get(`${T}/queue`, ann))
      .json()
      .items.find((i: { customerId: string }) => i.customerId === 'eve');
    assert.equal(queued?.why, 'labelled POTENTIALLY_FRAUDULENT');
  });
});
