// UserDirectory in memory: for route tests that need principals but not a users table. Same
// semantics as the SQL adapter (test/auth/user-directory.test.ts runs both through one suite);
// it keeps no audit log.
import type { Principal, Role } from '../../principal.ts';
import { Conflict } from '../../domain/errors.ts';
import {
  checkGrant,
  kindOf,
  toPrincipal,
  normaliseEmail,
  UnknownTenantError,
  visibleTo,
} from '../../ports/user-directory.ts';
import type { DirectoryActor, DirectoryEntry, UserDirectory } from '../../ports/user-directory.ts';

const copy = (e: DirectoryEntry): DirectoryEntry => ({ ...e, grants: e.grants.map((g) => ({ ...g })) });

export class MemoryUserDirectory implements UserDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();
  /** Tenants that exist; undefined accepts any (route tests rarely care). */
  private readonly tenants: ReadonlySet<string> | undefined;

  constructor(options: { tenants?: Iterable<string> } = {}) {
    this.tenants = options.tenants ? new Set(options.tenants) : undefined;
  }

  async resolve({ sub, email }: { sub: string; email: string }): Promise<Principal | undefined> {
    const mail = normaliseEmail(email);
    const usable = (e: DirectoryEntry) => !e.disabled && (e.platformAdmin || e.grants.length > 0);
    let entry = [...this.entries.values()].find((e) => e.sub === sub);
    if (entry && !usable(entry)) return undefined;
    if (!entry) {
      const byEmail = this.entries.get(mail);
      if (byEmail && byEmail.sub === null && usable(byEmail)) {
        byEmail.sub = sub;
        entry = byEmail;
      }
    }
    if (!entry || entry.disabled) return undefined;
    return toPrincipal(entry, { sub, email: mail });
  }

  private create(email: string, kind: 'user' | 'service'): DirectoryEntry {
    const entry = { email, sub: null, kind, platformAdmin: false, grants: [], disabled: false };
    this.entries.set(email, entry);
    return entry;
  }

  async grant(_actor: DirectoryActor, email: string, tenant: string, role: Role): Promise<DirectoryEntry> {
    if (this.tenants && !this.tenants.has(tenant)) {
      throw new UnknownTenantError(tenant);
    }
    const mail = normaliseEmail(email);
    const kind = kindOf(role);
    const entry = this.entries.get(mail) ?? this.create(mail, kind);
    if (checkGrant(entry, tenant, kind)) entry.kind = kind;
    entry.grants = [...entry.grants.filter((g) => g.tenant !== tenant), { tenant, role }].sort((a, b) =>
      a.tenant.localeCompare(b.tenant),
    );
    return copy(entry);
  }

  async revoke(_actor: DirectoryActor, email: string, tenant: string): Promise<DirectoryEntry | undefined> {
    const entry = this.entries.get(normaliseEmail(email));
    if (!entry) return undefined;
    entry.grants = entry.grants.filter((g) => g.tenant !== tenant);
    return copy(entry);
  }

  async setPlatformAdmin(_actor: DirectoryActor, email: string, on: boolean): Promise<DirectoryEntry | undefined> {
    const mail = normaliseEmail(email);
    const entry = this.entries.get(mail) ?? (on ? this.create(mail, 'user') : undefined);
    if (!entry) return undefined;
    if (on && entry.kind === 'service') throw new Conflict('KIND_MISMATCH', `${mail} is a service principal`);
    if (on && entry.grants.length > 0) {
      throw new Conflict('PLATFORM_ADMIN_HOLDS_NO_TENANT_ROLE', `${mail} holds tenant roles`);
    }
    entry.platformAdmin = on;
    return copy(entry);
  }

  async setDisabled(_actor: DirectoryActor, email: string, disabled: boolean): Promise<DirectoryEntry | undefined> {
    const entry = this.entries.get(normaliseEmail(email));
    if (!entry) return undefined;
    entry.disabled = disabled;
    return copy(entry);
  }

  async list(filter: { tenants?: readonly string[] } = {}): Promise<DirectoryEntry[]> {
    return [...this.entries.values()]
      .flatMap((e) => {
        const visible = visibleTo(copy(e), filter.tenants);
        return visible ? [visible] : [];
      })
      .sort((a, b) => a.email.localeCompare(b.email));
  }
}
