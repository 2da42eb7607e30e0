// The audit log contract (docs/audit.md): the chain built by the database on every insert holds
// under concurrent writers, verify finds an edited row at its position and a removed tail through
// a signed checkpoint, the application role cannot UPDATE, DELETE or TRUNCATE, and exports are inert
// in a spreadsheet. Runs on PostgreSQL (pg) and PGlite; tampering goes through the owner's
// connection with triggers off (session_replication_role = replica), as a superuser could.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/db/database.ts';
import { APP_ROLE } from '../../src/db/database.ts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { SqlAuditLog } from '../../src/adapters/audit-log/sql-audit-log.ts';
import { ephemeralSigner } from '../../src/adapters/cursors.ts';
import type { AuditReader } from '../../src/ports/audit-log.ts';
import { auditCsv } from '../../src/views/audit.ts';
import { BadCursor } from '../../src/domain/errors.ts';

const lead: AuditReader = { sub: 'accounts.google.com:100', email: 'lea@example.com', role: 'lead' };
const analysts = Array.from({ length: 10 }, (_, i) => ({
  sub: `accounts.google.com:${i + 1}`,
  email: `analyst${i + 1}@example.com`,
  role: 'analyst',
}));

/** Runs `sql` as the owner (or superuser) with every trigger off: what an attacker with that access can do. */
async function tamper(db: Database, sql: string, params: unknown[] = []) {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });
}

