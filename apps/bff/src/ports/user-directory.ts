// UserDirectory: users, service principals, the role each holds per tenant, platform
// administrators (docs/threat-model.md A7; docs/decisions/0005-tenant-isolation.md).
// Adapters: SQL (PostgreSQL via pg, PGlite embedded) for the product; in memory for route tests
// that need principals but no database. test/auth/user-directory.test.ts runs all three.
//
// The directory stores and audits; it does not decide who may change what. That is the caller's
// job (routes/admin.ts through access.ts's mayAdminister; the operator CLI is trusted).
import type { Principal, Role } from '../principal.ts';
import { Conflict } from '../domain/errors.ts';

/** Whoever performs a directory change: an admin through the API, or the operator's CLI. */
export interface DirectoryActor {
  sub: string;
  email: string;
  requestId?: string;
  clientIp?: string;
}

/** One role in one tenant. */
export interface TenantGrant {
  tenant: string;
  role: Role;
}

export interface DirectoryEntry {
  email: string;
  /** IAP subject, bound at the first verified sign-in; null until then. */
  sub: string | null;
  kind: 'user' | 'service';
  /** Administers every tenant's access; holds no grants. */
  platformAdmin: boolean;
  /** One per tenant, sorted by tenant. */
  grants: TenantGrant[];
  disabled: boolean;
}

export class UnknownTenantError extends Error {
  readonly tenant: string;
  constructor(tenant: string) {
    super(`Unknown tenant "${tenant}"`);
    this.tenant = tenant;
  }
}

/**
 * The calls safe to repeat: guardStore retries them when the store was briefly unavailable
 * (adapters/retry.ts). resolve() binds a first sign-in's subject only where none is bound yet.
 */
export const DIRECTORY_READS = ['resolve', 'list'] as const satisfies readonly (keyof UserDirectory)[];

export interface UserDirectory {
  /**
   * The principal for a verified identity: found by subject, or on a first sign-in by the email a
   * grant was made to (which binds the subject). Undefined when not provisioned, disabled, or
   * holding no role anywhere (every grant revoked) without being the platform administrator.
   */
  resolve(identity: { sub: string; email: string }): Promise<Principal | undefined>;
  // Refusals because of what an entry already is (a service principal given a person's role or the
  // reverse; a platform administrator given a tenant role or the reverse) throw domain Conflict
  // with code KIND_MISMATCH or PLATFORM_ADMIN_HOLDS_NO_TENANT_ROLE.
  /**
   * Gives the person `role` in `tenant`, replacing the role they held there and no other (creates
   * the entry when new). The role 'service' makes a service principal. Audited in that tenant's log
   * when it changes anything. Does not re-enable a disabled entry (see setDisabled).
   */
  grant(actor: DirectoryActor, email: string, tenant: string, role: Role): Promise<DirectoryEntry>;
  /** Removes the person's role in that tenant only; undefined for an unknown email. */
  revoke(actor: DirectoryActor, email: string, tenant: string): Promise<DirectoryEntry | undefined>;
  /**
   * Makes a platform administrator (creating the entry when new) or unmakes one (undefined for an
   * unknown email). Audited in the platform log.
   */
  setPlatformAdmin(actor: DirectoryActor, email: string, on: boolean): Promise<DirectoryEntry | undefined>;
  /**
   * Disables the whole entry (it can no longer sign in; its grants stay, inert) or re-enables it.
   * Undefined for an unknown email. Audited in the platform log and each of its tenants' logs.
   */
  setDisabled(actor: DirectoryActor, email: string, disabled: boolean): Promise<DirectoryEntry | undefined>;
  /**
   * Entries sorted by email. With `tenants`, only entries holding a role in one of them, showing
   * only those grants (what a tenant administrator may see).
   */
  list(filter?: { tenants?: readonly string[] }): Promise<DirectoryEntry[]>;
}

export const kindOf = (role: Role): 'user' | 'service' => (role === 'service' ? 'service' : 'user');
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The rules every adapter applies before storing a grant in `tenant` for a holder of `kind`: a
 * platform administrator holds no tenant role, and nobody switches between person and service
 * principal while holding grants elsewhere. Returns whether the holder's kind changes.
 */
export function checkGrant(
  holder: Pick<DirectoryEntry, 'email' | 'kind' | 'platformAdmin' | 'grants'>,
  tenant: string,
  kind: 'user' | 'service',
): boolean {
  if (holder.platformAdmin) {
    throw new Conflict(
      'PLATFORM_ADMIN_HOLDS_NO_TENANT_ROLE',
      `${holder.email} is a platform administrator, who holds no tenant role`,
    );
  }
  if (holder.kind === kind) return false;
  if (holder.grants.some((g) => g.tenant !== tenant)) {
    throw new Conflict(
      'KIND_MISMATCH',
      holder.kind === 'service'
        ? `${holder.email} is a service principal: its only role is service`
        : `${holder.email} is a person: the service role is for service principals`,
    );
  }
  return true;
}

/**
 * The principal an enabled entry signs in as, under the identity the assertion carried: its role
 * in each tenant it holds a grant in.
 */
export function toPrincipal(entry: DirectoryEntry, identity: { sub: string; email: string }): Principal {
  return {
    kind: entry.kind,
    sub: identity.sub,
    email: identity.email,
    roles: new Map(entry.grants.map((g) => [g.tenant, g.role])),
    platformAdmin: entry.platformAdmin,
  };
}

/** The entry as a tenant administrator of `tenants` may see it (grants elsewhere hidden). */
export function visibleTo(entry: DirectoryEntry, tenants: readonly string[] | undefined): DirectoryEntry | undefined {
  if (!tenants) return entry;
  const grants = entry.grants.filter((g) => tenants.includes(g.tenant));
  return grants.length ? { ...entry, grants } : undefined;
}
