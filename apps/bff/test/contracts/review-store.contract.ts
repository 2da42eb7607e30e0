// The ReviewStore contract: every adapter runs the same suite and the suite reads rows back
// through raw SQL as well as through the adapter, so it checks what was stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/database.ts';
import { APP_ROLE } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import type { Reviewer } from '../../src/ports/review-store.ts';
import { VersionMismatch } from '../../src/domain/errors.ts';
import { ReviewFollower } from '../../src/services/reviews.ts';

const alice = { sub: 'accounts.google.com:1', email: 'alice@example.com', requestId: 'req-1', clientIp: '127.0.0.1' };
const bob = { sub: 'accounts.google.com:2', email: 'bob@example.com' };
const ann: Reviewer = { sub: 'accounts.google.com:11', email: 'ann@example.com', role: 'analyst' };
const ben: Reviewer = { sub: 'accounts.google.com:12', email: 'ben@example.com', role: 'analyst' };
const lea: Reviewer = { sub: 'accounts.google.com:13', email: 'lea@example.com', role: 'lead' };
const key = (route = 'POST /reviews') => ({ key: crypto.randomUUID(), route });
const count = async (db: Database, sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0]!.n);

export function reviewStoreContract(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  options: { skip?: string } = {},
) {
  describe(`ReviewStore contract: ${name}`, options, () => {
    let db: Database;
    let store: SqlReviewStore;
    let cleanup: () => Promise<void>;

    before(async () => {
      ({ db, cleanup } = await open());
      store = new SqlReviewStore(db);
      await store.ensureTenant('acme', 'Acme');
      await store.ensureTenant('globex', 'Globex');
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('stores a note and reads it back, newest first', async () => {
      const first = await store.addNote('acme', alice, { id: crypto.randomUUID(), customerId: 'c1', body: 'first' });
      const second = await store.addNote('acme', bob, { id: crypto.randomUUID(), customerId: 'c1', body: 'second' });
      assert.ok('note' in first && first.created);
      assert.ok('note' in second && second.created);
      const notes = await store.listNotes('acme', 'c1', 10);
      assert.deepEqual(
        notes.map((n) => [n.body, n.authorEmail]),
        [
          ['second', 'bob@example.com'],
          ['first', 'alice@example.com'],
        ],
      );
      const raw = await db.query<{ body: string; author_sub: string }>(
        "SELECT body, author_sub FROM notes WHERE tenant_id = 'acme' AND customer_id = 'c1' ORDER BY body",
      );
      assert.deepEqual(raw.rows, [
        { body: 'first', author_sub: alice.sub },
        { body: 'second', author_sub: bob.sub },
      ]);
    });

    it('is safe to retry: the same id and body store one note and one audit row', async () => {
      const id = crypto.randomUUID();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.addNote('acme', alice, { id, customerId: 'c2', body: 'retry me' })),
      );
      assert.equal(results.filter((r) => 'note' in r && r.created).length, 1);
      assert.ok(results.every((r) => 'note' in r && r.note.id === id));
      const notes = await db.query('SELECT 1 FROM notes WHERE id = $1', [id]);
      assert.equal(notes.rows.length, 1);
      const audits = await db.query("SELECT 1 FROM audit_log WHERE action = 'note.add' AND object_id = 'c2'");
      assert.equal(audits.rows.length, 1);
    });

    it('refuses to reuse a note id for a different body', async () => {
      const id = crypto.randomUUID();
      await store.addNote('acme', alice, { id, customerId: 'c3', body: 'one' });
      assert.deepEqual(await store.addNote('acme', alice, { id, customerId: 'c3', body: 'two' }), { conflict: true });
    });

    it('writes the audit row in the same transaction with who, what, where and after', async () => {
      const id = crypto.randomUUID();
      await store.addNote('acme', alice, { id, customerId: 'c4', body: 'audited' });
      const { rows } = await db.query<Record<string, unknown>>(
        "SELECT actor_sub, actor_email, action, outcome, object_type, object_id, request_id, client_ip, after FROM audit_log WHERE object_id = 'c4'",
      );
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.equal(row['actor_sub'], alice.sub);
      assert.equal(row['action'], 'note.add');
      assert.equal(row['outcome'], 'success');
      assert.equal(row['request_id'], 'req-1');
      assert.equal((row['after'] as { id: string }).id, id);
    });

    it('keeps tenants apart through row-level security', async () => {
      await store.addNote('globex', alice, { id: crypto.randomUUID(), customerId: 'c1', body: 'globex only' });
      const acme = await store.listNotes('acme', 'c1', 50);
      assert.ok(acme.every((n) => n.body !== 'globex only'));
      // An unfiltered SELECT as the application role sees only the tenant set for the transaction.
      const seen = await db.withTenant('globex', (tx) =>
        tx.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM notes'),
      );
      assert.deepEqual(seen.rows, [{ tenant_id: 'globex' }]);
      // Writing another tenant's row is refused by the policy's WITH CHECK.
      await assert.rejects(
        db.withTenant('acme', (tx) =>
          tx.query(
            "INSERT INTO notes (tenant_id, id, customer_id, author_sub, author_email, body) VALUES ('globex', $1, 'x', 's', 'e', 'b')",
            [crypto.randomUUID()],
          ),
        ),
        /row-level security/,
      );
      const role = await db.withTenant('acme', (tx) => tx.query<{ r: string }>('SELECT current_user AS r'));
      assert.equal(role.rows[0]!.r, APP_ROLE);
    });

    it('keeps the audit log append-only, even for the owner', async () => {
      await assert.rejects(db.query('UPDATE audit_log SET action = $1', ['x']), /append-only/);
      await assert.rejects(db.query('DELETE FROM audit_log'), /append-only/);
      await assert.rejects(db.query('TRUNCATE audit_log'), /append-only/);
      await assert.rejects(
        db.withTenant('acme', (tx) => tx.query('UPDATE audit_log SET action = $1', ['x'])),
        /permission denied|append-only/,
      );
    });

    it('records a decision and label with a version, its audit row and an outbox row in one write', async () => {
      const answer = await store.review(
        'acme',
        ann,
        'r1',
        0,
        { action: 'PREVENT', label: 'FRAUDSTER', reason: 'confirmed-fraud', note: 'chargeback' },
        key(),
      );
      assert.equal(answer.status, 201);
      assert.equal(answer.replayed, false);
      assert.deepEqual(
        [answer.body.state.status, answer.body.state.version, answer.body.state.action, answer.body.state.label],
        ['decided', 1, 'PREVENT', 'FRAUDSTER'],
      );
      assert.equal(answer.body.state.updatedBy?.email, ann.email);
      assert.deepEqual(answer.body.review.before, { status: 'none', action: null, label: null });
      assert.equal(await count(db, "audit_log WHERE action = 'review.decision' AND object_id = 'r1'"), 1);
      assert.equal(await count(db, "review_outbox WHERE customer_id = 'r1' AND tenant_id = 'acme'"), 1);
      const history = await store.listReviews('acme', 'r1', ann, 10);
      assert.equal(history.reviews.length, 1);
      assert.equal(history.reviews[0]!.undoable, true);
      assert.equal((await store.listReviews('acme', 'r1', ben, 10)).reviews[0]!.undoable, false);
    });

    it('two analysts on the same version: one succeeds, one gets the current state and who changed it, one audit row', async () => {
      await store.review('acme', ann, 'r2', 0, { action: 'REVIEW' }, key());
      const results = await Promise.allSettled([
        store.review('acme', ann, 'r2', 1, { label: 'FRAUDSTER' }, key()),
        store.review('acme', ben, 'r2', 1, { label: 'GENUINE' }, key()),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const stale = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 1);
      assert.equal(stale.length, 1);
      const error = stale[0]!.reason as VersionMismatch;
      assert.ok(error instanceof VersionMismatch);
      const current = error.current as {
        state: { version: number; updatedBy: { email: string } };
        lastReview: { label: string };
      };
      assert.equal(current.state.version, 2);
      const winner = (
        ok[0] as PromiseFulfilledResult<{ body: { state: { updatedBy: { email: string }; label: string } } }>
      ).value.body.state;
      assert.equal(current.state.updatedBy.email, winner.updatedBy.email);
      assert.equal(current.lastReview.label, winner.label);
      assert.equal(await count(db, "audit_log WHERE object_id = 'r2' AND action LIKE 'review.%'"), 2);
      assert.equal(await count(db, "reviews WHERE customer_id = 'r2'"), 2);
    });

    it('20 parallel identical POSTs with one Idempotency-Key store one review and replay its answer', async () => {
      const k = key();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => store.review('acme', ann, 'r3', 0, { action: 'ALLOW', label: 'GENUINE' }, k)),
      );
      assert.equal(answers.filter((a) => !a.replayed).length, 1);
      const ids = new Set(answers.map((a) => a.body.review.id));
      assert.equal(ids.size, 1);
      assert.equal(await count(db, "reviews WHERE customer_id = 'r3'"), 1);
      assert.equal(await count(db, "audit_log WHERE object_id = 'r3'"), 1);
      await assert.rejects(
        store.review('acme', ann, 'r3', 0, { action: 'PREVENT' }, k),
        (e: { code: string; details: { field: string }[] }) =>
          e.code === 'IDEMPOTENCY_KEY_REUSED' && e.details[0]!.field === '/headers/idempotency-key',
      );
    });

    it('a failure after the review insert leaves nothing written, not even the audit row', async () => {
      const broken = new SqlReviewStore(db, {
        faults: {
          afterReviewInsert: () => {
            throw new Error('injected');
          },
        },
      });
      const k = key();
      await assert.rejects(broken.review('acme', ann, 'r4', 0, { label: 'FRAUDSTER' }, k), /injected/);
      assert.equal(await count(db, "reviews WHERE customer_id = 'r4'"), 0);
      assert.equal(await count(db, "audit_log WHERE object_id = 'r4'"), 0);
      assert.equal(await count(db, "review_outbox WHERE customer_id = 'r4'"), 0);
      assert.equal(await count(db, "review_state WHERE customer_id = 'r4'"), 0);
      assert.equal(await count(db, 'idempotency_keys WHERE key = $1', [k.key]), 0);
      assert.equal((await store.reviewState('acme', 'r4')).version, 0);
    });

    it('concurrent reviews and nexts (audit row sent with the COMMIT) link one unforked audit chain', async () => {
      await store.ensureTenant('initech', 'Initech');
      await store.enqueue(
        'initech',
        Array.from({ length: 40 }, (_, i) => ({ customerId: `iq${i}`, score: i, reason: 'score says REVIEW' })),
      );
      const reviewers: Reviewer[] = Array.from({ length: 10 }, (_, i) => ({
        sub: `initech:${i}`,
        email: `a${i}@initech.test`,
        role: 'analyst',
      }));
      await Promise.all([
        ...Array.from({ length: 100 }, (_, i) =>
          store.review('initech', reviewers[i % 10]!, `iw${i}`, 0, { action: 'PREVENT', label: 'FRAUDSTER' }, key()),
        ),
        ...Array.from({ length: 40 }, (_, i) => store.next('initech', reviewers[i % 10]!, i % 2 ? 'score' : 'age')),
      ]);
      const { rows } = await db.query<{ chain_pos: string; prev: string; hash: string }>(
        `SELECT chain_pos, encode(prev_hash, 'hex') AS prev, encode(row_hash, 'hex') AS hash
         FROM audit_log WHERE tenant_id = 'initech' ORDER BY chain_pos`,
      );
      assert.equal(rows.length, 140);
      let link = '0'.repeat(64);
      rows.forEach((row, i) => {
        assert.equal(Number(row.chain_pos), i + 1);
        assert.equal(row.prev, link, `position ${i + 1} does not follow the row before it`);
        link = row.hash;
      });
    });

    it('refuses a reason that is not in the tenant list, naming the field', async () => {
      await assert.rejects(
        store.review('acme', ann, 'r5', 0, { label: 'GENUINE', reason: 'made-up' }, key()),
        (e: { details: { field: string }[] }) => e.details[0]!.field === '/body/reason',
      );
      await store.configureReviews('acme', { reasons: [{ id: 'made-up', text: 'Made up' }] });
      const ok = await store.review('acme', ann, 'r5', 0, { label: 'GENUINE', reason: 'made-up' }, key());
      assert.equal(ok.body.review.reason, 'made-up');
      await store.configureReviews('acme', {
        reasons: (await import('../../src/adapters/review-store/sql-review-store.ts')).DEFAULT_REASONS,
      });
    });

    it('undo: the reviewer reverts their own last review within the window, as a new review', async () => {
      const first = await store.review('acme', ann, 'r6', 0, { action: 'ALLOW', label: 'GENUINE' }, key());
      const second = await store.review('acme', ann, 'r6', 1, { action: 'PREVENT', label: 'FRAUDSTER' }, key());
      await assert.rejects(store.review('acme', ben, 'r6', 2, { undo: second.body.review.id }, key()), /Cannot undo/);
      await assert.rejects(store.review('acme', ann, 'r6', 2, { undo: first.body.review.id }, key()), /latest review/);
      const undo = await store.review('acme', ann, 'r6', 2, { undo: second.body.review.id }, key());
      assert.deepEqual(
        [undo.body.state.action, undo.body.state.label, undo.body.review.kind],
        ['ALLOW', 'GENUINE', 'undo'],
      );
      assert.equal(undo.body.review.undoes, second.body.review.id);
      assert.equal(await count(db, "reviews WHERE customer_id = 'r6'"), 3);
      await store.configureReviews('acme', { undoMinutes: 0 });
      const third = await store.review('acme', ann, 'r6', 3, { label: 'FRAUDSTER' }, key());
      await assert.rejects(store.review('acme', ann, 'r6', 4, { undo: third.body.review.id }, key()), /window/);
      await store.configureReviews('acme', { undoMinutes: 10 });
    });

    it('the queue: enqueue, list by age and score, claim, release, reassign by a lead with a reason, reopen', async () => {
      const base = Date.now() - 3_600_000;
      await store.enqueue('globex', [
        { customerId: 'q1', score: 40, reason: 'score 40 → REVIEW', at: base },
        { customerId: 'q2', score: 90, reason: 'score 90 → REVIEW', at: base + 1000 },
        {
          customerId: 'q3',
          score: 70,
          label: 'POTENTIALLY_FRAUDULENT',
          reason: 'labelled POTENTIALLY_FRAUDULENT',
          at: base + 2000,
        },
      ]);
      // Enqueuing again refreshes the score and keeps the age.
      await store.enqueue('globex', [{ customerId: 'q1', score: 45, reason: 'again', at: Date.now() }]);
      const byAge = await store.queue('globex', { sort: 'age', limit: 10, offset: 0 });
      assert.deepEqual(
        byAge.rows.map((r) => r.state.customerId),
        ['q1', 'q2', 'q3'],
      );
      assert.equal(byAge.rows[0]!.score, 45);
      assert.equal(byAge.rows[0]!.state.queueReason, 'score 40 → REVIEW');
      const byScore = await store.queue('globex', { sort: 'score', limit: 10, offset: 0 });
      assert.deepEqual(
        byScore.rows.map((r) => r.state.customerId),
        ['q2', 'q3', 'q1'],
      );

      const claimed = await store.claim('globex', ann, 'q2');
      assert.equal(claimed.assignee?.email, ann.email);
      await assert.rejects(store.claim('globex', ben, 'q2'), /holds the claim/);
      await assert.rejects(store.release('globex', ben, 'q2'), /only a lead/);
      const mine = await store.queue('globex', { sort: 'age', limit: 10, offset: 0, assignee: ann.sub });
      assert.deepEqual(
        mine.rows.map((r) => r.state.customerId),
        ['q2'],
      );
      await assert.rejects(store.reassign('globex', ann, 'q2', ben, 'holiday'), /may not reassign/);
      const moved = await store.reassign('globex', lea, 'q2', ben, 'ann on holiday');
      assert.equal(moved.assignee?.email, ben.email);
      const released = await store.release('globex', ben, 'q2');
      assert.equal(released.status, 'open');
      const audits = await db.query<{ action: string }>(
        "SELECT action FROM audit_log WHERE tenant_id = 'globex' AND object_id = 'q2' ORDER BY seq",
      );
      assert.deepEqual(
        audits.rows.map((r) => r.action),
        ['queue.claim', 'queue.reassign', 'queue.release'],
      );

      const decided = await store.review(
        'globex',
        ann,
        'q3',
        (await store.reviewState('globex', 'q3')).version,
        { label: 'FRAUDSTER' },
        key(),
      );
      assert.equal(decided.body.state.status, 'decided');
      assert.equal((await store.queue('globex', { sort: 'age', limit: 10, offset: 0 })).total, 2);
      await assert.rejects(
        store.review('globex', ann, 'q3', decided.body.state.version, { reopen: true }, key()),
        /needs a reason/,
      );
      const reopened = await store.review(
        'globex',
        ann,
        'q3',
        decided.body.state.version,
        { reopen: true, reasonText: 'new links' },
        key(),
      );
      assert.equal(reopened.body.state.status, 'open');
      assert.equal((await store.queue('globex', { sort: 'age', limit: 10, offset: 0 })).total, 3);
    });

    it('reads a label stored under its earlier name POTENTIALLY_FRAUDSTER as POTENTIALLY_FRAUDULENT', async () => {
      await store.enqueue('acme', [
        { customerId: 'legacy-1', label: 'POTENTIALLY_FRAUDULENT', reason: 'labelled', at: Date.now() },
      ]);
      // As written before the rename (the owner may rewrite review_state; reviews stay as written).
      await db.query("UPDATE review_state SET label = 'POTENTIALLY_FRAUDSTER' WHERE customer_id = 'legacy-1'");
      assert.equal((await store.reviewState('acme', 'legacy-1')).label, 'POTENTIALLY_FRAUDULENT');
      const queued = (await store.queue('acme', { sort: 'age', limit: 500, offset: 0 })).rows.find(
        (r) => r.state.customerId === 'legacy-1',
      );
      assert.equal(queued?.state.label, 'POTENTIALLY_FRAUDULENT');
      const decided = await store.review('acme', ann, 'legacy-1', 1, { action: 'ALLOW' }, key());
      assert.equal(decided.body.review.before.label, 'POTENTIALLY_FRAUDULENT');
      assert.equal(decided.body.state.label, 'POTENTIALLY_FRAUDULENT');
    });

    it('two analysts pressing next 100 times together are never served the same customer', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => `n${String(i).padStart(3, '0')}`);
      await store.ensureTenant('nexty', 'Next');
      await store.enqueue(
        'nexty',
        ids.map((customerId, i) => ({ customerId, score: i % 100, reason: 'test', at: Date.now() - 1e6 + i })),
      );
      const served = new Map<string, string>();
      const press = async (who: Reviewer, sort: 'age' | 'score') => {
        for (let i = 0; i < 100; i++) {
          const got = await store.next('nexty', who, sort);
          assert.ok(got, `${who.email} got nothing on press ${i}`);
          assert.ok(
            !served.has(got.customerId),
            `${got.customerId} served to ${served.get(got.customerId)} and ${who.email}`,
          );
          served.set(got.customerId, who.email);
        }
      };
      // The same sort for both: they race for the same head of the queue on every press.
      await Promise.all([press(ann, 'age'), press(ben, 'age')]);
      assert.equal(served.size, 200);
      assert.equal(await store.next('nexty', ann, 'age'), null);
      const claimed = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM review_state WHERE tenant_id = 'nexty' AND status = 'claimed'",
      );
      assert.equal(Number(claimed.rows[0]!.n), 200);
    });

    it('next by a ranked order claims the first free customer of the order', async () => {
      await store.enqueue('nexty', [
        { customerId: 'o1', reason: 't' },
        { customerId: 'o2', reason: 't' },
        { customerId: 'o3', reason: 't' },
      ]);
      await store.claim('nexty', ben, 'o3');
      const got = await store.next('nexty', ann, { order: ['o3', 'o2', 'o1'] });
      assert.equal(got?.customerId, 'o2');
    });

    it('a bulk label and its revert: state as before, one audit row per customer each way, the batch kept', async () => {
      await store.review('acme', ann, 'b2', 0, { action: 'ALLOW', label: 'GENUINE' }, key());
      await store.enqueue('acme', [{ customerId: 'b3', score: 60, reason: 'score 60 → REVIEW' }]);
      const before = await Promise.all(['b1', 'b2', 'b3'].map((id) => store.reviewState('acme', id)));
      const k = key('POST /clusters');
      const applied = await store.applyBatch(
        'acme',
        lea,
        { label: 'FRAUDSTER', customerIds: ['b1', 'b2', 'b3'], reason: 'linked-to-fraud' },
        k,
      );
      assert.deepEqual(applied.body.applied, ['b1', 'b2', 'b3']);
      const replay = await store.applyBatch(
        'acme',
        lea,
        { label: 'FRAUDSTER', customerIds: ['b1', 'b2', 'b3'], reason: 'linked-to-fraud' },
        k,
      );
      assert.equal(replay.replayed, true);
      assert.equal(replay.body.batchId, applied.body.batchId);
      for (const id of ['b1', 'b2', 'b3']) assert.equal((await store.reviewState('acme', id)).label, 'FRAUDSTER');
      assert.equal(
        await count(db, "audit_log WHERE action = 'review.batch' AND after->>'batchId' = $1", [applied.body.batchId]),
        3,
      );

      const reverted = await store.revertBatch('acme', lea, applied.body.batchId);
      assert.deepEqual(reverted.applied, ['b1', 'b2', 'b3']);
      const after = await Promise.all(['b1', 'b2', 'b3'].map((id) => store.reviewState('acme', id)));
      assert.deepEqual(
        after.map((s) => [s.status, s.action, s.label]),
        before.map((s) => [s.status, s.action, s.label]),
      );
      assert.equal(
        await count(db, "audit_log WHERE action = 'review.batch-revert' AND after->>'batchId' = $1", [
          applied.body.batchId,
        ]),
        3,
      );
      assert.equal(await count(db, 'reviews WHERE batch_id = $1', [applied.body.batchId]), 6);
      // A second revert is a retry: it changes nothing and writes nothing.
      const again = await store.revertBatch('acme', lea, applied.body.batchId);
      assert.deepEqual([again.applied, again.reverted], [[], true]);
      assert.equal(await count(db, 'reviews WHERE batch_id = $1', [applied.body.batchId]), 6);
    });

    it('a revert leaves customers changed since the batch as they are, and says by whom', async () => {
      const applied = await store.applyBatch(
        'acme',
        lea,
        { label: 'FRAUDSTER', customerIds: ['c7', 'c8'] },
        key('POST /clusters'),
      );
      const v = (await store.reviewState('acme', 'c8')).version;
      await store.review('acme', ben, 'c8', v, { label: 'GENUINE' }, key());
      const reverted = await store.revertBatch('acme', lea, applied.body.batchId);
      assert.deepEqual(reverted.applied, ['c7']);
      assert.deepEqual(reverted.skipped, [{ customerId: 'c8', reason: `changed since the batch by ${ben.email}` }]);
      assert.equal((await store.reviewState('acme', 'c8')).label, 'GENUINE');
    });

    it('the outbox leases changes oldest first, one per customer at a time, until each is applied', async () => {
      const leased = await store.leaseChanges(10_000);
      assert.ok(leased.length > 0);
      const ids = leased.map((p) => p.outboxId);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
      // Only the oldest pending change of each customer.
      const customers = leased.map((c) => `${c.tenant}/${c.customerId}`);
      assert.equal(new Set(customers).size, customers.length);
      const heads = await db.query<{ id: string }>(
        `SELECT min(id) AS id FROM review_outbox WHERE done_at IS NULL GROUP BY tenant_id, customer_id ORDER BY 1`,
      );
      assert.deepEqual(
        ids,
        heads.rows.map((r) => Number(r.id)),
      );
      // Leased rows are nobody else's.
      assert.deepEqual(await store.leaseChanges(10_000), []);
      const first = leased[0]!;
      await store.markFailed(first.outboxId, 'search down');
      assert.deepEqual(
        (await store.leaseChanges(10_000)).map((c) => c.outboxId),
        [first.outboxId],
      );
      await store.markApplied(first.outboxId);
      const after = await store.leaseChanges(10_000);
      assert.ok(after.every((c) => c.outboxId !== first.outboxId));
      await store.releaseChanges([...ids, ...after.map((c) => c.outboxId)]);
      assert.ok((await store.leaseChanges(10_000)).length >= ids.length - 1);
      await db.query('UPDATE review_outbox SET leased_until = NULL');
    });

    it('two followers on one database (two replicas) apply each outbox row once, each customer in order', async () => {
      await store.ensureTenant('umbrella', 'Umbrella');
      // Ten reviews of each of six customers, one after another: versions 1..10 per customer.
      for (let v = 0; v < 10; v++) {
        await Promise.all(
          Array.from({ length: 6 }, (_, c) =>
            store.review('umbrella', ann, `uc${c}`, v, { label: v % 2 ? 'FRAUDSTER' : 'GENUINE' }, key()),
          ),
        );
      }
      const pending = await count(db, 'review_outbox WHERE done_at IS NULL');
      const applied: { customer: string; version: number }[] = [];
      const followers = [new SqlReviewStore(db), new SqlReviewStore(db)].map(
        (replica) =>
          new ReviewFollower(replica, async (tenant, change) => {
            applied.push({ customer: `${tenant}/${change.customerId}`, version: change.version });
            // Applying takes a while (search, graph, bus): the other follower drains meanwhile.
            await new Promise((r) => setTimeout(r, 2));
          }),
      );
      // Both kick together, again and again, as after commits on two replicas.
      for (let round = 0; round < 5; round++) await Promise.all(followers.map((f) => f.kick()));
      await Promise.all(followers.map((f) => f.stop()));
      assert.equal(await count(db, 'review_outbox WHERE done_at IS NULL'), 0);
      assert.equal(applied.length, pending, 'each outbox row applied once');
      const versions = new Map<string, number[]>();
      for (const a of applied) versions.set(a.customer, [...(versions.get(a.customer) ?? []), a.version]);
      for (let c = 0; c < 6; c++) {
        assert.deepEqual(
          versions.get(`umbrella/uc${c}`),
          Array.from({ length: 10 }, (_, v) => v + 1),
          `uc${c} applied in order`,
        );
      }
    });
  });
}
