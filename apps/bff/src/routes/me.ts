// GET /api/me: who the dashboard is talking to. Also (re)issues the XSRF-TOKEN cookie for this
// subject (see plugins/auth), so the dashboard calls it first and after switching user.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Me } from '@redoubt/contracts/api';
import { errorResponses } from '../schemas/common.ts';
import { principalOf } from '../principal.ts';
import type { Services } from '../services.ts';

export const meRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/api/me', { schema: { tags: ['identity'], response: { 200: Me, ...errorResponses } } }, async (request) => {
    const principal = principalOf(request);
    const names = new Map((await services.reviews.listTenants()).map((t) => [t.id, t.name]));
    return {
      sub: principal.sub,
      email: principal.email,
      role: principal.role as Me['role'],
      tenants: principal.tenants.map((id) => ({ id, name: names.get(id) ?? id })),
      demo: app.demoIdentity,
    };
  });
};
