// The capped component walk (traversal.ts component()): it walks no unlinked link before a
// compaction drops it, counts only customers as fraudsters, and leaves no mark for the next walk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphEngine } from '../src/index.ts';

const T0 = Date.UTC(2025, 0, 1);

describe('capped component', () => {
  it('walks no unlinked link, and each walk starts clean', () => {
    const g = new GraphEngine();
    // a's device d (shared by 20 customers) is unlinked from a; a's email e is shared by c0..c4.
    g.link('a', 'device', 'd', T0);
    for (let i = 0; i < 20; i++) g.link(`b${i}`, 'device', 'd', T0);
    g.link('a', 'email', 'e', T0);
    for (let i = 0; i < 5; i++) g.link(`c${i}`, 'email', 'e', T0);
    g.setCustomer('c0', { label: 'FRAUDSTER' });
    g.setCustomer('b0', { label: 'FRAUDSTER' });
    assert.equal(g.unlink('a', 'device', 'd', T0), true);
    assert.ok(g.stats().links > 0);
    // a, e, c0: the dead link to d (older than e) is not walked.
    const capped = { customers: 2, identifiers: 1, fraudsters: 1, share: 0.5, truncated: true };
    assert.deepEqual(g.component('a', { maxNodes: 3 }), capped);
    // The b side: b0, d, b1..b18; the walk before left no node marked.
    assert.deepEqual(g.component('b0', { maxNodes: 20 }), {
      customers: 19,
      identifiers: 1,
      fraudsters: 1,
      share: 1 / 19,
      truncated: true,
    });
    assert.deepEqual(g.component('a', { maxNodes: 3 }), capped);
    assert.throws(() => g.component('a', { maxNodes: 0 }), /maxNodes/);
  });
});
