// The audit log's reader and verifier on PostgreSQL (node-postgres or PGlite: db/database.ts).
// The chain itself is built by the database on every insert (migration 011, docs/audit.md); this
// reads it as the application role, which may only SELECT and INSERT audit rows.
import type { AuditEntry, AuditVerification } from '@redoubt/contracts/audit';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditCheckpoint, AuditFilter, AuditLog, AuditReader } from '../../ports/audit-log.ts';
import { audit } from '../review-store/sql-review-store.ts';
import { Cursors, fingerprint } from '../cursors.ts';
import type { CursorSigner } from '../cursors.ts';

const GENESIS = '0'.repeat(64);
/** Rows per round trip when verifying or exporting. */
const VERIFY_BATCH = 10_000;
const EXPORT_BATCH = 5_000;

const COLUMNS = `chain_pos, at, actor_sub, actor_email, actor_role, action, outcome, object_type, object_id,
  before, after, request_id, caller_request_id, client_ip, encode(prev_hash, 'hex') AS prev_hash,
  encode(row_hash, 'hex') AS row_hash`;

interface Row {
  chain_pos: string | number;
  at: Date | string;
  actor_sub: string;
  actor_email: string;
  actor_role: string | null;
  action: string;
  outcome: 'success' | 'failure';
  object_type: string;
  object_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  caller_request_id: string | null;
  client_ip: string | null;
  prev_hash: string;
  row_hash: string;
}

export const toAuditEntry = (r: Row): AuditEntry => ({
  position: Number(r.chain_pos),
  at: new Date(r.at).toISOString(),
  actor: { sub: r.actor_sub, email: r.actor_email, role: r.actor_role },
  action: r.action,
  outcome: r.outcome,
  target: { type: r.object_type, id: r.object_id },
  before: r.before ?? null,
  after: r.after ?? null,
  requestId: r.request_id,
  callerRequestId: r.caller_request_id,
  clientIp: r.client_ip,
  prevHash: r.prev_hash,
  hash: r.row_hash,
});

/** WHERE conditions (after tenant_id = $1) and their parameters for a filter. */
function where(tenant: string, filter: AuditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [tenant];
  const conds = ['tenant_id = $1'];
  const add = (cond: string, value: unknown) => {
    params.push(value);
    conds.push(cond.replace('?', `$${params.length}`));
  };
  if (filter.actor !== undefined) add('actor_email = ?', filter.actor);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.customer !== undefined) {
    conds.push(`object_type = 'customer'`);
    add('object_id = ?', filter.customer);
  }
  if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
  if (filter.position !== undefined) add('chain_pos <= ?', filter.position);
  if (filter.from !== undefined) add('at >= ?', filter.from);
  if (filter.to !== undefined) add('at < ?', filter.to);
  return { sql: conds.join(' AND '), params };
}

/** What a checkpoint's signature covers. */
const checkpointPayload = (tenant: string, position: number, hash: string) =>
  JSON.stringify(['audit-checkpoint', 1, tenant, position, hash]);

export class SqlAuditLog implements AuditLog {
  readonly #db: Database;
  readonly #cursors: Cursors;
  readonly #signer: CursorSigner;
  /** Positions per range read while verifying (tests use small ranges to cross their edges). */
  readonly #verifyBatch: number;

  /** `cursorSigner` seals page cursors; `checkpointSigner` signs chain heads (secrets.ts 'audit'). */
  constructor(
    db: Database,
    options: { cursorSigner: CursorSigner; checkpointSigner: CursorSigner; verifyBatch?: number },
  ) {
    this.#db = db;
    this.#verifyBatch = options.verifyBatch ?? VERIFY_BATCH;
    this.#cursors = new Cursors(options.cursorSigner, '/querystring/after');
    this.#signer = options.checkpointSigner;
  }

