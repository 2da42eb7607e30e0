// The ProfileStore contract: every adapter runs this suite. Besides the adapter's own reads, it reads
// what was stored through a raw probe (SQL on the file, Bigtable row keys), so it checks the
// storage design itself: event rows newest first under the customer's prefix.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { CustomerRecord, ProfileStore, StoredEvent } from '../../src/ports/profile-store.ts';
import { emptyCustomer, FIGURE_COUNTERS } from '../../src/ports/profile-store.ts';

export interface RawProbe {
  /** Event ids of a customer in the order the storage keeps them (expected: newest first). */
  eventIds(tenant: string, customerId: string): Promise<string[]>;
  /** The customer row as stored, parsed, or undefined. */
  customer(tenant: string, id: string): Promise<CustomerRecord | undefined>;
}

export interface ProfileStoreFixture {
  store: ProfileStore;
  raw: RawProbe;
  cleanup: () => Promise<void>;
  /**
   * Writes the batch so that it fails part-way, after some of it reached the store (Bigtable: after
   * the first rollup row; embedded: inside the transaction, which then rolls back). Must reject.
   */
  failingWrite: (tenant: string, events: StoredEvent[], customers: CustomerRecord[]) => Promise<void>;
}

const T0 = Date.UTC(2026, 9, 1);

export function storedEvent(
  customerId: string,
  eventId: string,
  at: number,
  type: 'order' | 'login' = 'login',
): StoredEvent {
  const event: RedoubtEvent =
    type === 'order'
      ? {
          eventId,
          customerId,
          type: 'order',
          timestamp: new Date(at).toISOString(),
          order: { orderId: `o-${eventId}`, price: 1000, currency: 'GBP' },
        }
      : {
          eventId,
          customerId,
          type: 'login',
          timestamp: new Date(at).toISOString(),
          login: { success: true, mechanism: 'password' },
        };
  return { eventId, customerId, type, at, event };
}

function customer(id: string, name: string): CustomerRecord {
  return { ...emptyCustomer(id), name, identifiers: { email: [`${id}@example.com`] }, counters: { events: 1 } };
}