export function auditLogContract(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  options: { skip?: string; writers?: number } = {},
) {
  describe(`AuditLog contract: ${name}`, options, () => {
    let db: Database;
    let store: SqlReviewStore;
    let log: SqlAuditLog;
    let cleanup: () => Promise<void>;
    const checkpointSigner = ephemeralSigner();

    before(async () => {
      ({ db, cleanup } = await open());
      store = new SqlReviewStore(db);
      log = new SqlAuditLog(db, { cursorSigner: ephemeralSigner(), checkpointSigner });
      for (const t of ['acme', 'globex', 'edited', 'cut', 'csv']) await store.ensureTenant(t, t);
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('1,000 concurrent actions from 10 analysts form one unforked chain that verifies', async () => {
      // Each analyst keeps 10 actions in flight (100 at once in all): more would only queue for
      // the pool's 10 connections, past its connection timeout.
      await Promise.all(
        analysts.flatMap((a, i) =>
          Array.from({ length: 10 }, async (_, lane) => {
            for (let k = 0; k < 10; k++) {
              const j = lane * 10 + k;
              await store.addNote('acme', a, {
                id: crypto.randomUUID(),
                customerId: `c${(i * 100 + j) % 37}`,
                body: `n${j}`,
              });
            }
          }),
        ),
      );
      const rows = await db.query<{ n: string; positions: string; distinct_prev: string }>(
        `SELECT count(*) AS n, max(chain_pos) AS positions, count(DISTINCT prev_hash) AS distinct_prev
         FROM audit_log WHERE tenant_id = 'acme'`,
      );
      assert.deepEqual(
        [rows.rows[0]!.n, rows.rows[0]!.positions, rows.rows[0]!.distinct_prev].map(Number),
        [1000, 1000, 1000],
      );
      const result = await log.verify('acme', lead);
      assert.equal(result.ok, true, JSON.stringify(result.broken));
      assert.equal(result.checked, 1000);
      assert.equal(result.head?.position, 1000);
      // The verification itself is audited, as the lead, with their role.
      const last = await db.query<{ action: string; actor_role: string; chain_pos: string }>(
        `SELECT action, actor_role, chain_pos FROM audit_log WHERE tenant_id = 'acme' ORDER BY chain_pos DESC LIMIT 1`,
      );
      assert.deepEqual(
        { ...last.rows[0], chain_pos: Number(last.rows[0]!.chain_pos) },
        {
          action: 'audit.verify',
          actor_role: 'lead',
          chain_pos: 1001,
        },
      );
      // Each tenant has its own chain, starting at 1.
      await store.addNote('globex', analysts[0]!, { id: crypto.randomUUID(), customerId: 'g1', body: 'hello' });
      const g = await log.verify('globex');
      assert.deepEqual([g.ok, g.checked, g.head?.position], [true, 1, 1]);
    });

    it('finds a row edited through the owner connection at its position', async () => {
      for (let i = 0; i < 20; i++) {
        await store.addNote('edited', analysts[i % 10]!, {
          id: crypto.randomUUID(),
          customerId: `e${i}`,
          body: `b${i}`,
        });
      }
      assert.equal((await log.verify('edited')).ok, true);
      // The same walk in ranges of 3 positions, two in flight, across every range edge.
      const small = new SqlAuditLog(db, { cursorSigner: ephemeralSigner(), checkpointSigner, verifyBatch: 3 });
      await tamper(
        db,
        `UPDATE audit_log SET after = '{"body":"nothing to see"}' WHERE tenant_id = 'edited' AND chain_pos = 7`,
      );
      const result = await log.verify('edited');
      assert.equal(result.ok, false);
      assert.deepEqual(result.broken && [result.broken.position, result.broken.reason], [7, 'content']);
      assert.equal(result.checked, 6);
      assert.equal(result.head?.position, 6);
      assert.deepEqual(await small.verify('edited').then((r) => [r.broken?.position, r.checked]), [7, 6]);

      // Recomputing the edited row's hash moves the break to the next row's link.
      await tamper(
        db,
        `UPDATE audit_log a SET row_hash = audit_row_hash(a) WHERE tenant_id = 'edited' AND chain_pos = 7`,
      );
      const relinked = await log.verify('edited');
      assert.deepEqual(relinked.broken && [relinked.broken.position, relinked.broken.reason], [8, 'link']);
      assert.deepEqual(await small.verify('edited').then((r) => [r.broken?.position, r.broken?.reason]), [8, 'link']);

      // A row removed from the middle leaves a gap.
      await tamper(db, `DELETE FROM audit_log WHERE tenant_id = 'edited' AND chain_pos IN (3, 4)`);
      const gap = await log.verify('edited');
      assert.deepEqual(gap.broken && [gap.broken.position, gap.broken.reason], [3, 'missing']);
      const gapSmall = await small.verify('edited');
      assert.deepEqual(gapSmall.broken && [gapSmall.broken.position, gapSmall.broken.reason], [3, 'missing']);
    });

    it('finds a deleted tail through the signed checkpoint', async () => {
      for (let i = 0; i < 12; i++) {
        await store.addNote('cut', analysts[0]!, { id: crypto.randomUUID(), customerId: `t${i}`, body: `b${i}` });
      }
      const cp = await log.checkpoint('cut');
      assert.equal(cp?.position, 12);
      assert.equal(await log.checkpoint('cut'), undefined, 'no new checkpoint while the head has not moved');
      const intact = await log.verify('cut');
      assert.deepEqual([intact.ok, intact.checkpoint?.position], [true, 12]);
      const small = new SqlAuditLog(db, { cursorSigner: ephemeralSigner(), checkpointSigner, verifyBatch: 4 });
      assert.deepEqual(await small.verify('cut').then((r) => [r.ok, r.checked, r.checkpoint?.position]), [
        true,
        12,
        12,
      ]);

      await tamper(db, `DELETE FROM audit_log WHERE tenant_id = 'cut' AND chain_pos > 9`);
      const result = await log.verify('cut');
      assert.equal(result.ok, false);
      assert.deepEqual(result.broken && [result.broken.position, result.broken.reason], [10, 'truncated']);
      assert.equal(result.checked, 9);
      assert.deepEqual(await small.verify('cut').then((r) => [r.broken?.position, r.broken?.reason]), [
        10,
        'truncated',
      ]);

      // A checkpoint not signed with the server's key is refused, not trusted.
      await tamper(
        db,
        `INSERT INTO audit_checkpoints (tenant_id, chain_pos, row_hash, mac) VALUES ('cut', 5, decode(repeat('00', 32), 'hex'), 'forged.mac')`,
      );
      const forged = await log.verify('cut');
      assert.deepEqual(forged.broken && [forged.broken.position, forged.broken.reason], [5, 'checkpoint']);
    });

    it('refuses UPDATE, DELETE and TRUNCATE to the application role, and allows SELECT and INSERT', async () => {
      await store.addNote('globex', analysts[1]!, { id: crypto.randomUUID(), customerId: 'g2', body: 'x' });
      for (const sql of [
        "UPDATE audit_log SET action = 'x'",
        'DELETE FROM audit_log',
        'TRUNCATE audit_log',
        "UPDATE audit_checkpoints SET mac = 'x'",
        'DELETE FROM audit_checkpoints',
        'TRUNCATE audit_checkpoints',
      ]) {
        await assert.rejects(
          db.withTenant('globex', (tx) => tx.query(sql)),
          /permission denied/,
          `${sql} as ${APP_ROLE}`,
        );
      }
      // The owner is held back too (no trigger switched off): the table is append-only for everyone.
      await assert.rejects(db.query("DELETE FROM audit_log WHERE tenant_id = 'globex'"), /append-only/);
      // A writer cannot choose its own hash or position: the trigger sets them.
      await db.withTenant('globex', (tx) =>
        tx.query(
          `INSERT INTO audit_log (tenant_id, actor_sub, actor_email, action, outcome, object_type, object_id, chain_pos, prev_hash, row_hash)
           VALUES ('globex', 's', 'e', 'forged', 'success', 't', 'o', 1, '\\x00', '\\x00')`,
        ),
      );
      assert.equal((await log.verify('globex')).ok, true);
    });

    it('pages newest first by signed cursor, filters, and audits the read', async () => {
      const filter = { actor: analysts[3]!.email };
      const first = await log.list('acme', filter, { limit: 40 }, lead);
      assert.equal(first.rows.length, 40);
      assert.ok(first.rows.every((r) => r.actor.email === analysts[3]!.email && r.action === 'note.add'));
      assert.ok(first.next);
      const rest = await log.list('acme', filter, { limit: 100, after: first.next }, lead);
      assert.equal(rest.rows.length, 60);
      assert.equal(rest.next, undefined);
      const positions = [...first.rows, ...rest.rows].map((r) => r.position);
      assert.deepEqual(
        positions,
        [...positions].sort((a, b) => b - a),
      );
      assert.equal(new Set(positions).size, 100);
      // A cursor is bound to its tenant and filter.
      await assert.rejects(
        log.list('acme', { actor: analysts[4]!.email }, { limit: 5, after: first.next }, lead),
        BadCursor,
      );
      await assert.rejects(log.list('globex', filter, { limit: 5, after: first.next }, lead), BadCursor);
      const reads = await log.list('acme', { action: 'audit.read', actor: lead.email }, { limit: 10 }, lead);
      assert.equal(reads.rows.length, 2);
      assert.deepEqual(reads.rows[0]!.after, { filter, after: true, rows: 60 });
      const byCustomer = await log.list('acme', { customer: 'c5', outcome: 'success' }, { limit: 200 }, lead);
      assert.ok(byCustomer.rows.length > 0 && byCustomer.rows.every((r) => r.target.id === 'c5'));
      const none = await log.list(
        'acme',
        { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' },
        { limit: 5 },
        lead,
      );
      assert.deepEqual(none.rows, []);
    });

    it('exports every matching row in batches, audited first, with formula cells inert', async () => {
      for (const body of ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)']) {
        await store.addNote(
          'csv',
          { sub: '=cmd', email: '@evil@example.com' },
          { id: crypto.randomUUID(), customerId: body, body },
        );
      }
      const rows = await log.export('csv', {}, 'csv', lead);
      let text = '';
      for await (const line of auditCsv(rows)) text += line;
      const lines = text.trim().split('\r\n');
      assert.equal(lines.length, 1 + 5, 'header, four notes and the export row');
      assert.match(lines[1]!, /audit\.export/);
      for (const line of lines.slice(2)) {
        const cells = line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
        for (const cell of cells) assert.doesNotMatch(cell.replace(/^"/, ''), /^[=+\-@]/, `cell ${cell} is a formula`);
      }
      assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""http://x"",""y"")"`)));
      assert.ok(lines.some((l) => l.includes(",'@evil@example.com,")));

      // More rows than one batch come out complete and in order.
      const all: number[] = [];
      for await (const r of await log.export('acme', {}, 'jsonl', lead)) all.push(r.position);
      assert.ok(all.length > 1000);
      assert.deepEqual(
        all,
        Array.from({ length: all.length }, (_, i) => all[0]! - i),
      );
    });
  });
}
