// GET /api/me: who the dashboard is talking to: each tenant with the role held there, and
// whether they are the platform administrator. Also (re)issues the XSRF-TOKEN cookie for this
// subject (see plugins/auth), so the dashboard calls it first and after switching user.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Me } from '@redoubt/contracts/api';
import { errorResponses } from '../schemas/common.ts';
import { principalOf } from '../principal.ts';

/**
 * How long the tenants' names are reused. They are labels, not access: the roles come from the
 * principal, read on every request (plugins/auth). Reading every tenant from the review store on
 * each call capped this route at a few hundred requests a second (bench:api).
 */
const NAMES_CACHE_MS = 2_000;

export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  let cached: { at: number; byId: Promise<Map<string, string>> } | undefined;
  const tenantNames = () => {
    if (!cached || Date.now() - cached.at > NAMES_CACHE_MS) {
      const byId = app.reviews.listTenants().then((tenants) => new Map(tenants.map((t) => [t.id, t.name])));
      cached = { at: Date.now(), byId };
      // A failed read is not reused: the next call asks again.
      byId.catch(() => {
        if (cached?.byId === byId) cached = undefined;
      });
    }
    return cached.byId;
  };
  app.get('/api/me', { schema: { tags: ['identity'], response: { 200: Me, ...errorResponses } } }, async (request) => {
    const principal = principalOf(request);
    const names = await tenantNames();
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