export function profileStoreContract(
  name: string,
  open: () => Promise<ProfileStoreFixture>,
  options: { skip?: string } = {},
) {
  describe(`ProfileStore contract: ${name}`, options, () => {
    let store: ProfileStore;
    let raw: RawProbe;
    let cleanup: () => Promise<void>;
    let failingWrite: ProfileStoreFixture['failingWrite'];

    before(async () => {
      ({ store, raw, cleanup, failingWrite } = await open());
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('stores customer rows and reads them back in one batch, per tenant', async () => {
      await store.write('acme', [], [customer('c1', 'Ann'), customer('c2', 'Bob')]);
      await store.write('globex', [], [customer('c1', 'Other Ann')]);
      const found = await store.getCustomers('acme', ['c1', 'c2', 'missing']);
      assert.deepEqual([...found.keys()].sort(), ['c1', 'c2']);
      assert.equal(found.get('c1')?.name, 'Ann');
      assert.deepEqual(found.get('c2')?.identifiers, { email: ['c2@example.com'] });
      assert.equal((await store.getCustomers('globex', ['c1'])).get('c1')?.name, 'Other Ann');
      assert.equal((await raw.customer('acme', 'c1'))?.name, 'Ann');
      assert.equal(await raw.customer('acme', 'missing'), undefined);
    });

    it('replaces a customer row on rewrite', async () => {
      await store.write('acme', [], [{ ...customer('c3', 'Cat'), score: 10, action: 'ALLOW' }]);
      await store.write('acme', [], [{ ...customer('c3', 'Cat'), score: 90, action: 'PREVENT', label: 'FRAUDSTER' }]);
      const row = await raw.customer('acme', 'c3');
      assert.equal(row?.score, 90);
      assert.equal(row?.label, 'FRAUDSTER');
    });

    it('keeps event rows newest first under the customer, apart from similar ids and other tenants', async () => {
      const events = [
        storedEvent('c1', 'e-old', T0),
        storedEvent('c1', 'e-new', T0 + 3_000, 'order'),
        storedEvent('c1', 'e-mid', T0 + 1_000),
        storedEvent('c10', 'e-c10', T0 + 2_000),
      ];
      await store.write('acme', events, []);
      await store.write('globex', [storedEvent('c1', 'e-globex', T0 + 5_000)], []);
      assert.deepEqual(await raw.eventIds('acme', 'c1'), ['e-new', 'e-mid', 'e-old']);
      const page = await store.timeline('acme', 'c1', { limit: 10 });
      assert.deepEqual(
        page.events.map((e) => e.eventId),
        ['e-new', 'e-mid', 'e-old'],
      );
      assert.equal(page.next, undefined);
      const newest = page.events[0];
      assert.equal(newest.type, 'order');
      assert.equal(newest.at, T0 + 3_000);
      assert.equal(newest.event.type === 'order' && newest.event.order.orderId, 'o-e-new');
    });

    it('pages the timeline with a cursor, with no gaps or repeats', async () => {
      const events = Array.from({ length: 25 }, (_, i) =>
        storedEvent('pager', `p-${String(i).padStart(2, '0')}`, T0 + i * 1000),
      );
      // Two events at the same instant must both appear once.
      events.push(storedEvent('pager', 'p-same', T0 + 7_000));
      await store.write('acme', events, []);
      const seen: string[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.timeline('acme', 'pager', { limit: 7, ...(before ? { before } : {}) });
        seen.push(...page.events.map((e) => e.eventId));
        if (!page.next) break;
        before = page.next;
      }
      assert.equal(seen.length, 26);
      assert.equal(new Set(seen).size, 26);
      const ats = seen.map((id) => events.find((e) => e.eventId === id)!.at);
      assert.deepEqual(
        ats,
        [...ats].sort((a, b) => b - a),
      );
    });

    it('refuses a timeline cursor of another customer or tenant, or one a client made or altered', async () => {
      await store.write('acme', [storedEvent('c-a', 'ca-1', T0), storedEvent('c-a', 'ca-2', T0 + 1)], []);
      await store.write('globex', [storedEvent('pager', 'g-1', T0), storedEvent('pager', 'g-2', T0 + 1)], []);
      const first = await store.timeline('acme', 'pager', { limit: 2 });
      assert.ok(first.next);
      const refused = (tenant: string, customerId: string, before: string) =>
        assert.rejects(
          store.timeline(tenant, customerId, { limit: 2, before }),
          (error: Error & { details?: unknown }) => {
            assert.equal(error.name, 'BadCursor');
            assert.deepEqual(error.details, [{ field: '/query/before', reason: 'is not a valid cursor' }]);
            return true;
          },
        );
      await refused('globex', 'pager', first.next);
      await refused('acme', 'c-a', first.next);
      const [body, mac] = first.next.split('.');
      const made = Buffer.from(JSON.stringify([T0 + 10_000_000, 'zzz'])).toString('base64url');
      for (const before of [made, `${made}.${mac}`, `${body}.${'A'.repeat(43)}`, `${body}A.${mac}`]) {
        await refused('acme', 'pager', before);
      }
      assert.equal((await store.timeline('acme', 'pager', { limit: 2, before: first.next })).events.length, 2);
    });

    it('reports which event ids are already stored, per tenant', async () => {
      await store.write('acme', [storedEvent('c5', 'dup-1', T0)], []);
      const known = await store.existingEvents('acme', ['dup-1', 'never']);
      assert.deepEqual([...known], ['dup-1']);
      assert.deepEqual([...(await store.existingEvents('globex', ['dup-1']))], []);
      assert.deepEqual([...(await store.existingEvents('acme', []))], []);
    });

    it('reads more keys than one batch request holds', async () => {
      const many = Array.from({ length: 1_500 }, (_, i) => customer(`bulk-${i}`, `Bulk ${i}`));
      await store.write('bulk', [], many);
      const found = await store.getCustomers(
        'bulk',
        many.map((c) => c.id),
      );
      assert.equal(found.size, 1_500);
      assert.equal(found.get('bulk-1499')?.name, 'Bulk 1499');
      assert.equal(await store.countCustomers('bulk'), 1_500);
    });

    it('replays every event written after a watermark, grouped by tenant', async () => {
      const all: string[] = [];
      await store.replay(0, (tenant, events) => {
        for (const e of events) all.push(`${tenant}/${e.eventId}`);
      });
      assert.ok(all.includes('acme/e-new') && all.includes('globex/e-globex'));
      const mark = await store.mark();
      await new Promise((r) => setTimeout(r, 5));
      await store.write('replay', [storedEvent('r1', 'after-1', T0), storedEvent('r2', 'after-2', T0 + 1)], []);
      const later: string[] = [];
      await store.replay(mark, (tenant, events) => {
        for (const e of events) later.push(`${tenant}/${e.eventId}/${e.customerId}`);
      });
      assert.deepEqual(later.sort(), ['replay/after-1/r1', 'replay/after-2/r2']);
    });

    const H = 3_600_000;
    const counted = (eventId: string, at: number, counts: Record<string, number>) => ({
      ...storedEvent('roll', eventId, at, 'order'),
      counts,
    });
    const rollupBatch = () => [
      counted('r-1', T0 + 60_000, { orders: 1, orderValue: 1000 }),
      counted('r-2', T0 + 2 * 60_000, { orders: 1, orderValue: 250, 'reason.velocity: card': 1 }),
      counted('r-3', T0 + H + 5, { orders: 1, orderValue: 40, PREVENT: 1 }),
      counted('r-4', T0 + 5 * H, { orders: 1, orderValue: 7 }),
      // No counts: stored, counts nothing.
      storedEvent('roll', 'r-5', T0 + 5 * H + 1),
    ];
    const expected = [
      { hour: T0, counts: { orders: 2, orderValue: 1250, 'reason.velocity: card': 1 } },
      { hour: T0 + H, counts: { orders: 1, orderValue: 40, PREVENT: 1 } },
      { hour: T0 + 5 * H, counts: { orders: 1, orderValue: 7 } },
    ];
    // The whole day T0 (its totals come from the day rows where an adapter keeps them).
    const expectedDay = { orders: 4, orderValue: 1297, PREVENT: 1, 'reason.velocity: card': 1 };

    it('adds the counts of stored events to hourly rollup buckets, per tenant, read by range', async () => {
      await store.write('rollups', rollupBatch(), []);
      assert.deepEqual(await store.rollups('rollups', T0, T0 + 24 * H), expected);
      // [from, to): the hour starting at `to` is left out; other tenants see nothing.
      assert.deepEqual(await store.rollups('rollups', T0 + H, T0 + 5 * H), [expected[1]]);
      assert.deepEqual(await store.rollups('rollup', T0, T0 + 24 * H), []);
      assert.deepEqual(await store.rollups('other', T0, T0 + 24 * H), []);
    });

    it('counts a resent event nothing twice, even when written again without the idempotency check', async () => {
      // The ingest path drops known ids first; a store must not count them again either.
      await store.write('rollups', rollupBatch(), []);
      await store.write(
        'rollups',
        [...rollupBatch(), counted('r-6', T0 + 5 * H + 2, { orders: 1, orderValue: 3 })],
        [],
      );
      const last = { hour: T0 + 5 * H, counts: { orders: 2, orderValue: 10 } };
      assert.deepEqual(await store.rollups('rollups', T0, T0 + 24 * H), [expected[0], expected[1], last]);
      assert.deepEqual(await store.rollupTotals('rollups', T0, T0 + 24 * H), {
        ...expectedDay,
        orders: 5,
        orderValue: 1300,
      });
    });

    it('counts each event exactly once when a batch failed part-way and is resent', async () => {
      const batch = () =>
        rollupBatch().map((e) => ({ ...e, eventId: `f${e.eventId}`, event: { ...e.event, eventId: `f${e.eventId}` } }));
      await assert.rejects(failingWrite('rollfail', batch(), [customer('roll', 'Roll')]));
      // Not committed: the ingest path sees the ids as new and resends the batch whole.
      assert.deepEqual([...(await store.existingEvents('rollfail', ['fr-1', 'fr-4']))], []);
      await store.write('rollfail', batch(), [customer('roll', 'Roll')]);
      assert.deepEqual(await store.rollups('rollfail', T0, T0 + 24 * H), expected);
      assert.deepEqual(await store.rollupTotals('rollfail', T0, T0 + 24 * H), expectedDay);
      await store.write('rollfail', batch(), [customer('roll', 'Roll')]);
      assert.deepEqual(await store.rollups('rollfail', T0, T0 + 24 * H), expected);
      assert.deepEqual(await store.rollupTotals('rollfail', T0, T0 + 24 * H), expectedDay);
    });

    it('reads the plain figures columnar and the totals of a range, equal to adding up the buckets', async () => {
      const D = 24 * H;
      // Three UTC days and a bit: counters in the hours around midnight test where day rows start and end.
      const at = [T0 + 60_000, T0 + 23 * H + 5, T0 + D, T0 + D + 13 * H, T0 + 2 * D + 23 * H, T0 + 3 * D + 2 * H];
      const batch = at.map((t, i) =>
        counted(`t-${i}`, t, {
          orders: 1,
          orderValue: 10 + i,
          ...(i % 2 ? { PREVENT: 1, [`reason.rule ${i < 4 ? 'a' : 'b'}`]: 1 } : { ALLOW: 1 }),
          [`country.${i < 3 ? 'GB' : 'FR'}.orders`]: 1,
        }),
      );
      await store.write('totals', batch, []);
      const sumOf = async (from: number, to: number, figuresOnly = false) => {
        const sum: Record<string, number> = {};
        for (const b of await store.rollups('totals', from, to)) {
          for (const [name, n] of Object.entries(b.counts)) {
            if (figuresOnly && !(FIGURE_COUNTERS as readonly string[]).includes(name)) continue;
            sum[name] = (sum[name] ?? 0) + n;
          }
        }
        for (const name of Object.keys(sum)) if (sum[name] === 0) delete sum[name];
        return sum;
      };
      const ranges: [number, number][] = [
        [T0, T0 + 4 * D], // whole days
        [T0 + H, T0 + 3 * D], // starts after midnight: the first day from hours
        [T0 + 23 * H, T0 + 3 * D + 3 * H], // hours, two whole days, hours
        [T0 + 30 * 60_000, T0 + D + 13 * H + 1], // off the hour at both ends
        [T0 + D + 13 * H, T0 + D + 14 * H], // one hour
        [T0 + 2 * H, T0 + 3 * H], // nothing counted
      ];
      for (const [from, to] of ranges) {
        const label = `${new Date(from).toISOString()}..${new Date(to).toISOString()}`;
        assert.deepEqual(await store.rollupTotals('totals', from, to), await sumOf(from, to), label);
        assert.deepEqual(
          await store.rollupTotals('totals', from, to, { figuresOnly: true }),
          await sumOf(from, to, true),
          label,
        );
        const buckets = await store.rollups('totals', from, to);
        const columns = await store.rollupFigures('totals', from, to);
        assert.deepEqual(
          columns.hours,
          buckets.map((b) => b.hour),
          label,
        );
        for (const f of FIGURE_COUNTERS) {
          assert.deepEqual(
            columns.figures[f],
            buckets.map((b) => b.counts[f] ?? 0),
            `${label} ${f}`,
          );
        }
      }
      const all = await store.rollupTotals('totals', T0, T0 + 4 * D);
      assert.equal(all.orders, 6);
      assert.equal(all['country.GB.orders'], 3);
      assert.equal(all['reason.rule a'], 2);
      assert.deepEqual(await store.rollupTotals('other', T0, T0 + 4 * D), {});
      assert.deepEqual((await store.rollupFigures('other', T0, T0 + 4 * D)).hours, []);
    });

    it('answers a ping', async () => {
      await store.ping();
    });
  });
}
