// UserDirectory on PostgreSQL (node-postgres or PGlite): tables users + user_grants (migration 003).
// Runs on the service's own connection, not as the RLS application role; grant changes are written
// to the tenant's audit log in the same transaction.
import type { Database, Queryable } from '../../db/database.ts';
import type { Principal, Role } from '../../principal.ts';
import { audit } from '../review-store/sql-review-store.ts';
import { kindOf, normaliseEmail, UnknownTenantError } from '../../ports/user-directory.ts';
import type { DirectoryActor, DirectoryEntry, UserDirectory } from '../../ports/user-directory.ts';

interface EntryRow {
  id: string | number;
  email: string;
  sub: string | null;
  kind: 'user' | 'service';
  role: Role;
  disabled_at: Date | string | null;
  tenants: string[] | null;
}

const SELECT_ENTRY = `
  SELECT u.id, u.email, u.sub, u.kind, u.role, u.disabled_at,
         coalesce(array_agg(g.tenant_id ORDER BY g.tenant_id) FILTER (WHERE g.tenant_id IS NOT NULL), '{}') AS tenants
    FROM users u LEFT JOIN user_grants g ON g.user_id = u.id`;

const toEntry = (r: EntryRow): DirectoryEntry => ({
  email: r.email,
  sub: r.sub,
  kind: r.kind,
  role: r.role,
  tenants: r.tenants ?? [],
  disabled: r.disabled_at !== null,
});

async function auditGrant(
  tx: Queryable,
  tenant: string,
  actor: DirectoryActor,
  action: string,
  email: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  // The audit table has FORCE row-level security: name the tenant for this transaction.
  await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
  await audit(tx, tenant, actor, { action, objectType: 'user', objectId: email, before, after });
}

export class SqlUserDirectory implements UserDirectory {
  readonly db: Database;
  constructor(db: Database) {
    this.db = db;
  }

  async resolve({ sub, email }: { sub: string; email: string }): Promise<Principal | undefined> {
    const mail = normaliseEmail(email);
    const { rows } = await this.db.query<EntryRow>(
      `${SELECT_ENTRY} WHERE u.sub = $1 OR (u.sub IS NULL AND u.email = $2) GROUP BY u.id`,
      [sub, mail],
    );
    // The subject is the key; an email match only counts for an entry no one has signed in to yet.
    const row = rows.find((r) => r.sub === sub) ?? rows.find((r) => r.sub === null);
    if (!row || row.disabled_at !== null) return undefined;
    if (row.sub === null) {
      let bound;
      try {
        bound = await this.db.query(
          'UPDATE users SET sub = $1, updated_at = now() WHERE id = $2 AND sub IS NULL RETURNING id',
          [sub, row.id],
        );
      } catch (error) {
        // This subject is already bound to another entry (its email changed): not this one.
        if ((error as { code?: string }).code === '23505') return undefined;
        throw error;
      }
      // Lost a race with another first sign-in: resolve again from what was stored.
      if (bound.rows.length === 0) return this.resolve({ sub, email });
    }
    return { kind: row.kind, sub, email: mail, role: row.role, tenants: row.tenants ?? [] };
  }

  private async entry(tx: Queryable, email: string): Promise<(DirectoryEntry & { id: string | number }) | undefined> {
    const { rows } = await tx.query<EntryRow>(`${SELECT_ENTRY} WHERE u.email = $1 GROUP BY u.id`, [email]);
    return rows[0] ? { ...toEntry(rows[0]), id: rows[0].id } : undefined;
  }

  async grant(actor: DirectoryActor, email: string, role: Role, tenant?: string): Promise<DirectoryEntry> {
    const mail = normaliseEmail(email);
    return this.db.transaction(async (tx) => {
      if (tenant !== undefined) {
        const known = await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
        if (known.rows.length === 0) throw new UnknownTenantError(tenant);
      }
      const before = await this.entry(tx, mail);
      await tx.query(
        `INSERT INTO users (email, kind, role) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO UPDATE SET kind = EXCLUDED.kind, role = EXCLUDED.role, disabled_at = NULL, updated_at = now()
         WHERE users.kind <> EXCLUDED.kind OR users.role <> EXCLUDED.role OR users.disabled_at IS NOT NULL`,
        [mail, kindOf(role), role],
      );
      if (tenant !== undefined) {
        await tx.query(
          `INSERT INTO user_grants (user_id, tenant_id, granted_by)
           SELECT id, $2, $3 FROM users WHERE email = $1 ON CONFLICT DO NOTHING`,
          [mail, tenant, actor.email],
        );
      }
      const after = (await this.entry(tx, mail))!;
      if (!before || JSON.stringify(strip(before)) !== JSON.stringify(strip(after))) {
        for (const t of new Set([...(tenant ? [tenant] : []), ...after.tenants])) {
          await auditGrant(tx, t, actor, 'user.grant', mail, before ? strip(before) : null, strip(after));
        }
      }
      return strip(after);
    });
  }

  async revoke(actor: DirectoryActor, email: string, tenant?: string): Promise<DirectoryEntry | undefined> {
    const mail = normaliseEmail(email);
    return this.db.transaction(async (tx) => {
      const before = await this.entry(tx, mail);
      if (!before) return undefined;
      if (tenant !== undefined) {
        await tx.query('DELETE FROM user_grants WHERE user_id = $1 AND tenant_id = $2', [before.id, tenant]);
      } else {
        await tx.query(
          'UPDATE users SET disabled_at = now(), updated_at = now() WHERE id = $1 AND disabled_at IS NULL',
          [before.id],
        );
      }
      const after = (await this.entry(tx, mail))!;
      for (const t of tenant !== undefined ? (before.tenants.includes(tenant) ? [tenant] : []) : before.tenants) {
        await auditGrant(tx, t, actor, 'user.revoke', mail, strip(before), strip(after));
      }
      return strip(after);
    });
  }

  async list(): Promise<DirectoryEntry[]> {
    const { rows } = await this.db.query<EntryRow>(`${SELECT_ENTRY} GROUP BY u.id ORDER BY u.email`);
    return rows.map(toEntry);
  }
}

function strip(entry: DirectoryEntry & { id?: unknown }): DirectoryEntry {
  const { email, sub, kind, role, tenants, disabled } = entry;
  return { email, sub, kind, role, tenants, disabled };
}
