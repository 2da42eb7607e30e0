// WatchStore on PostgreSQL: the same SQL for node-postgres and PGlite (db/database.ts). Each write
// runs in the tenant's transaction (row-level security) with its audit row.
import { randomUUID } from 'node:crypto';
import type { SharedMark, Watch, WatchHit, WatchTarget } from '@redoubt/contracts/watches';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../ports/review-store.ts';
import type { NewHit, NewMarkInput, NewWatchInput, WatchRule, WatchStore } from '../../ports/watch-store.ts';
import { audit } from '../review-store/sql-review-store.ts';

interface WatchRow {
  id: string;
  owner_sub: string;
  owner_email: string;
  target_type: WatchTarget['type'];
  target: string;
  note: string | null;
  created_at: Date | string;
}

interface HitRow {
  id: string | number;
  watch_id: string;
  customer_id: string;
  kind: string;
  value: string;
  linked_at: Date | string;
  created_at: Date | string;
}

interface MarkRow {
  id: string;
  node_id: string;
  kind: string;
  value: string;
  reason: string;
  created_by_email: string;
  created_at: Date | string;
}

const iso = (v: Date | string): string => new Date(v).toISOString();

/** The pinned thing back from its node id ('c:<id>' or '<kind>:<value>'). */
export function targetOf(type: WatchTarget['type'], nodeId: string): WatchTarget {
  if (type === 'identifier') {
    const colon = nodeId.indexOf(':');
    return { type, kind: nodeId.slice(0, colon), value: nodeId.slice(colon + 1) };
  }
  return { type, customerId: nodeId.slice(2) };
}

const toHit = (r: HitRow): WatchHit => ({
  id: String(r.id),
  customerId: r.customer_id,
  kind: r.kind,
  value: r.value,
  linkedAt: iso(r.linked_at),
  at: iso(r.created_at),
});

const toWatch = (r: WatchRow, hits: WatchHit[], hitCount: number): Watch => ({
  id: r.id,
  target: targetOf(r.target_type, r.target),
  nodeId: r.target,
  note: r.note,
  owner: r.owner_email,
  createdAt: iso(r.created_at),
  hitCount,
  hits,
});

const toMark = (r: MarkRow): SharedMark => ({
  id: r.id,
  kind: r.kind,
  value: r.value,
  nodeId: r.node_id,
  reason: r.reason,
  by: r.created_by_email,
  createdAt: iso(r.created_at),
});

const WATCH_COLUMNS = 'id, owner_sub, owner_email, target_type, target, note, created_at';
const MARK_COLUMNS = 'id, node_id, kind, value, reason, created_by_email, created_at';

