// The ReviewStore contract: every adapter runs the same suite and the suite reads rows back
// through raw SQL as well as through the adapter, so it checks what was stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/database.ts';
import { APP_ROLE } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';

const alice = { sub: 'accounts.google.com:1', email: 'alice@example.com', requestId: 'req-1', clientIp: '127.0.0.1' };
const bob = { sub: 'accounts.google.com:2', email: 'bob@example.com' };

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
  });
}
