// Why the score over events ingested through the real path: the score events' rules and warnings,
// newest first, and the network signals (FRAUDSTERs within two hops with the identifier shared,
// the nearest FRAUDSTER, the component's FRAUDSTER share).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { ScoreWhy } from '@redoubt/contracts/api';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';

const T = '/api/tenants/acme-shop';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
let n = 0;
const base = (customerId: string, minute: number) => ({ eventId: `w${n++}`, customerId, timestamp: at(minute) });

// Ann –device– Bob –card– Cat (FRAUDSTER) –device– Dan –ip– Eve (FRAUDSTER). Fay is alone.
const events: RedoubtEvent[] = [
  ...['ann', 'bob', 'cat', 'dan', 'eve', 'fay'].map((id, i): RedoubtEvent => ({
    ...base(id, i),
    type: 'customer',
    customer: { name: id.toUpperCase() },
  })),
  { ...base('ann', 10), type: 'device', device: { deviceId: 'dev-ab' } },
  { ...base('bob', 11), type: 'device', device: { deviceId: 'dev-ab' } },
  { ...base('bob', 12), type: 'paymentMethod', paymentMethod: { instrumentId: 'tok_bc', methodType: 'card' } },
  { ...base('cat', 13), type: 'paymentMethod', paymentMethod: { instrumentId: 'tok_bc', methodType: 'card' } },
  { ...base('cat', 14), type: 'device', device: { deviceId: 'dev-cd' } },
  { ...base('dan', 15), type: 'device', device: { deviceId: 'dev-cd', ipAddress: '81.2.69.160' } },
  { ...base('eve', 16), type: 'login', login: { success: true, mechanism: 'password', ipAddress: '81.2.69.160' } },
  { ...base('cat', 17), type: 'label', label: { label: 'FRAUDSTER' } },
  { ...base('eve', 18), type: 'label', label: { label: 'FRAUDSTER' } },
  {
    ...base('dan', 20),
    type: 'score',
    score: { score: 40, action: 'ALLOW', source: 'model-v2', rules: [{ name: 'new_device', score: 12 }] },
  },
  { ...base('dan', 21), type: 'order', order: { orderId: 'o-dan-1', price: 3046, currency: 'GBP' } },
  {
    ...base('dan', 22),
    type: 'score',
    score: {
      score: 88,
      action: 'PREVENT',
      source: 'model-v3',
      rules: [{ name: 'shared_device_with_fraudster', score: 40 }, { name: 'ip_velocity' }],
      warnings: [{ class: 'email', msg: 'Disposable email domain' }],
    },
  },
  ...Array.from({ length: 7 }, (_, i): RedoubtEvent => ({
    ...base('fay', 30 + i),
    type: 'score',
    score: { score: 10 + i, action: 'ALLOW', source: 'model' },
  })),
];

describe('why the score', () => {
  let t: IngestApp;
  let headers: Record<string, string>;
  const why = async (id: string): Promise<ScoreWhy> => {
    const response = await t.app.inject({ method: 'GET', url: `${T}/customers/${id}/why`, headers });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };

  before(async () => {
    t = await ingestApp();
    await t.ingest('acme-shop', events);
    headers = await t.analyst('acme-shop');
  });
  after(() => t.close());

  it('gives the score events newest first with the rules and warnings they came with', async () => {
    const dan = await why('dan');
    assert.deepEqual(dan.scores, [
      {
        eventId: events.find((e) => e.type === 'score' && e.score.score === 88)!.eventId,
        at: at(22),
        score: 88,
        action: 'PREVENT',
        source: 'model-v3',
        rules: [{ name: 'shared_device_with_fraudster', score: 40 }, { name: 'ip_velocity' }],
        warnings: [{ class: 'email', msg: 'Disposable email domain' }],
      },
      {
        eventId: events.find((e) => e.type === 'score' && e.score.score === 40)!.eventId,
        at: at(20),
        score: 40,
        action: 'ALLOW',
        source: 'model-v2',
        rules: [{ name: 'new_device', score: 12 }],
        warnings: [],
      },
    ]);
    assert.equal(dan.complete, true);
    assert.ok(dan.scanned >= 4);
  });

  it('counts the FRAUDSTERs within two hops and names the identifier each shares', async () => {
    const dan = (await why('dan')).network;
    assert.equal(dan.fraudstersWithinTwoHops, 2);
    assert.equal(dan.customersWithinTwoHops, 2);
    assert.deepEqual(
      [...dan.nearby].sort((a, b) => a.customerId.localeCompare(b.customerId)),
      [
        { customerId: 'cat', kind: 'device', value: 'dev-cd' },
        { customerId: 'eve', kind: 'ip', value: '81.2.69.160' },
      ],
    );
    assert.equal(dan.nearestFraudsterHops, 2);
    assert.equal(dan.truncated, false);
    // Ann, Bob, Cat, Dan, Eve form one component with two FRAUDSTERs.
    assert.equal(dan.componentCustomers, 5);
    assert.equal(dan.componentShare, 2 / 5);

    const ann = (await why('ann')).network;
    assert.equal(ann.fraudstersWithinTwoHops, 0);
    assert.deepEqual(ann.nearby, []);
    assert.equal(ann.customersWithinTwoHops, 1);
    assert.equal(ann.nearestFraudsterHops, 4);
    assert.match(ann.reason, /4 hops from a FRAUDSTER \(cat\)/);
  });

  it('keeps the five latest scores, and says so for a customer alone in the graph', async () => {
    const fay = await why('fay');
    assert.deepEqual(
      fay.scores.map((s) => s.score),
      [16, 15, 14, 13, 12],
    );
    assert.equal(fay.network.fraudstersWithinTwoHops, 0);
    assert.equal(fay.network.nearestFraudsterHops, null);
    assert.equal(fay.network.componentShare, 0);
  });

  it('answers 404 for a customer the tenant does not have', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${T}/customers/nobody/why`, headers });
    assert.equal(response.statusCode, 404);
  });
});
