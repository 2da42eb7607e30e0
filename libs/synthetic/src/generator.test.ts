// The generator is deterministic, its events pass the event schemas, and the fraud patterns it
// plants are really there (checked on the events, not on the generator's own bookkeeping).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EVENT_SCHEMAS, looksLikePan } from '@redoubt/contracts';
import type { RedoubtEvent } from '@redoubt/contracts';
import { customerEvents, generateEvents, personaOf, squeeze, trickle } from './generator.ts';

const checks = Object.fromEntries(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);
const options = { seed: 42, tenant: 'acme-shop', customers: 1000 };
const events = [...generateEvents(options)];

function byCustomer(list: RedoubtEvent[]): Map<string, RedoubtEvent[]> {
  const map = new Map<string, RedoubtEvent[]>();
  for (const e of list) map.set(e.customerId, [...(map.get(e.customerId) ?? []), e]);
  return map;
}

/** identifier value -> customers that used it */
function sharing(list: RedoubtEvent[], pick: (e: RedoubtEvent) => string | undefined): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const e of list) {
    const value = pick(e);
    if (value) map.set(value, (map.get(value) ?? new Set()).add(e.customerId));
  }
  return map;
}

describe('synthetic generator', () => {
  it('is deterministic per seed, and a slice equals the same customers of the whole', () => {
    assert.deepEqual([...generateEvents(options)], events);
    assert.notDeepEqual(
      [...generateEvents({ ...options, seed: 43, customers: 50 })],
      [...generateEvents({ ...options, customers: 50 })],
    );
    const slice = [...generateEvents({ ...options, customers: 10, from: 500 })];
    assert.deepEqual(
      slice,
      events.filter((e) => slice.some((s) => s.customerId === e.customerId)),
    );
  });

  it('produces valid events with unique ids, no card numbers, in time order per customer', () => {
    const ids = new Set<string>();
    for (const e of events) {
      assert.ok(checks[e.type].Check(e), `${e.eventId} ${JSON.stringify([...checks[e.type].Errors(e)][0])}`);
      assert.ok(!ids.has(e.eventId), `duplicate ${e.eventId}`);
      ids.add(e.eventId);
      if (e.type === 'paymentMethod') assert.equal(looksLikePan(e.paymentMethod.instrumentId), false);
    }
    for (const [, list] of byCustomer(events)) {
      const times = list.map((e) => Date.parse(e.timestamp));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
      );
      assert.equal(list[0].type, 'customer');
    }
    assert.ok(events.length > 8 * 1000 && events.length < 16 * 1000, `${events.length} events`);
  });

  it('plants card testing: many cards on one account and a burst of small failed authorisations', () => {
    const testers = [...byCustomer(events)].filter(([, list]) => {
      const cards = new Set(
        list
          .filter((e) => e.type === 'paymentMethod')
          .map((e) => e.type === 'paymentMethod' && e.paymentMethod.instrumentId),
      );
      const failed = list.filter(
        (e) => e.type === 'transaction' && !e.transaction.success && e.transaction.amount < 500,
      );
      return cards.size >= 6 && failed.length >= 5;
    });
    assert.ok(testers.length >= 1, 'at least one card tester');
    for (const [, list] of testers) {
      const txns = list.filter((e) => e.type === 'transaction').map((e) => Date.parse(e.timestamp));
      assert.ok(Math.max(...txns) - Math.min(...txns) < 3_600_000, 'the burst lasts under an hour');
      const score = list.find((e) => e.type === 'score');
      assert.equal(score?.type === 'score' && score.score.action, 'PREVENT');
    }
  });

  it('plants mule networks sharing cards and promo rings sharing a device', () => {
    const cards = sharing(events, (e) => (e.type === 'paymentMethod' ? e.paymentMethod.instrumentId : undefined));
    assert.ok(
      [...cards.values()].some((c) => c.size >= 3),
      'a card shared by 3+ customers',
    );
    const devices = sharing(events, (e) => (e.type === 'device' ? e.device.deviceId : undefined));
    const rings = [...devices.entries()].filter(([id, c]) => id.startsWith('dev-ring-') && c.size >= 3);
    assert.ok(rings.length >= 1, 'a device shared by a promo ring');
    const promo = events.filter((e) => e.type === 'order' && e.order.promoCode?.startsWith('FIRST'));
    assert.ok(promo.length >= 5);
  });

  it('plants account takeovers: failed then successful login on a new device, then a new email', () => {
    const takeovers = [...byCustomer(events)].filter(([, list]) => {
      const i = list.findIndex(
        (e) => e.type === 'login' && e.login.success && e.login.deviceId?.startsWith('dev-ato-'),
      );
      return i > 0 && list.slice(i).some((e) => e.type === 'customer' && e.customer.email);
    });
    assert.ok(takeovers.length >= 1);
  });

  it('scores consistently with the pattern, and labels a few fraudsters', () => {
    for (const e of events) {
      if (e.type !== 'score') continue;
      const expected = e.score.score >= 80 ? 'PREVENT' : e.score.score >= 50 ? 'REVIEW' : 'ALLOW';
      assert.equal(e.score.action, expected);
    }
    const fraudsters = events.filter((e) => e.type === 'label' && e.label.label === 'FRAUDSTER');
    assert.ok(fraudsters.length >= 3);
    for (const f of fraudsters)
      assert.notEqual(personaOf(42, Number.parseInt(f.customerId.slice(4), 36), 1000).persona, 'genuine');
  });

  it('trickles fresh, valid events with ids that differ between runs', () => {
    const run = (runId: string) => {
      const stream = trickle({ seed: 1, tenant: 'acme-shop', customers: 1000, runId });
      return Array.from({ length: 30 }, () => stream.next().value!(Date.UTC(2026, 10, 2))).flat();
    };
    const a = run('a');
    for (const e of a) assert.ok(checks[e.type].Check(e), JSON.stringify([...checks[e.type].Errors(e)][0]));
    const b = run('b');
    assert.equal(new Set([...a, ...b].map((e) => e.eventId)).size, a.length + b.length);
    assert.ok(customerEvents(options, 1).length > 0);
  });

  it('keeps late events before the end without piling them onto the end itself', () => {
    const end = Date.UTC(2026, 10, 1);
    const lastSeen = new Map<string, number>();
    for (const e of events)
      lastSeen.set(e.customerId, Math.max(lastSeen.get(e.customerId) ?? 0, Date.parse(e.timestamp)));
    const atEnd = [...lastSeen.values()].filter((t) => t === end).length;
    assert.equal(atEnd, 0, `${atEnd} customers last seen exactly at the end (midnight)`);
    assert.ok([...lastSeen.values()].every((t) => t <= end));
    // Order is kept, times before the last 12 hours are untouched.
    assert.ok(squeeze(end + 1000, end) < squeeze(end + 2000, end));
    assert.ok(squeeze(end + 10 * 86_400_000, end) < end);
    assert.equal(squeeze(end - 13 * 3_600_000, end), end - 13 * 3_600_000);
  });
});
