// The review follower's ordering and retry, and network risk in words, on a real graph engine.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphEngine } from '@redoubt/engine';
import type { ReviewChange } from '../ports/review-store.ts';
import { ReviewFollower, networkRisk } from './reviews.ts';

function outbox(n: number) {
  const rows: (ReviewChange & { done: boolean; leased?: boolean })[] = Array.from({ length: n }, (_, i) => ({
    outboxId: i + 1,
    tenant: 't',
    customerId: `c${i % 2}`,
    action: null,
    label: i % 2 ? 'FRAUDSTER' : 'GENUINE',
    status: 'decided',
    version: i + 1,
    reviewId: null,
    by: 'ann@example.com',
    done: false,
  }));
  return {
    rows,
    store: {
      leaseChanges: async (limit: number) => {
        const leased = rows.filter((r) => !r.done && !r.leased).slice(0, limit);
        for (const r of leased) r.leased = true;
        return leased;
      },
      markApplied: async (id: number) => {
        rows.find((r) => r.outboxId === id)!.done = true;
      },
      markFailed: async (id: number) => void (rows.find((r) => r.outboxId === id)!.leased = false),
      releaseChanges: async (ids: number[]) => {
        for (const r of rows) if (ids.includes(r.outboxId)) r.leased = false;
      },
    },
  };
}

describe('ReviewFollower', () => {
  it('applies changes in outbox order and, after a failure, retries until it catches up without reordering', async () => {
    const { rows, store } = outbox(5);
    const applied: number[] = [];
    let failures = 2;
    const follower = new ReviewFollower(store, async (_tenant, change) => {
      if (change.version === 3 && failures-- > 0) throw new Error('search is down');
      applied.push(change.version);
    });
    await follower.kick();
    assert.deepEqual(applied, [1, 2]);
    assert.equal(follower.failures, 1);
    // The backoff timer retries on its own (250 ms, then 500 ms).
    const until = Date.now() + 5_000;
    while (rows.some((r) => !r.done) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(applied, [1, 2, 3, 4, 5]);
    assert.equal(follower.failures, 0);
    await follower.stop();
  });

  it('a kick during a drain runs another drain for what arrived meanwhile', async () => {
    const { rows, store } = outbox(2);
    const applied: number[] = [];
    const follower = new ReviewFollower(store, async (_t, change) => {
      applied.push(change.version);
      if (change.version === 1) {
        rows.push({ ...rows[0]!, outboxId: 3, version: 3, done: false, leased: false });
        void follower.kick();
      }
    });
    await follower.kick();
    await new Promise((r) => setTimeout(r, 20));
    await follower.stop();
    assert.deepEqual(applied, [1, 2, 3]);
  });
});

describe('ReviewFollower sweep', () => {
  it('drains on its interval rows nobody kicked for (left by a replica that died)', async () => {
    const { rows, store } = outbox(3);
    const applied: number[] = [];
    const follower = new ReviewFollower(store, async (_t, change) => void applied.push(change.version), {
      sweepMs: 20,
    });
    const until = Date.now() + 2_000;
    while (rows.some((r) => !r.done) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await follower.stop();
    assert.deepEqual(applied, [1, 2, 3]);
  });
});

describe('networkRisk', () => {
  it('says how far the nearest FRAUDSTER is and through what, and ranks nearer first', () => {
    const g = new GraphEngine();
    g.link('ann', 'device', 'd-91');
    g.link('bob', 'device', 'd-91');
    g.link('bob', 'card', 'tok-1');
    g.link('cat', 'card', 'tok-1');
    g.link('dan', 'email', 'dan@example.com');
    g.setCustomer('cat', { label: 'FRAUDSTER' });
    const bob = networkRisk(g, 'bob');
    assert.equal(bob.hops, 2);
    assert.match(bob.reason, /^2 hops from a FRAUDSTER \(cat\) through card tok-1; 33% of its network are FRAUDSTERs$/);
    const ann = networkRisk(g, 'ann');
    assert.equal(ann.hops, 4);
    assert.match(ann.reason, /through device d-91/);
    assert.ok(bob.rank > ann.rank);
    const dan = networkRisk(g, 'dan');
    assert.equal(dan.hops, null);
    assert.equal(dan.reason, 'no links to other customers');
    assert.ok(ann.rank > dan.rank);
    assert.equal(networkRisk(g, 'cat', 'FRAUDSTER').reason, 'labelled FRAUDSTER');
  });
});
