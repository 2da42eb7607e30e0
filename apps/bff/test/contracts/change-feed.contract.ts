// The ChangeFeed contract (ports/change-feed.ts), run against every adapter: every replica's
// subscription receives every message, each tenant's in publish order; a rejected message comes
// again; a replica that was down receives what was published meanwhile; the feed answers ping.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeFeed, FeedMessage } from '../../src/ports/change-feed.ts';

export interface ChangeFeedFixture {
  /** A feed for the replica named `name`, on this fixture's topic (one topic per fixture). */
  replica(name: string): ChangeFeed;
  cleanup(): Promise<void>;
}

const message = (tenant: string, seq: number, origin = 'a/1'): FeedMessage => ({
  origin,
  tenant,
  seq,
  mark: seq * 10,
  changes: [
    {
      type: 'link',
      tenant,
      customerId: `c${seq}`,
      kind: 'email',
      value: `${tenant}-${seq}@x.test`,
      at: new Date(0).toISOString(),
    },
  ],
});

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Records what a replica receives: per tenant, the sequence numbers in delivery order. */
function recorder() {
  const got = new Map<string, number[]>();
  return {
    got,
    handler: async (m: FeedMessage) => {
      let list = got.get(m.tenant);
      if (!list) got.set(m.tenant, (list = []));
      list.push(m.seq);
    },
    /** Distinct sequence numbers of the tenant, in order of first delivery. */
    distinct: (tenant: string) => [...new Set(got.get(tenant) ?? [])],
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function changeFeedContract(
  name: string,
  open: () => Promise<ChangeFeedFixture>,
  options: { skip?: string } = {},
): void {
  describe(`ChangeFeed contract: ${name}`, options, () => {
    test('every replica receives every message, each tenant in publish order', async () => {
      const fx = await open();
      const a = fx.replica('a');
      const b = fx.replica('b');
      const c = fx.replica('c');
      try {
        for (const feed of [a, b, c]) await feed.open();
        const rb = recorder();
        const rc = recorder();
        b.follow(rb.handler);
        c.follow(rc.handler);
        // Published without waiting for each other, tenants interleaved: order is per tenant.
        const sent: Promise<void>[] = [];
        for (let i = 1; i <= 25; i++) {
          sent.push(a.publish(message('t1', i)));
          sent.push(a.publish(message('t2', i)));
        }
        await Promise.all(sent);
        for (const r of [rb, rc]) {
          await until('every message', () => r.distinct('t1').length === 25 && r.distinct('t2').length === 25);
          assert.deepEqual(r.distinct('t1'), range(25));
          assert.deepEqual(r.distinct('t2'), range(25));
        }
      } finally {
        for (const feed of [a, b, c]) await feed.close();
        await fx.cleanup();
      }
    });

    test('a message the handler rejects is delivered again, and nothing of the tenant is lost', async () => {
      const fx = await open();
      const a = fx.replica('a');
      const b = fx.replica('b');
      try {
        await a.open();
        await b.open();
        const deliveries: number[] = [];
        const accepted = new Set<number>();
        let refused = false;
        b.follow(async (m) => {
          deliveries.push(m.seq);
          if (m.seq === 3 && !refused) {
            refused = true;
            throw new Error('not now');
          }
          accepted.add(m.seq);
        });
        for (let i = 1; i <= 6; i++) await a.publish(message('t1', i));
        await until('all six accepted', () => accepted.size === 6);
        assert.ok(deliveries.filter((s) => s === 3).length >= 2, `3 delivered again: ${deliveries.join(',')}`);
        // Order of first deliveries is the publish order.
        assert.deepEqual([...new Set(deliveries)], range(6));
      } finally {
        await a.close();
        await b.close();
        await fx.cleanup();
      }
    });

    test('a replica that was down receives what was published while it was', async () => {
      const fx = await open();
      const a = fx.replica('a');
      const first = fx.replica('b');
      const restarted = fx.replica('b');
      try {
        await a.open();
        await first.open();
        const before = recorder();
        first.follow(before.handler);
        await a.publish(message('t1', 1));
        await until('the first message', () => before.distinct('t1').length === 1);
        await first.close();
        for (let i = 2; i <= 11; i++) await a.publish(message('t1', i));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(before.distinct('t1'), [1], 'nothing is delivered to a closed replica');
        await restarted.open();
        const after = recorder();
        restarted.follow(after.handler);
        await until('the ten it missed', () => after.distinct('t1').filter((s) => s > 1).length === 10);
        assert.deepEqual(
          after.distinct('t1').filter((s) => s > 1),
          range(11).slice(1),
        );
      } finally {
        await a.close();
        await first.close();
        await restarted.close();
        await fx.cleanup();
      }
    });

    test('ping answers while the feed is reachable', async () => {
      const fx = await open();
      const a = fx.replica('a');
      try {
        await a.open();
        await a.ping();
      } finally {
        await a.close();
        await fx.cleanup();
      }
    });
  });
}
