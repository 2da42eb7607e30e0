// UserDirectory on PostgreSQL (node-postgres or PGlite): users + user_grants (migrations 003, 004).
// Runs on the service's own connection, not as the RLS application role. A change to a tenant's
// grants is written to that tenant's audit log in the same transaction, and says nothing about the
// person's other tenants (that tenant's leads read the log); changes with no tenant (platform
// administrators, disabling) go to platform_audit_log.
import type { Database, Queryable } from '../../db/database.ts';
import type { Principal, Role } from '../../principal.ts';
import { Conflict } from '../../domain/errors.ts';
import { audit } from '../review-store/sql-review-store.ts';
import {
  checkGrant,
  kindOf,
  toPrincipal,
  normaliseEmail,
  UnknownTenantError,
  visibleTo,
} from '../../ports/user-directory.ts';
import type { DirectoryActor, DirectoryEntry, UserDirectory } from '../../ports/user-directory.ts';

interface EntryRow {
  id: string | number;
  email: string;
  sub: string | null;
  kind: 'user' | 'service';
  platform_admin: boolean;
  disabled_at: Date | string | null;
  tenants: string[] | null;
  roles: Role[] | null;
}

type StoredEntry = DirectoryEntry & { id: string | number };

const SELECT_ENTRY = `
  SELECT u.id, u.email, u.sub, u.kind, u.platform_admin, u.disabled_at,
         coalesce(array_agg(g.tenant_id ORDER BY g.tenant_id) FILTER (WHERE g.tenant_id IS NOT NULL), '{}') AS tenants,
         coalesce(array_agg(g.role ORDER BY g.tenant_id) FILTER (WHERE g.tenant_id IS NOT NULL), '{}') AS roles
    FROM users u LEFT JOIN user_grants g ON g.user_id = u.id`;

const toEntry = (r: EntryRow): StoredEntry => ({
  id: r.id,
  email: r.email,
  sub: r.sub,
  kind: r.kind,
  platformAdmin: r.platform_admin,
  grants: (r.tenants ?? []).map((tenant, i) => ({ tenant, role: r.roles![i]! })),
  disabled: r.disabled_at !== null,
});

function strip({ email, sub, kind, platformAdmin, grants, disabled }: DirectoryEntry): DirectoryEntry {
  return { email, sub, kind, platformAdmin, grants, disabled };
}

/** What one tenant's log records about a person: their role there, nothing about other tenants. */
const inTenant = (entry: DirectoryEntry | undefined, tenant: string) =>
  entry
    ? {
        email: entry.email,
        kind: entry.kind,
        role: entry.grants.find((g) => g.tenant === tenant)?.role ?? null,
        disabled: entry.disabled,
      }
    : null;

const platformView = (entry: DirectoryEntry | undefined) =>
  entry ? { email: entry.email, kind: entry.kind, platformAdmin: entry.platformAdmin, disabled: entry.disabled } : null;

