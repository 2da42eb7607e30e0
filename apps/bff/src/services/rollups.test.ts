// Rollups are exact: a known event set ingested twice, and once with a failure injected in the
// middle of the batch, leaves rollups equal to a recount from the raw stored events, on the
// embedded store and on the Bigtable emulator. Plus the time-zone rolling of hourly buckets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEvents } from '@redoubt/synthetic';
import type { RedoubtEvent } from '@redoubt/contracts';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import { BigtableProfileStore } from '../adapters/profile-store/bigtable-profile-store.ts';
import { SqliteSearchIndex } from '../adapters/search-index/sqlite-search-index.ts';
import type { Counts, CustomerRecord, HourlyFigures, ProfileStore, StoredEvent } from '../ports/profile-store.ts';
import { emptyCustomer, FIGURE_COUNTERS, ROLLUP_BUCKET_MS } from '../ports/profile-store.ts';
import { needs } from '../../test/support/backends.ts';
import { bigtableEmulatorAvailable, CBTEMULATOR, startBigtableEmulator } from '../../test/support/bigtable-emulator.ts';
import { GraphRegistry } from './graphs.ts';
import { LiveBus } from './live-bus.ts';
import { Ingest } from './ingest.ts';
import { applyEvent } from './customer-events.ts';
import { addCounts, countsOf, hourlyOffsets, isoAt, localIsoAt, offsetMinutes, rollSeries } from './rollups.ts';
import type { Series } from './rollups.ts';

const T = 'acme-shop';
const FROM = Date.UTC(2026, 9, 1);

/** The known event set: synthetic customers plus labels and chargebacks the generator does not send. */
function knownEvents(): RedoubtEvent[] {
  const events = [...generateEvents({ seed: 13, tenant: T, customers: 300, end: FROM + 30 * 86_400_000, months: 2 })];
  const extra: RedoubtEvent[] = [];
  const ids = [...new Set(events.map((e) => e.customerId))].slice(0, 6);
  ids.forEach((customerId, i) => {
    const timestamp = new Date(FROM + 40 * 86_400_000 + i * 3_600_000).toISOString();
    extra.push({
      eventId: `${customerId}-label`,
      type: 'label',
      customerId,
      timestamp,
      label: { label: i % 2 ? 'GENUINE' : 'FRAUDSTER' },
    });
    extra.push({
      eventId: `${customerId}-cb`,
      type: 'transaction',
      customerId,
      timestamp,
      transaction: {
        transactionId: `cb-${i}`,
        instrumentId: `tok-${i}`,
        amount: 1000 + i,
        currency: 'GBP',
        type: 'chargeback',
        success: true,
      },
    });
  });
  return [...events, ...extra];
}

/** Counts recounted from the raw events the store holds: customer rows rebuilt in time order. */
async function recount(store: ProfileStore): Promise<Map<number, Counts>> {
  const all: StoredEvent[] = [];
  await store.replay(0, (tenant, events) => {
    if (tenant === T) all.push(...events);
  });
  all.sort((a, b) => a.at - b.at);
  const rows = new Map<string, CustomerRecord>();
  const hours = new Map<number, Counts>();
  for (const e of all) {
    let row = rows.get(e.customerId);
    if (!row) rows.set(e.customerId, (row = emptyCustomer(e.customerId)));
    applyEvent(row, e.event, e.at);
    const counts = countsOf(e.event, row);
    if (!counts) continue;
    const hour = Math.floor(e.at / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;
    hours.set(hour, addCounts(hours.get(hour) ?? {}, counts));
  }
  return nonZero(hours);
}

/** A counter at zero and an absent one mean the same (Bigtable writes no zero increments). */
function nonZero(hours: Map<number, Counts>): Map<number, Counts> {
  return new Map(
    [...hours].map(([hour, counts]) => [hour, Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0))]),
  );
}

/** Plain figures straight from the raw events, without countsOf: an independent check. */
async function plainRecount(store: ProfileStore): Promise<Counts> {
  const c: Counts = { orders: 0, orderValue: 0, ALLOW: 0, REVIEW: 0, PREVENT: 0, chargebacks: 0, fraudsters: 0 };
  await store.replay(0, (tenant, events) => {
    if (tenant !== T) return;
    for (const { event: e } of events) {
      if (e.type === 'order') {
        c.orders! += 1;
        c.orderValue! += e.order.price;
      }
      if (e.type === 'score') c[e.score.action]! += 1;
      if (e.type === 'transaction' && e.transaction.type === 'chargeback') c.chargebacks! += 1;
      if (e.type === 'label' && e.label.label === 'FRAUDSTER') c.fraudsters! += 1;
    }
  });
  return c;
}

async function stored(store: ProfileStore): Promise<Map<number, Counts>> {
  const buckets = await store.rollups(T, FROM - 400 * 86_400_000, FROM + 400 * 86_400_000);
  return nonZero(new Map(buckets.map((b) => [b.hour, b.counts])));
}

const lines = (events: RedoubtEvent[]) => events.map((value, i) => ({ line: i + 1, value }));

