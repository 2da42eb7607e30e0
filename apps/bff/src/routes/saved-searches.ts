// An analyst's saved searches (the search screen's state, named), listed in the dashboard's side
// navigation. Personal: each caller lists and deletes only their own. Writes are idempotent: the
// client chooses the id (a resent create answers the stored search, 200), and deleting what is
// already gone answers 204 as the first delete did. Each change is audited with the row it wrote.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NewSavedSearch, SavedSearch, SavedSearchList } from '@redoubt/contracts/api';
import { ErrorBody, TenantParams, errorResponses } from '../schemas/common.ts';
import { actorOf, principalOf } from '../principal.ts';
import { Conflict } from '../domain/errors.ts';

const SavedSearchParams = Type.Object(
  { tenant: TenantParams.properties.tenant, searchId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const savedSearchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tenants/:tenant/saved-searches',
    {
      schema: {
        tags: ['saved searches'],
        summary: "The caller's saved searches in the tenant, newest first",
        params: TenantParams,
        response: { 200: SavedSearchList, ...errorResponses },
      },
    },
    async (request): Promise<SavedSearchList> => ({
      savedSearches: await app.savedSearches.list(request.params.tenant, principalOf(request).sub),
    }),
  );

  app.post(
    '/api/tenants/:tenant/saved-searches',
    {
      schema: {
        tags: ['saved searches'],
        summary: 'Save a search under a name (201; a resend with the same id and content answers 200)',
        params: TenantParams,
        body: NewSavedSearch,
        response: { 200: SavedSearch, 201: SavedSearch, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await app.savedSearches.create(request.params.tenant, actorOf(request), request.body);
      if ('conflict' in result) {
        throw new Conflict('SAVED_SEARCH_ID_TAKEN', 'A different saved search already has this id');
      }
      return reply.status(result.created ? 201 : 200).send(result.saved);
    },
  );

  app.delete(
    '/api/tenants/:tenant/saved-searches/:searchId',
    {
      schema: {
        tags: ['saved searches'],
        summary: 'Delete one of your saved searches (204, also when it is already gone)',
        params: SavedSearchParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await app.savedSearches.remove(request.params.tenant, actorOf(request), request.params.searchId);
      return reply.status(204).send(null);
    },
  );
};
