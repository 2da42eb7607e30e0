// Administration of access (the same operations as `npm run admin`). Two kinds of administrator
// (docs/decisions/0005-tenant-isolation.md): a tenant's 'admin' grants and revokes roles in that
// tenant only and sees only that tenant's grants; the platform administrator does so for every
// tenant and alone makes platform administrators or disables a person. Every change is audited by
// the directory (the tenant's log, or the platform log) in the same transaction, and takes effect
// on the next request (the principal cache is dropped). Each write sets a state, so a retry is safe.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DirectoryEntry, DirectoryListing, Role } from '@redoubt/contracts/api';
import { ErrorBody, errorResponses, TenantId } from '../schemas/common.ts';
import { actorOf, principalOf } from '../principal.ts';
import { administeredTenants, mayAdminister } from '../access.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../domain/errors.ts';
import { normaliseEmail, UnknownTenantError, visibleTo } from '../ports/user-directory.ts';
import type { DirectoryEntry as Entry } from '../ports/user-directory.ts';

const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' });

/** Refuses (404 outside the caller's tenants, 403 for another role there) unless it administers `tenant`. */
function checkAdministers(request: FastifyRequest, tenant: string): void {
  const principal = principalOf(request);
  const decision = mayAdminister(principal, tenant);
  if (decision.ok) return;
  const denial = { event: 'access.denied', sub: principal.sub, email: principal.email, tenant };
  if (decision.why === 'tenant') {
    // Same answer as a tenant that does not exist, like every cross-tenant attempt (access.ts).
    request.log.warn({ ...denial, route: request.routeOptions.url }, 'cross-tenant access refused');
    throw new NotFound('Not found');
  }
  request.log.warn({ ...denial, role: decision.role }, 'role may not call this route');
  throw new Forbidden('NOT_TENANT_ADMIN', `Only an administrator of ${tenant} may change its access`);
}

/** The entry as the caller may see it: a tenant administrator sees only its tenants' grants. */
function shown(request: FastifyRequest, entry: Entry): Entry {
  const scope = administeredTenants(principalOf(request));
  return visibleTo(entry, scope) ?? { ...entry, grants: [] };
}

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        description: 'The people and service principals the caller administers, and the tenants it administers.',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: DirectoryListing, ...errorResponses },
      },
    },
    async (request) => {
      const scope = administeredTenants(principalOf(request));
      const [users, tenants] = await Promise.all([app.users.list({ tenants: scope }), app.reviews.listTenants()]);
      return { users, tenants: scope ? tenants.filter((t) => scope.includes(t.id)) : tenants };
    },
  );

  app.post(
    '/api/admin/grants',
    {
      schema: {
        tags: ['admin'],
        description:
          'Gives the person this role in this tenant, replacing the role they held there (and no other). ' +
          "A tenant's administrator may grant in that tenant only.",
        body: Type.Object({ email: Email, tenant: TenantId, role: Role }, { additionalProperties: false }),
        response: { 200: DirectoryEntry, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const { email, tenant, role } = request.body;
      checkAdministers(request, tenant);
      try {
        const entry = await app.users.grant(actorOf(request), email, tenant, role);
        app.forgetPrincipals();
        return shown(request, entry);
      } catch (error) {
        if (error instanceof UnknownTenantError)
          throw new InvalidInput('/body/tenant', 'is not a tenant', error.message);
        throw error;
      }
    },
  );

  app.post(
    '/api/admin/revocations',
    {
      schema: {
        tags: ['admin'],
        description: "Removes the person's role in this tenant (their roles elsewhere stay).",
        body: Type.Object({ email: Email, tenant: TenantId }, { additionalProperties: false }),
        response: { 200: DirectoryEntry, ...errorResponses },
      },
    },
    async (request) => {
      const { email, tenant } = request.body;
      checkAdministers(request, tenant);
      // Whether the email exists elsewhere is none of a tenant administrator's business: someone
      // holding no role here is "not found" whoever asks.
      const mail = normaliseEmail(email);
      const holder = (await app.users.list({ tenants: [tenant] })).find((e) => e.email === mail);
      if (!holder) {
        throw new NotFound(`${mail} holds no role in ${tenant}`, {
          details: [{ field: '/body/email', reason: `holds no role in ${tenant}` }],
        });
      }
      const entry = await app.users.revoke(actorOf(request), mail, tenant);
      app.forgetPrincipals();
      return shown(request, entry!);
    },
  );

  app.post(
    '/api/admin/user-status',
    {
      schema: {
        tags: ['admin'],
        description:
          'Platform administrators only: make or unmake a platform administrator, disable a person ' +
          '(they can no longer sign in; their grants stay, inert) or enable them again.',
        body: Type.Object(
          { email: Email, platformAdmin: Type.Optional(Type.Boolean()), disabled: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: DirectoryEntry, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const { email, platformAdmin, disabled } = request.body;
      if (platformAdmin === undefined && disabled === undefined) {
        throw new InvalidInput('/body', 'needs platformAdmin or disabled');
      }
      const mail = normaliseEmail(email);
      if (mail === principalOf(request).email) {
        // The last platform administrator must not lock everyone out by accident.
        throw new Conflict('SELF_CHANGE', 'Ask another platform administrator to change your own status', [
          { field: '/body/email', reason: 'is you' },
        ]);
      }
      const actor = actorOf(request);
      let entry: Entry | undefined;
      if (platformAdmin !== undefined) entry = await app.users.setPlatformAdmin(actor, mail, platformAdmin);
      if (disabled !== undefined) entry = await app.users.setDisabled(actor, mail, disabled);
      app.forgetPrincipals();
      if (!entry)
        throw new NotFound(`No user ${mail}`, { details: [{ field: '/body/email', reason: 'is not a user' }] });
      return entry;
    },
  );
};