function rollupSuite(
  name: string,
  open: (
    dir: string,
  ) => Promise<{ store: ProfileStore; failMidBatch: () => Promise<void> | void; close: () => Promise<void> }>,
  options: { skip?: string } = {},
) {
  describe(`rollups equal a recount from the raw events: ${name}`, options, () => {
    let dir: string;
    let world: Awaited<ReturnType<typeof open>>;
    let ingest: Ingest;
    let search: SqliteSearchIndex;
    const events = knownEvents();
    // Events are stamped up to a few months after FROM: ingest as if it were later.
    const now = FROM + 365 * 86_400_000;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'redoubt-rollups-'));
      world = await open(dir);
      search = new SqliteSearchIndex(join(dir, 'search.db'));
      const graphs = new GraphRegistry({ dir: undefined, profiles: world.store });
      ingest = new Ingest({ profiles: world.store, search, graphs, live: new LiveBus() });
    });
    after(async () => {
      await search?.close();
      await world?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('after a batch failed in the middle and was resent, then resent again', async () => {
      const half = Math.floor(events.length / 2);
      // The first half goes in cleanly; the second half fails part-way through its write.
      await ingest.ingest(T, lines(events.slice(0, half)), now);
      await world.failMidBatch();
      await assert.rejects(ingest.ingest(T, lines(events.slice(half)), now));
      // The sender resends the whole set, twice.
      const first = await ingest.ingest(T, lines(events), now);
      assert.equal(first.rejected, 0, JSON.stringify(first.errors.slice(0, 3)));
      const second = await ingest.ingest(T, lines(events), now);
      assert.equal(second.accepted, 0);
      assert.equal(second.duplicates, events.length);

      const expected = await recount(world.store);
      const actual = await stored(world.store);
      assert.ok(expected.size > 24, 'the event set spans many hours');
      assert.deepEqual(actual, expected);
      const total: Counts = {};
      for (const counts of actual.values()) addCounts(total, counts);
      const plain = await plainRecount(world.store);
      for (const [name, value] of Object.entries(plain)) assert.equal(total[name] ?? 0, value, name);
      assert.ok(plain.orders! > 0 && plain.PREVENT! > 0 && plain.chargebacks! > 0 && plain.fraudsters! > 0);

      // The day rows (which rollupTotals reads for whole UTC days) equal the recount per day too.
      const DAY = 86_400_000;
      const byDay = new Map<number, Counts>();
      for (const [hour, counts] of expected) {
        const day = Math.floor(hour / DAY) * DAY;
        byDay.set(day, addCounts(byDay.get(day) ?? {}, counts));
      }
      for (const [day, counts] of nonZero(byDay)) {
        assert.deepEqual(await world.store.rollupTotals(T, day, day + DAY), counts, new Date(day).toISOString());
      }
      const days = [...byDay.keys()].sort((a, b) => a - b);
      assert.deepEqual(await world.store.rollupTotals(T, days[0]!, days.at(-1)! + DAY), total);
    });
  });
}

/**
 * The real store whose next write fails inside its transaction and rolls back: a customer row that
 * cannot be serialised, after the events and rollups were written in it.
 */
class FailingOnceProfileStore extends SqliteProfileStore {
  failNext = false;

  override write(tenant: string, events: StoredEvent[], customers: CustomerRecord[]): Promise<void> {
    if (!this.failNext) return super.write(tenant, events, customers);
    this.failNext = false;
    return super.write(tenant, events, [...customers, { ...emptyCustomer('poison'), counters: { n: 1n as never } }]);
  }
}

rollupSuite('embedded (node:sqlite)', async (dir) => {
  const store = new FailingOnceProfileStore(join(dir, 'profiles.db'));
  return { store, failMidBatch: () => void (store.failNext = true), close: () => store.close() };
});

rollupSuite(
  'Bigtable (cbtemulator)',
  async () => {
    const emulator = await startBigtableEmulator();
    const store = await BigtableProfileStore.open({
      projectId: 'redoubt-test',
      instanceId: 'redoubt',
      emulatorHost: emulator.host,
      tablePrefix: `r${process.pid}_${Date.now().toString(36)}_`,
    });
    return {
      store,
      // Event and customer rows written, the first hour's rollup row and its day's row incremented,
      // then the write fails.
      failMidBatch: () => void (store.failRollupsAfter = 2),
      close: async () => {
        await store.dropTables();
        await store.close();
        await emulator.stop();
      },
    };
  },
  needs('Bigtable emulator', bigtableEmulatorAvailable(), `set BIGTABLE_EMULATOR_HOST or install ${CBTEMULATOR}`),
);

/** Hourly figures, columnar, with `orders` = 1 in each of `count` hours from `first`. */
function ordersEachHour(first: number, count: number): HourlyFigures {
  const hours = Array.from({ length: count }, (_, i) => first + i * ROLLUP_BUCKET_MS);
  const figures = {} as HourlyFigures['figures'];
  for (const f of FIGURE_COUNTERS) figures[f] = hours.map(() => (f === 'orders' ? 1 : 0));
  return { hours, figures };
}

