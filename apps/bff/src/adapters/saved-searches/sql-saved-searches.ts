// SavedSearchStore on PostgreSQL: the same SQL for node-postgres and PGlite (db/database.ts,
// migration 025). Every statement runs in the tenant's transaction (row-level security); writes
// carry their audit row in the same transaction.
import { isDeepStrictEqual } from 'node:util';
import type { SavedSearch, SavedSearchQuery } from '@redoubt/contracts/api';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../ports/review-store.ts';
import type { NewSavedSearch, SavedSearchStore } from '../../ports/saved-searches.ts';
import { audit } from '../review-store/sql-review-store.ts';

interface Row {
  id: string;
  owner_sub: string;
  name: string;
  query: SavedSearchQuery | string;
  created_at: Date | string;
}

const COLUMNS = 'id, owner_sub, name, query, created_at';

const toSaved = (r: Row): SavedSearch => ({
  id: r.id,
  name: r.name,
  // node-postgres parses jsonb; PGlite does too, but a string is accepted either way.
  query: typeof r.query === 'string' ? (JSON.parse(r.query) as SavedSearchQuery) : r.query,
  createdAt: new Date(r.created_at).toISOString(),
});

export class SqlSavedSearches implements SavedSearchStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  list(tenant: string, ownerSub: string): Promise<SavedSearch[]> {
    return this.#db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<Row>(
        `SELECT ${COLUMNS} FROM saved_searches WHERE owner_sub = $1 ORDER BY created_at DESC, id LIMIT 200`,
        [ownerSub],
      );
      return rows.map(toSaved);
    });
  }

  create(
    tenant: string,
    actor: Actor,
    search: NewSavedSearch,
  ): Promise<{ saved: SavedSearch; created: boolean } | { conflict: true }> {
    return this.#db.withTenant(tenant, async (tx) => {
      const inserted = await tx.query<Row>(
        `INSERT INTO saved_searches (tenant_id, id, owner_sub, owner_email, name, query)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [tenant, search.id, actor.sub, actor.email, search.name, JSON.stringify(search.query)],
      );
      if (inserted.rows[0]) {
        const saved = toSaved(inserted.rows[0]);
        await audit(tx, tenant, actor, {
          action: 'saved_search.create',
          objectType: 'saved_search',
          objectId: saved.id,
          after: { name: saved.name, query: saved.query },
        });
        return { saved, created: true };
      }
      const existing = await tx.query<Row>(`SELECT ${COLUMNS} FROM saved_searches WHERE id = $1`, [search.id]);
      const row = existing.rows[0];
      if (row && row.owner_sub === actor.sub) {
        const saved = toSaved(row);
        if (saved.name === search.name && isDeepStrictEqual(saved.query, search.query))
          return { saved, created: false };
      }
      return { conflict: true };
    });
  }

  remove(tenant: string, actor: Actor, id: string): Promise<boolean> {
    return this.#db.withTenant(tenant, async (tx) => {
      const deleted = await tx.query<Row>(
        `DELETE FROM saved_searches WHERE id = $1 AND owner_sub = $2 RETURNING ${COLUMNS}`,
        [id, actor.sub],
      );
      const row = deleted.rows[0];
      if (!row) return false;
      const saved = toSaved(row);
      await audit(tx, tenant, actor, {
        action: 'saved_search.delete',
        objectType: 'saved_search',
        objectId: id,
        before: { name: saved.name, query: saved.query },
      });
      return true;
    });
  }
}
