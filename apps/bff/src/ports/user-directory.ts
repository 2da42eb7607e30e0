// UserDirectory: users, service principals, their role and tenant grants (security.md A7).
// Adapters: SQL (PostgreSQL via pg, PGlite embedded) for the product; in memory for route tests.
import type { Principal, Role } from '../principal.ts';

/** Whoever performs a directory change: an admin through the API, or the operator's CLI. */
export interface DirectoryActor {
  sub: string;
  email: string;
  requestId?: string;
  clientIp?: string;
}

export interface DirectoryEntry {
  email: string;
  /** IAP subject, bound at the first verified sign-in; null until then. */
  sub: string | null;
  kind: 'user' | 'service';
  role: Role;
  tenants: string[];
  disabled: boolean;
}

export class UnknownTenantError extends Error {
  readonly tenant: string;
  constructor(tenant: string) {
    super(`Unknown tenant "${tenant}"`);
    this.tenant = tenant;
  }
}

export interface UserDirectory {
  /**
   * The principal for a verified identity: found by subject, or on a first sign-in by the email a
   * grant was made to (which binds the subject). Undefined when not provisioned or revoked.
   */
  resolve(identity: { sub: string; email: string }): Promise<Principal | undefined>;
  /**
   * Sets the role (role 'service' makes a service principal) and, with a tenant, adds that grant.
   * Re-enables a revoked entry. Audited in the tenant's log when a tenant is named.
   */
  grant(actor: DirectoryActor, email: string, role: Role, tenant?: string): Promise<DirectoryEntry>;
  /** With a tenant, removes that grant; without, revokes the whole entry (it can no longer sign in). */
  revoke(actor: DirectoryActor, email: string, tenant?: string): Promise<DirectoryEntry | undefined>;
  list(): Promise<DirectoryEntry[]>;
}

export const kindOf = (role: Role): 'user' | 'service' => (role === 'service' ? 'service' : 'user');
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