describe('rolling hourly buckets into the merchant time zone', () => {
  const H = ROLLUP_BUCKET_MS;
  const day0 = Date.UTC(2026, 10, 2); // a Monday
  const hourly = ordersEachHour(day0, 72);
  const rows = (series: Series, withOffset = false) =>
    series.start.map((start, i) => [
      new Date(start).toISOString(),
      ...(withOffset ? [series.offset[i]] : []),
      series.counts.orders[i],
    ]);

  it('a day in New York is the 24 UTC hours from 05:00Z (EST), series keeps empty periods', () => {
    const series = rollSeries(hourly, day0 + 5 * H, day0 + 5 * H + 3 * 24 * H, 'day', 'America/New_York');
    assert.deepEqual(rows(series), [
      ['2026-11-02T05:00:00.000Z', 24],
      ['2026-11-03T05:00:00.000Z', 24],
      ['2026-11-04T05:00:00.000Z', 19],
    ]);
    // Before the first counted hour: empty periods, zeros.
    const earlier = rollSeries(hourly, day0 - 2 * 24 * H, day0 + 24 * H, 'day', 'UTC');
    assert.deepEqual(rows(earlier), [
      ['2026-10-31T00:00:00.000Z', 0],
      ['2026-11-01T00:00:00.000Z', 0],
      ['2026-11-02T00:00:00.000Z', 24],
    ]);
  });

  it('a half-hour zone (Kolkata, +05:30) puts each hour in the local day it starts in', () => {
    const series = rollSeries(hourly, day0, day0 + 48 * H, 'day', 'Asia/Kolkata');
    // 00:00Z is 05:30 local on the 2nd; 18:00Z starts at 23:30 local (still the 2nd); 19:00Z is 00:30 on the 3rd.
    assert.deepEqual(rows(series, true), [
      ['2026-11-02T00:00:00.000Z', 330, 19],
      ['2026-11-02T19:00:00.000Z', 330, 24],
      ['2026-11-03T19:00:00.000Z', 330, 5],
    ]);
  });

  it('a daylight-saving day has 25 hourly buckets, and weeks start on Monday', () => {
    // Europe/London leaves summer time on Sunday 25 October 2026.
    const start = Date.UTC(2026, 9, 24, 23);
    const buckets = ordersEachHour(start, 24 * 9);
    const days = rollSeries(buckets, start, start + 24 * 9 * H, 'day', 'Europe/London');
    assert.equal(days.counts.orders[0], 25);
    const weeks = rollSeries(buckets, start, start + 24 * 9 * H, 'week', 'Europe/London');
    assert.deepEqual(
      weeks.start.map((at) => new Date(at).toISOString()),
      ['2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z', '2026-11-02T00:00:00.000Z'],
    );
    // Sunday the 25th (25 hours) ends its week; the next runs Monday to Sunday; the rest is the 2nd.
    assert.deepEqual(weeks.counts.orders, [25, 7 * 24, 24 * 9 - 25 - 7 * 24]);
    // Hourly: one entry per hour, the figures where they were counted.
    const hours = rollSeries(buckets, start - 2 * H, start + 3 * H, 'hour', 'Europe/London');
    assert.deepEqual(hours.counts.orders, [0, 0, 1, 1, 1]);
    // Summer time ends at 01:00Z on the 25th.
    assert.deepEqual(hours.offset, [60, 60, 60, 60, 0]);
  });
});

describe('zone offsets and times, kept once instead of asked per bucket', () => {
  const H = ROLLUP_BUCKET_MS;
  const first = Date.UTC(2026, 0, 1);
  const hours = 366 * 24;

  it('hourly offsets equal asking the zone hour by hour, across a year of changes', () => {
    // Whole-hour, half-hour and 45-minute zones; Lord Howe moves by 30 minutes, Chatham sits at +12:45/+13:45.
    for (const tz of ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      const expected = Array.from({ length: hours }, (_, i) => offsetMinutes(tz, first + i * H));
      assert.deepEqual(hourlyOffsets(tz, first, hours), expected, tz);
      // Asked again (now from the kept days) and from an hour in the middle of a day.
      assert.deepEqual(hourlyOffsets(tz, first + 7 * H, 100), expected.slice(7, 107), tz);
      assert.equal(new Set(expected).size, tz === 'Asia/Kolkata' ? 1 : 2, `${tz}: offsets seen in 2026`);
    }
  });

  it('writes times exactly as Date does', () => {
    for (let i = -48; i < 24 * 400; i += 7) {
      const at = first + i * H;
      assert.equal(isoAt(at), new Date(at).toISOString());
      assert.equal(isoAt(at + 1), new Date(at + 1).toISOString());
      for (const off of [0, 60, -300, 330, 345, -570, 765]) {
        const local = new Date(at + off * 60_000).toISOString().slice(0, 16);
        const sign = off < 0 ? '-' : '+';
        const a = Math.abs(off);
        const zone = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
        assert.equal(localIsoAt(at, off), `${local}${zone}`);
      }
    }
  });
});
