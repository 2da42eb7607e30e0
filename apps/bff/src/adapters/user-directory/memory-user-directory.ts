// UserDirectory in memory: for route tests that need principals but not a users table. Same
// semantics as the SQL adapter (test/auth/user-directory.test.ts runs both through one suite).
import type { Principal, Role } from '../../principal.ts';
import { kindOf, normaliseEmail } from '../../ports/user-directory.ts';
import type { DirectoryActor, DirectoryEntry, UserDirectory } from '../../ports/user-directory.ts';

export class MemoryUserDirectory implements UserDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();

  async resolve({ sub, email }: { sub: string; email: string }): Promise<Principal | undefined> {
    const mail = normaliseEmail(email);
    let entry = [...this.entries.values()].find((e) => e.sub === sub);
    if (!entry) {
      const byEmail = this.entries.get(mail);
      if (byEmail && byEmail.sub === null) {
        byEmail.sub = sub;
        entry = byEmail;
      }
    }
    if (!entry || entry.disabled) return undefined;
    return { kind: entry.kind, sub, email: mail, role: entry.role, tenants: [...entry.tenants].sort() };
  }

  async grant(_actor: DirectoryActor, email: string, role: Role, tenant?: string): Promise<DirectoryEntry> {
    const mail = normaliseEmail(email);
    const entry = this.entries.get(mail) ?? {
      email: mail,
      sub: null,
      kind: kindOf(role),
      role,
      tenants: [],
      disabled: false,
    };
    entry.kind = kindOf(role);
    entry.role = role;
    entry.disabled = false;
    if (tenant !== undefined && !entry.tenants.includes(tenant)) entry.tenants = [...entry.tenants, tenant].sort();
    this.entries.set(mail, entry);
    return { ...entry, tenants: [...entry.tenants] };
  }

  async revoke(_actor: DirectoryActor, email: string, tenant?: string): Promise<DirectoryEntry | undefined> {
    const entry = this.entries.get(normaliseEmail(email));
    if (!entry) return undefined;
    if (tenant !== undefined) entry.tenants = entry.tenants.filter((t) => t !== tenant);
    else entry.disabled = true;
    return { ...entry, tenants: [...entry.tenants] };
  }

  async list(): Promise<DirectoryEntry[]> {
    return [...this.entries.values()]
      .map((e) => ({ ...e, tenants: [...e.tenants] }))
      .sort((a, b) => a.email.localeCompare(b.email));
  }
}