export class SqlWatchStore implements WatchStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  listWatches(tenant: string, ownerSub: string, hitsPerWatch: number): Promise<Watch[]> {
    return this.#db.withTenant(tenant, async (tx) => {
      const watches = await tx.query<WatchRow & { hit_count: string }>(
        `SELECT ${WATCH_COLUMNS.split(', ')
          .map((c) => `w.${c}`)
          .join(', ')},
                (SELECT count(*) FROM watch_hits h WHERE h.tenant_id = w.tenant_id AND h.watch_id = w.id) AS hit_count
           FROM watches w WHERE w.owner_sub = $1 ORDER BY w.created_at DESC, w.id`,
        [ownerSub],
      );
      if (watches.rows.length === 0) return [];
      const hits = await tx.query<HitRow>(
        `SELECT id, watch_id, customer_id, kind, value, linked_at, created_at FROM (
           SELECT h.*, row_number() OVER (PARTITION BY h.watch_id ORDER BY h.id DESC) AS n
             FROM watch_hits h WHERE h.watch_id = ANY($1::uuid[])
         ) ranked WHERE n <= $2 ORDER BY id DESC`,
        [watches.rows.map((w) => w.id), hitsPerWatch],
      );
      const byWatch = new Map<string, WatchHit[]>();
      for (const h of hits.rows) {
        let list = byWatch.get(h.watch_id);
        if (!list) byWatch.set(h.watch_id, (list = []));
        list.push(toHit(h));
      }
      return watches.rows.map((w) => toWatch(w, byWatch.get(w.id) ?? [], Number(w.hit_count)));
    });
  }

  addWatch(tenant: string, actor: Actor, input: NewWatchInput): Promise<{ watch: Watch; created: boolean }> {
    return this.#db.withTenant(tenant, async (tx) => {
      const inserted = await tx.query<WatchRow>(
        `INSERT INTO watches (tenant_id, id, owner_sub, owner_email, target_type, target, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, owner_sub, target_type, target) DO NOTHING
         RETURNING ${WATCH_COLUMNS}`,
        [tenant, randomUUID(), actor.sub, actor.email, input.target.type, input.nodeId, input.note ?? null],
      );
      const row = inserted.rows[0];
      if (row) {
        const watch = toWatch(row, [], 0);
        await audit(tx, tenant, actor, {
          action: 'watch.add',
          objectType: input.target.type === 'identifier' ? 'identifier' : 'customer',
          objectId: input.target.type === 'identifier' ? input.nodeId : input.nodeId.slice(2),
          after: { id: watch.id, target: watch.target, note: watch.note },
        });
        return { watch, created: true };
      }
      const existing = await tx.query<WatchRow>(
        `SELECT ${WATCH_COLUMNS} FROM watches WHERE owner_sub = $1 AND target_type = $2 AND target = $3`,
        [actor.sub, input.target.type, input.nodeId],
      );
      const count = await tx.query<{ n: string }>('SELECT count(*) AS n FROM watch_hits WHERE watch_id = $1', [
        existing.rows[0]!.id,
      ]);
      return { watch: toWatch(existing.rows[0]!, [], Number(count.rows[0]!.n)), created: false };
    });
  }

  removeWatch(tenant: string, actor: Actor, id: string): Promise<boolean> {
    return this.#db.withTenant(tenant, async (tx) => {
      const deleted = await tx.query<WatchRow>(
        `DELETE FROM watches WHERE id = $1 AND owner_sub = $2 RETURNING ${WATCH_COLUMNS}`,
        [id, actor.sub],
      );
      const row = deleted.rows[0];
      if (!row) return false;
      await audit(tx, tenant, actor, {
        action: 'watch.remove',
        objectType: row.target_type === 'identifier' ? 'identifier' : 'customer',
        objectId: row.target_type === 'identifier' ? row.target : row.target.slice(2),
        before: { id: row.id, target: targetOf(row.target_type, row.target), note: row.note },
      });
      return true;
    });
  }

  async watchRules(tenant: string): Promise<WatchRule[]> {
    const { rows } = await this.#db.withTenant(tenant, (tx) =>
      tx.query<WatchRow>(`SELECT ${WATCH_COLUMNS} FROM watches ORDER BY created_at, id`),
    );
    return rows.map((r) => ({ id: r.id, ownerSub: r.owner_sub, targetType: r.target_type, target: r.target }));
  }

  async recordHits(tenant: string, hits: NewHit[]): Promise<number> {
    if (hits.length === 0) return 0;
    const { rows } = await this.#db.withTenant(tenant, (tx) =>
      tx.query<{ n: string }>(
        // A watch deleted meanwhile has no row to join: its hit is dropped, not an error. A hit
        // another replica stored first (each sees the link through the change feed) is kept once.
        `WITH inserted AS (
           INSERT INTO watch_hits (tenant_id, watch_id, customer_id, kind, value, linked_at)
           SELECT $1, t.watch_id, t.customer_id, t.kind, t.value, t.linked_at
             FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
               AS t(watch_id, customer_id, kind, value, linked_at)
             JOIN watches w ON w.tenant_id = $1 AND w.id = t.watch_id
           ON CONFLICT (tenant_id, watch_id, customer_id, kind, value) DO NOTHING
           RETURNING 1
         ) SELECT count(*) AS n FROM inserted`,
        [
          tenant,
          hits.map((h) => h.watchId),
          hits.map((h) => h.customerId),
          hits.map((h) => h.kind),
          hits.map((h) => h.value),
          hits.map((h) => new Date(h.linkedAt).toISOString()),
        ],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  listMarks(tenant: string): Promise<SharedMark[]> {
    return this.#db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<MarkRow>(`SELECT ${MARK_COLUMNS} FROM shared_marks ORDER BY created_at, id`);
      return rows.map(toMark);
    });
  }

  addMark(tenant: string, actor: Actor, input: NewMarkInput): Promise<{ mark: SharedMark; created: boolean }> {
    return this.#db.withTenant(tenant, async (tx) => {
      const inserted = await tx.query<MarkRow>(
        `INSERT INTO shared_marks (tenant_id, id, node_id, kind, value, reason, created_by_sub, created_by_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id, node_id) DO NOTHING
         RETURNING ${MARK_COLUMNS}`,
        [tenant, randomUUID(), input.nodeId, input.kind, input.value, input.reason, actor.sub, actor.email],
      );
      const row = inserted.rows[0];
      if (row) {
        const mark = toMark(row);
        await audit(tx, tenant, actor, {
          action: 'shared.mark',
          objectType: 'identifier',
          objectId: input.nodeId,
          after: mark,
        });
        return { mark, created: true };
      }
      const existing = await tx.query<MarkRow>(`SELECT ${MARK_COLUMNS} FROM shared_marks WHERE node_id = $1`, [
        input.nodeId,
      ]);
      return { mark: toMark(existing.rows[0]!), created: false };
    });
  }

  removeMark(tenant: string, actor: Actor, id: string): Promise<SharedMark | undefined> {
    return this.#db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<MarkRow>(`DELETE FROM shared_marks WHERE id = $1 RETURNING ${MARK_COLUMNS}`, [
        id,
      ]);
      const row = rows[0];
      if (!row) return undefined;
      const mark = toMark(row);
      await audit(tx, tenant, actor, {
        action: 'shared.unmark',
        objectType: 'identifier',
        objectId: row.node_id,
        before: mark,
      });
      return mark;
    });
  }

  async tenants(): Promise<string[]> {
    const { rows } = await this.#db.query<{ id: string }>('SELECT id FROM tenants ORDER BY id');
    return rows.map((r) => r.id);
  }
}