  #scope(tenant: string, filter: AuditFilter) {
    return { kind: 'audit' as const, tenant, bind: fingerprint(filter) };
  }

  async #page(tx: Queryable, tenant: string, filter: AuditFilter, before: number | undefined, limit: number) {
    const { sql, params } = where(tenant, filter);
    const cond = before === undefined ? '' : ` AND chain_pos < $${params.length + 1}`;
    const { rows } = await tx.query<Row>(
      `SELECT ${COLUMNS} FROM audit_log WHERE ${sql}${cond} ORDER BY chain_pos DESC LIMIT ${limit}`,
      before === undefined ? params : [...params, before],
    );
    return rows;
  }

  async list(
    tenant: string,
    filter: AuditFilter,
    page: { limit: number; after?: string },
    reader: AuditReader,
  ): Promise<{ rows: AuditEntry[]; next?: string }> {
    const scope = this.#scope(tenant, filter);
    let before: number | undefined;
    if (page.after !== undefined) {
      const position = this.#cursors.open(scope, page.after);
      if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 1) throw this.#cursors.refuse();
      before = position;
    }
    return this.#db.withTenant(tenant, async (tx) => {
      const rows = await this.#page(tx, tenant, filter, before, page.limit + 1);
      const more = rows.length > page.limit;
      const entries = rows.slice(0, page.limit).map(toAuditEntry);
      // Reading the audit log is audited, in the same transaction, after the read (so a page does
      // not show its own read).
      await audit(tx, tenant, reader, {
        action: 'audit.read',
        objectType: 'audit_log',
        objectId: tenant,
        after: { filter, after: page.after !== undefined, rows: entries.length },
      });
      const last = entries.at(-1);
      return more && last ? { rows: entries, next: this.#cursors.seal(scope, last.position) } : { rows: entries };
    });
  }

  async export(
    tenant: string,
    filter: AuditFilter,
    format: 'csv' | 'jsonl',
    reader: AuditReader,
  ): Promise<AsyncIterable<AuditEntry>> {
    // The export row is written (and committed) first: the export it records includes it.
    await this.#db.withTenant(tenant, (tx) =>
      audit(tx, tenant, reader, {
        action: 'audit.export',
        objectType: 'audit_log',
        objectId: tenant,
        after: { filter, format },
      }),
    );
    const db = this.#db;
    const page = this.#page.bind(this);
    return (async function* () {
      let before: number | undefined;
      for (;;) {
        const rows = await db.withTenant(tenant, (tx) => page(tx, tenant, filter, before, EXPORT_BATCH));
        for (const row of rows) yield toAuditEntry(row);
        if (rows.length < EXPORT_BATCH) return;
        before = Number(rows.at(-1)!.chain_pos);
      }
    })();
  }

  async verify(tenant: string, reader?: AuditReader): Promise<AuditVerification> {
    let expected = 1;
    let link = GENESIS;
    let head: AuditVerification['head'] = null;
    let checkpoint: AuditVerification['checkpoint'] = null;
    let broken: AuditVerification['broken'] = null;
    const hashes = new Map<number, string>();

    /** Checkpoints in (from, to]; each must be signed by us and agree with the row at its position. */
    const checkpoints = async (from: number, to: number | null) =>
      (
        await this.#db.withTenant(tenant, (tx) =>
          tx.query<{ chain_pos: string | number; hash: string; at: Date | string; mac: string }>(
            `SELECT chain_pos, encode(row_hash, 'hex') AS hash, at, mac FROM audit_checkpoints
             WHERE tenant_id = $1 AND chain_pos > $2 ${to === null ? '' : 'AND chain_pos <= $3'} ORDER BY chain_pos`,
            to === null ? [tenant, from] : [tenant, from, to],
          ),
        )
      ).rows.map((c) => ({ ...c, position: Number(c.chain_pos), at: new Date(c.at).toISOString() }));

    // Verified up to the head as it is now; rows appended meanwhile wait for the next verification.
    const top = Number(
      (
        await this.#db.withTenant(tenant, (tx) =>
          tx.query<{ top: string | number | null }>(
            'SELECT max(chain_pos) AS top FROM audit_log WHERE tenant_id = $1',
            [tenant],
          ),
        )
      ).rows[0]?.top ?? 0,
    );
    type VerifyRow = { chain_pos: string | number; prev: string; hash: string; intact: boolean; at: Date | string };
    const range = (lo: number) =>
      this.#db.withTenant(tenant, (tx) =>
        tx.query<VerifyRow>(
          `SELECT chain_pos, encode(prev_hash, 'hex') AS prev, encode(row_hash, 'hex') AS hash,
                  audit_row_hash(a) IS NOT DISTINCT FROM row_hash AS intact, at
           FROM audit_log a WHERE tenant_id = $1 AND chain_pos >= $2 AND chain_pos < $3 ORDER BY chain_pos`,
          [tenant, lo, lo + this.#verifyBatch],
        ),
      );
    // Two ranges in flight: the database hashes the next range while this one is checked.
    const pending: { lo: number; rows: Promise<{ rows: VerifyRow[] }> }[] = [];
    let nextLo = 1;
    const launch = () => {
      if (nextLo > top) return;
      const rows = range(nextLo);
      rows.catch(() => {}); // awaited below; not left unhandled when the walk stops early
      pending.push({ lo: nextLo, rows });
      nextLo += this.#verifyBatch;
    };
    launch();
    launch();
    walk: while (pending.length > 0) {
      const { lo, rows: read } = pending.shift()!;
      const { rows } = await read;
      launch();
      hashes.clear();
      for (const row of rows) {
        const position = Number(row.chain_pos);
        if (position !== expected) {
          broken = {
            position: expected,
            reason: 'missing',
            detail: `positions ${expected} to ${position - 1} are missing`,
          };
          break walk;
        }
        if (row.prev !== link) {
          broken = { position, reason: 'link', detail: 'the row does not follow the hash of the previous row' };
          break walk;
        }
        if (!row.intact) {
          broken = { position, reason: 'content', detail: "the row's content does not match its hash" };
          break walk;
        }
        link = row.hash;
        hashes.set(position, row.hash);
        head = { position, hash: row.hash, at: new Date(row.at).toISOString() };
        expected = position + 1;
      }
      // Checkpoints of the rows just checked (not of rows appended to this range after it was read).
      for (const c of await checkpoints(lo - 1, Math.min(lo + this.#verifyBatch - 1, expected - 1))) {
        if (this.#signer.verify(c.mac) !== checkpointPayload(tenant, c.position, c.hash)) {
          broken = {
            position: c.position,
            reason: 'checkpoint',
            detail: `the checkpoint of ${c.at} is not signed by this server`,
          };
          break walk;
        }
        if (hashes.get(c.position) !== c.hash) {
          broken = {
            position: c.position,
            reason: 'checkpoint',
            detail: `the row differs from the checkpoint of ${c.at}`,
          };
          break walk;
        }
        checkpoint = { position: c.position, at: c.at };
      }
    }
    if (!broken) {
      // A signed checkpoint past the last row: the tail was removed.
      for (const c of await checkpoints(expected - 1, null)) {
        if (this.#signer.verify(c.mac) !== checkpointPayload(tenant, c.position, c.hash)) continue;
        // A checkpoint of rows appended after this walk began is not a cut.
        const appended = await this.#db.withTenant(tenant, (tx) =>
          tx.query('SELECT 1 FROM audit_log WHERE tenant_id = $1 AND chain_pos = $2', [tenant, c.position]),
        );
        if (appended.rows.length > 0) continue;
        broken = {
          position: expected,
          reason: 'truncated',
          detail: `the checkpoint of ${c.at} names position ${c.position}; the chain ends at ${expected - 1}`,
        };
        break;
      }
    }
    const result: AuditVerification = {
      tenant,
      ok: broken === null,
      checked: expected - 1,
      head,
      checkpoint,
      broken,
      verifiedAt: new Date().toISOString(),
    };
    if (reader) {
      await this.#db.withTenant(tenant, (tx) =>
        audit(tx, tenant, reader, {
          action: 'audit.verify',
          outcome: result.ok ? 'success' : 'failure',
          objectType: 'audit_log',
          objectId: tenant,
          after: { ok: result.ok, checked: result.checked, broken: result.broken },
        }),
      );
    }
    return result;
  }

  async checkpoint(tenant: string): Promise<AuditCheckpoint | undefined> {
    return this.#db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<{ chain_pos: string | number; hash: string; last: string | number | null }>(
        `SELECT chain_pos, encode(row_hash, 'hex') AS hash,
                (SELECT max(chain_pos) FROM audit_checkpoints WHERE tenant_id = $1) AS last
         FROM audit_log WHERE tenant_id = $1 ORDER BY chain_pos DESC LIMIT 1`,
        [tenant],
      );
      const row = rows[0];
      if (!row) return undefined;
      const position = Number(row.chain_pos);
      if (row.last !== null && Number(row.last) >= position) return undefined;
      const inserted = await tx.query<{ at: Date | string }>(
        `INSERT INTO audit_checkpoints (tenant_id, chain_pos, row_hash, mac) VALUES ($1, $2, decode($3, 'hex'), $4)
         ON CONFLICT (tenant_id, chain_pos) DO NOTHING RETURNING at`,
        [tenant, position, row.hash, this.#signer.sign(checkpointPayload(tenant, position, row.hash))],
      );
      const at = inserted.rows[0]?.at;
      return at === undefined ? undefined : { tenant, position, hash: row.hash, at: new Date(at).toISOString() };
    });
  }

  async tenants(): Promise<string[]> {
    return (await this.#db.query<{ id: string }>('SELECT id FROM tenants ORDER BY id')).rows.map((r) => r.id);
  }
}
