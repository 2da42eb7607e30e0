// Who is calling. Set by the auth plugin from a verified IAP assertion and the users table;
// routes read it, never a header or a body field.
import type { FastifyRequest } from 'fastify';
import { Unauthenticated } from './domain/errors.ts';
import type { Actor } from './ports/review-store.ts';

export type Role = 'analyst' | 'lead' | 'merchant' | 'admin' | 'service';

export interface Principal {
  kind: 'user' | 'service';
  sub: string;
  email: string;
  role: Role;
  /** Tenants this principal is granted; admins are granted explicitly too. */
  tenants: string[];
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

export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  return { sub: principal.sub, email: principal.email, requestId: request.id, clientIp: request.ip };
}
