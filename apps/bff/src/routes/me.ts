// GET /api/me: who the dashboard is talking to: each tenant with the role held there, and
// whether they are the platform administrator. Also (re)issues the XSRF-TOKEN cookie for this
// subject (see plugins/auth), so the dashboard calls it first and after switching user.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Me } from '@redoubt/contracts/api';
import { errorResponses } from '../schemas/common.ts';
import { principalOf } from '../principal.ts';

export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/me', { schema: { tags: ['identity'], response: { 200: Me, ...errorResponses } } }, async (request) => {
    const principal = principalOf(request);
    const names = new Map((await app.reviews.listTenants()).map((t) => [t.id, t.name]));
    return {
      sub: principal.sub,
      email: principal.email,
      platformAdmin: principal.platformAdmin,
      // Each tenant with the role held there; service principals never get here (access.ts).
      tenants: [...principal.roles]
        .filter((grant): grant is [string, Me['tenants'][number]['role']] => grant[1] !== 'service')
        .map(([id, role]) => ({ id, name: names.get(id) ?? id, role }))
        .sort((a, b) => a.id.localeCompare(b.id)),
      demo: app.demoIdentity,
    };
  });
};