async function auditTenant(
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

async function auditPlatform(
  tx: Queryable,
  actor: DirectoryActor,
  action: string,
  email: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await tx.query(
    `INSERT INTO platform_audit_log (actor_sub, actor_email, action, outcome, object_type, object_id, request_id, client_ip, before, after)
     VALUES ($1, $2, $3, 'success', 'user', $4, $5, $6, $7, $8)`,
    [
      actor.sub,
      actor.email,
      action,
      email,
      actor.requestId ?? null,
      actor.clientIp ?? null,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
    ],
  );
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
    // Holding no role anywhere (every grant revoked) is the same as never having been provisioned.
    if (!row || row.disabled_at !== null || (!row.platform_admin && (row.tenants ?? []).length === 0)) return undefined;
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
    return toPrincipal(toEntry(row), { sub, email: mail });
  }

  private async entry(tx: Queryable, email: string): Promise<StoredEntry | undefined> {
    const { rows } = await tx.query<EntryRow>(`${SELECT_ENTRY} WHERE u.email = $1 GROUP BY u.id`, [email]);
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  /** Creates the entry if asked, locks it for this transaction, and reads it. */
  private async lock(tx: Queryable, email: string, create?: 'user' | 'service'): Promise<StoredEntry | undefined> {
    if (create) {
      await tx.query('INSERT INTO users (email, kind) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING', [email, create]);
    }
    await tx.query('SELECT id FROM users WHERE email = $1 FOR UPDATE', [email]);
    return this.entry(tx, email);
  }

  async grant(actor: DirectoryActor, email: string, tenant: string, role: Role): Promise<DirectoryEntry> {
    const mail = normaliseEmail(email);
    const kind = kindOf(role);
    return this.db.transaction(async (tx) => {
      const known = await tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
      if (known.rows.length === 0) throw new UnknownTenantError(tenant);
      const existed = await this.entry(tx, mail);
      const before = (await this.lock(tx, mail, kind))!;
      if (checkGrant(before, tenant, kind)) {
        // Its only grant, here, is being replaced.
        await tx.query('DELETE FROM user_grants WHERE user_id = $1', [before.id]);
        await tx.query('UPDATE users SET kind = $2, updated_at = now() WHERE id = $1', [before.id, kind]);
      }
      await tx.query(
        `INSERT INTO user_grants (user_id, tenant_id, role, kind, granted_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, tenant_id) DO UPDATE
           SET role = EXCLUDED.role, granted_by = EXCLUDED.granted_by, updated_at = now()
         WHERE user_grants.role <> EXCLUDED.role`,
        [before.id, tenant, role, kind, actor.email],
      );
      const after = (await this.entry(tx, mail))!;
      const was = inTenant(existed, tenant);
      const now = inTenant(after, tenant);
      if (JSON.stringify(was) !== JSON.stringify(now)) {
        await auditTenant(tx, tenant, actor, 'user.grant', mail, was, now);
      }
      return strip(after);
    });
  }

  async revoke(actor: DirectoryActor, email: string, tenant: string): Promise<DirectoryEntry | undefined> {
    const mail = normaliseEmail(email);
    return this.db.transaction(async (tx) => {
      const before = await this.lock(tx, mail);
      if (!before) return undefined;
      const { rows } = await tx.query('DELETE FROM user_grants WHERE user_id = $1 AND tenant_id = $2 RETURNING role', [
        before.id,
        tenant,
      ]);
      const after = (await this.entry(tx, mail))!;
      if (rows.length > 0) {
        await auditTenant(tx, tenant, actor, 'user.revoke', mail, inTenant(before, tenant), inTenant(after, tenant));
      }
      return strip(after);
    });
  }

  async setPlatformAdmin(actor: DirectoryActor, email: string, on: boolean): Promise<DirectoryEntry | undefined> {
    const mail = normaliseEmail(email);
    return this.db.transaction(async (tx) => {
      const existed = await this.entry(tx, mail);
      const before = await this.lock(tx, mail, on ? 'user' : undefined);
      if (!before) return undefined;
      if (on && before.kind === 'service') {
        throw new Conflict('KIND_MISMATCH', `${mail} is a service principal: its only role is service`);
      }
      if (on && before.grants.length > 0) {
        throw new Conflict(
          'PLATFORM_ADMIN_HOLDS_NO_TENANT_ROLE',
          `${mail} holds tenant roles; revoke them before making a platform administrator`,
        );
      }
      await tx.query('UPDATE users SET platform_admin = $2, updated_at = now() WHERE id = $1', [before.id, on]);
      const after = (await this.entry(tx, mail))!;
      if (JSON.stringify(platformView(existed)) !== JSON.stringify(platformView(after))) {
        await auditPlatform(
          tx,
          actor,
          on ? 'user.platform_admin.grant' : 'user.platform_admin.revoke',
          mail,
          platformView(existed),
          platformView(after),
        );
      }
      return strip(after);
    });
  }

  async setDisabled(actor: DirectoryActor, email: string, disabled: boolean): Promise<DirectoryEntry | undefined> {
    const mail = normaliseEmail(email);
    return this.db.transaction(async (tx) => {
      const before = await this.lock(tx, mail);
      if (!before) return undefined;
      if (before.disabled === disabled) return strip(before);
      await tx.query(`UPDATE users SET disabled_at = CASE WHEN $2 THEN now() END, updated_at = now() WHERE id = $1`, [
        before.id,
        disabled,
      ]);
      const after = (await this.entry(tx, mail))!;
      const action = disabled ? 'user.disable' : 'user.enable';
      await auditPlatform(tx, actor, action, mail, platformView(before), platformView(after));
      for (const { tenant } of before.grants) {
        await auditTenant(tx, tenant, actor, action, mail, inTenant(before, tenant), inTenant(after, tenant));
      }
      return strip(after);
    });
  }

  async list(filter: { tenants?: readonly string[] } = {}): Promise<DirectoryEntry[]> {
    const { tenants } = filter;
    const { rows } = tenants
      ? await this.db.query<EntryRow>(
          `${SELECT_ENTRY} WHERE u.id IN (SELECT user_id FROM user_grants WHERE tenant_id = ANY($1::text[]))
           GROUP BY u.id ORDER BY u.email`,
          [[...tenants]],
        )
      : await this.db.query<EntryRow>(`${SELECT_ENTRY} GROUP BY u.id ORDER BY u.email`);
    return rows.flatMap((r) => {
      const visible = visibleTo(strip(toEntry(r)), tenants);
      return visible ? [visible] : [];
    });
  }
}
