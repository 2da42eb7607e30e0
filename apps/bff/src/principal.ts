// Who is calling. Set by the auth plugin from a verified IAP assertion and the users table;
// routes read it, never a header or a body field.
import type { FastifyRequest } from 'fastify';
import { Unauthenticated } from './domain/errors.ts';
import type { Role } from '@redoubt/contracts/api';
import type { Actor } from './ports/review-store.ts';

/** The role held in one tenant (one per tenant: the role belongs to the grant). */
export type { Role };
export { ROLES } from '@redoubt/contracts/api';

/**
 * Who an access rule admits: a role in a tenant, or the platform administrator, who administers
 * every tenant's access and holds no tenant role (so reads no tenant data).
 */
export type AccessRole = Role | 'platform-admin';

export interface Principal {
  kind: 'user' | 'service';
  sub: string;
  email: string;
  /** The role held in each granted tenant. A tenant missing here is not granted at all. */
  roles: ReadonlyMap<string, Role>;
  /** Administers access for every tenant; never combined with tenant roles. */
  platformAdmin: boolean;
}

/** The principal's role in that tenant, or undefined where it holds none. */
export function roleIn(principal: Principal, tenant: string): Role | undefined {
  return principal.roles.get(tenant);
}

/** True when the principal may act as `role` somewhere (in any tenant, or as platform admin). */
export function holds(principal: Principal, role: AccessRole): boolean {
  if (role === 'platform-admin') return principal.platformAdmin;
  for (const held of principal.roles.values()) if (held === role) return true;
  return false;
}

/** Tenants where the principal holds one of `roles`, sorted. */
export function tenantsWhere(principal: Principal, roles: readonly Role[]): string[] {
  return [...principal.roles]
    .filter(([, r]) => roles.includes(r))
    .map(([t]) => t)
    .sort();
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthenticated();
  return request.principal;
}

/**
 * The caller's own X-Request-Id when it is printable and short (kept for correlation only: the
 * request id of record is the server's, request.id).
 */
export function callerRequestId(request: { headers: FastifyRequest['headers'] }): string | undefined {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : undefined;
}

export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  const caller = callerRequestId(request);
  return {
    sub: principal.sub,
    email: principal.email,
    requestId: request.id,
    clientIp: request.ip,
    ...(caller !== undefined && { callerRequestId: caller }),
  };
}
