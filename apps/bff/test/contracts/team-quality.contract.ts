// The team figures contract (docs/audit.md, "Team figures"), on PostgreSQL (pg) and PGlite through
// the same migrations and queries: decisions and the time from entering the queue to the decision
// per analyst and per day, labels overturned by someone else, agreement on customers reviewed
// twice, claims that lapsed; one tenant's figures never include another's; the read is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { NewReview } from '@redoubt/contracts/api';
import type { Database } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { SqlTeamQuality } from '../../src/adapters/team-quality/sql-team-quality.ts';
import type { Reviewer } from '../../src/ports/review-store.ts';
import type { AuditReader } from '../../src/ports/audit-log.ts';

const ann: Reviewer = { sub: 'accounts.google.com:1', email: 'ann@example.com', role: 'analyst' };
const bob: Reviewer = { sub: 'accounts.google.com:2', email: 'bob@example.com', role: 'analyst' };
const lea: Reviewer = { sub: 'accounts.google.com:9', email: 'lea@example.com', role: 'lead' };
const reader: AuditReader = { sub: lea.sub, email: lea.email, role: 'lead' };
const MIN = 60_000;
const DAY = 86_400_000;

export function teamQualityContract(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  options: { skip?: string } = {},
) {
  describe(`TeamQuality contract: ${name}`, options, () => {
    let db: Database;
    let store: SqlReviewStore;
    let quality: SqlTeamQuality;
    let cleanup: () => Promise<void>;
    const started = Date.now();
    const range = () => ({ from: started - DAY, to: Date.now() + MIN, tz: 'UTC' });

    const decide = async (tenant: string, who: Reviewer, customerId: string, input: NewReview) => {
      const { version } = await store.reviewState(tenant, customerId);
      return store.review(tenant, who, customerId, version, input, { key: crypto.randomUUID(), route: 'contract' });
    };

    before(async () => {
      ({ db, cleanup } = await open());
      store = new SqlReviewStore(db);
      quality = new SqlTeamQuality(db);
      for (const t of ['acme', 'other', 'lapse', 'reopen']) await store.ensureTenant(t, t);
      const now = Date.now();
      await store.enqueue(
        'acme',
        [10, 20, 30].map((minutes, i) => ({ customerId: `c${i + 1}`, reason: 'score', at: now - minutes * MIN })),
      );
      await decide('acme', ann, 'c1', { action: 'PREVENT', label: 'FRAUDSTER' }); // queued 10 min
      await decide('acme', ann, 'c2', { action: 'ALLOW', label: 'GENUINE' }); // queued 20 min
      await decide('acme', bob, 'c1', { action: 'PREVENT', label: 'FRAUDSTER' }); // agrees with ann
      await decide('acme', bob, 'c2', { action: 'PREVENT', label: 'FRAUDSTER' }); // overturns ann
      await store.claim('acme', ann, 'c3');
      await decide('acme', ann, 'c3', { action: 'ALLOW' }); // queued 30 min, claimed, no label
      await decide('acme', bob, 'c5', { action: 'ALLOW' }); // never queued: not timed
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('counts decisions and times them from the queue, per analyst, per day and for the team', async () => {
      const q = await quality.figures('acme', range(), reader);
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(q.days.at(-1), today);
      assert.equal(q.days.length, 2);
      assert.deepEqual(
        q.analysts.map((a) => [a.analyst, a.totals.decisions, a.totals.timed]),
        [
          ['ann@example.com', 3, 3],
          ['bob@example.com', 3, 0],
        ],
      );
      const [a, b] = q.analysts;
      // 600, 1,200 and 1,800 seconds from entering the queue (a few seconds of test time on top).
      assert.ok(Math.abs(a!.totals.medianSeconds! - 1_200) < 10, String(a!.totals.medianSeconds));
      assert.ok(Math.abs(q.team.totals.p90Seconds! - 1_680) < 10, String(q.team.totals.p90Seconds));
      assert.equal(b!.totals.medianSeconds, null);
      assert.deepEqual(
        q.team.days.map((d) => [d.day, d.figures.decisions]),
        [[today, 6]],
      );
      assert.deepEqual(
        a!.days.map((d) => [d.day, d.figures.decisions, d.figures.timed]),
        [[today, 3, 3]],
      );
      assert.equal(q.team.totals.decisions, 6);
    });

    it('counts labels overturned by someone else, and agreement on customers reviewed twice', async () => {
      const q = await quality.figures('acme', range(), reader);
      const by = Object.fromEntries(q.analysts.map((a) => [a.analyst, a.totals]));
      // ann labelled c1 and c2; bob changed c2's label: one of ann's two is overturned. bob's c1
      // confirmed the label it had, so only c2 is a label of his.
      assert.deepEqual([by['ann@example.com']!.labels, by['ann@example.com']!.overturned], [2, 1]);
      assert.deepEqual([by['bob@example.com']!.labels, by['bob@example.com']!.overturned], [1, 0]);
      // c1 and c2 were each decided by both: they agreed on c1 and not on c2.
      for (const who of ['ann@example.com', 'bob@example.com']) {
        assert.deepEqual([by[who]!.reviewedTwice, by[who]!.agreed, by[who]!.agreementRate], [2, 1, 0.5]);
      }
      assert.deepEqual([q.team.totals.reviewedTwice, q.team.totals.agreed, q.team.totals.agreementRate], [2, 1, 0.5]);
      assert.equal(q.team.totals.claimsExpired, 0);
    });

    it("counts only the range asked for and only the tenant's own rows", async () => {
      const before = await quality.figures(
        'acme',
        { from: started - 3 * DAY, to: started - 2 * DAY, tz: 'UTC' },
        reader,
      );
      // 24 hours from a time of day: parts of two days.
      assert.deepEqual([before.team.totals.decisions, before.analysts.length, before.days.length], [0, 0, 2]);
      const other = await quality.figures('other', range(), reader);
      assert.deepEqual([other.team.totals.decisions, other.analysts], [0, []]);
    });

    it('counts a claim that lapsed for its holder, on the day it lapsed, once its idle time has passed', async () => {
      await store.configureReviews('lapse', { claimIdleMinutes: 0.05 }); // 3 seconds
      await store.enqueue('lapse', [
        { customerId: 'x1', reason: 'score' },
        { customerId: 'x2', reason: 'score' },
      ]);
      await store.claim('lapse', ann, 'x1'); // left to lapse
      await store.claim('lapse', bob, 'x2');
      await decide('lapse', bob, 'x2', { action: 'ALLOW' }); // decided in time
      const early = await quality.figures('lapse', range(), reader);
      assert.equal(early.team.totals.claimsExpired, 0);
      await new Promise((resolve) => setTimeout(resolve, 3_300));
      const late = await quality.figures('lapse', range(), reader);
      const by = Object.fromEntries(late.analysts.map((a) => [a.analyst, a.totals.claimsExpired]));
      assert.deepEqual(by, { 'ann@example.com': 1, 'bob@example.com': 0 });
      assert.equal(late.team.totals.claimsExpired, 1);
      assert.equal(late.team.days.at(-1)!.figures.claimsExpired, 1);
    });

    it('times a decision after a reopen from the reopen, not from the first time in the queue', async () => {
      await store.enqueue('reopen', [{ customerId: 'r1', reason: 'score', at: Date.now() - 60 * MIN }]);
      await decide('reopen', ann, 'r1', { action: 'PREVENT' });
      await decide('reopen', lea, 'r1', { reopen: true, reasonText: 'new evidence' });
      await decide('reopen', ann, 'r1', { action: 'ALLOW' });
      const q = await quality.figures('reopen', range(), reader);
      const days = q.analysts[0]!.totals;
      assert.deepEqual([days.decisions, days.timed], [2, 2]);
      // One decision an hour after queueing, one seconds after the reopen: the median is half way.
      assert.ok(days.p90Seconds! > 3_000 && days.medianSeconds! < 1_900, JSON.stringify(days));
    });

    it('audits each read in the tenant, as the lead who read', async () => {
      await quality.figures('other', range(), reader);
      const { rows } = await db.withTenant('other', (tx) =>
        tx.query<{ action: string; actor_email: string; after: { tz: string } }>(
          "SELECT action, actor_email, after FROM audit_log WHERE action = 'quality.read' ORDER BY chain_pos DESC LIMIT 1",
        ),
      );
      assert.deepEqual(
        rows.map((r) => [r.action, r.actor_email, r.after.tz]),
        [['quality.read', 'lea@example.com', 'UTC']],
      );
    });
  });
}
