// Administration of access: list, grant, revoke (the same operations as `npm run admin`).
// Admins only (access.ts); every change is audited in the affected tenants' logs and takes effect
// on the next request (the principal cache is dropped).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, errorResponses, TenantId } from '../schemas/common.ts';
import { actorOf } from '../principal.ts';
import { InvalidInput, NotFound } from '../domain/errors.ts';
import { UnknownTenantError } from '../ports/user-directory.ts';

const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' });
const GrantableRole = Type.Union([
  Type.Literal('analyst'),
  Type.Literal('lead'),
  Type.Literal('merchant'),
  Type.Literal('admin'),
  Type.Literal('service'),
]);
const Entry = Type.Object(
  {
    email: Type.String(),
    sub: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([Type.Literal('user'), Type.Literal('service')]),
    role: GrantableRole,
    tenants: Type.Array(Type.String()),
    disabled: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ users: Type.Array(Entry) }), ...errorResponses },
      },
    },
    async () => ({ users: await app.users.list() }),
  );

  app.post(
    '/api/admin/grants',
    {
      schema: {
        tags: ['admin'],
        body: Type.Object(
          { email: Email, role: GrantableRole, tenant: Type.Optional(TenantId) },
          { additionalProperties: false },
        ),
        response: { 200: Entry, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const { email, role, tenant } = request.body;
      try {
        const entry = await app.users.grant(actorOf(request), email, role, tenant);
        app.forgetPrincipals();
        return entry;
      } catch (error) {
        if (error instanceof UnknownTenantError) {
          throw new InvalidInput('/body/tenant', 'is not a tenant', error.message);
        }
        throw error;
      }
    },
  );

  app.post(
    '/api/admin/revocations',
    {
      schema: {
        tags: ['admin'],
        body: Type.Object({ email: Email, tenant: Type.Optional(TenantId) }, { additionalProperties: false }),
        response: { 200: Entry, ...errorResponses },
      },
    },
    async (request) => {
      const entry = await app.users.revoke(actorOf(request), request.body.email, request.body.tenant);
      app.forgetPrincipals();
      if (!entry) throw new NotFound(`No user ${request.body.email}`);
      return entry;
    },
  );
};
