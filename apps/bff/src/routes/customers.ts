// Customer reads for the dashboard: search (SearchIndex, enriched in one batch read from the
// ProfileStore), profile and timeline (ProfileStore), network and path (the tenant's graph).
// This file holds schemas, parameters and calls; the API shapes are made in views/.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import {
  Action,
  CustomerPath,
  CustomerProfile,
  Label,
  Network,
  SearchResult,
  Suggestions,
  Timeline,
  ReviewStatus,
} from '@redoubt/contracts/api';
import { CustomerId, CustomerParams, TenantParams, errorResponses } from '../schemas/common.ts';
import { CustomerNotFound, InvalidInput, NearestLabelNotFound, PathNotFound } from '../domain/errors.ts';
import type { CustomerRecord } from '../ports/profile-store.ts';
import { SUGGEST_MAX_LIMIT, SUGGEST_MIN_PREFIX } from '../ports/search-index.ts';
import { networkJson, toNearestLabelPath, toPath } from '../views/network.ts';
import { linkedCustomers, toProfile, toSearchHit, toTimelineEvent } from '../views/customer.ts';

const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Name, email, phone, device, card token, IP, order id' }),
    ),
    action: Type.Optional(Type.Array(Action, { maxItems: 3 })),
    label: Type.Optional(Type.Array(Label, { maxItems: 5 })),
    state: Type.Optional(
      Type.Array(ReviewStatus, { maxItems: 4, description: 'Review state (none, open, claimed, decided)' }),
    ),
    country: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 50 })),
    scoreMin: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    scoreMax: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Last seen at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Last seen at or before' })),
    sort: Type.Optional(
      Type.Union([Type.Literal('relevance'), Type.Literal('score'), Type.Literal('lastSeen'), Type.Literal('name')]),
    ),
    size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    // Signed cursors (adapters/cursors.ts) carry the sort values of the last hit: a 200-character
    // name and a 128-character id fit.
    after: Type.Optional(Type.String({ maxLength: 2048, description: 'Cursor from the previous page' })),
  },
  { additionalProperties: false },
);

const SuggestQuery = Type.Object(
  {
    prefix: Type.String({
      minLength: SUGGEST_MIN_PREFIX,
      maxLength: 200,
      pattern: '\\S',
      description: 'The start of an email, phone, device id, card token, IP or order id, as typed',
    }),
    limit: Type.Integer({ minimum: 1, maximum: SUGGEST_MAX_LIMIT, default: 8 }),
  },
  { additionalProperties: false },
);

const TimelineQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ maxLength: 1024, description: 'Cursor from the previous page' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

const NetworkQuery = Type.Object(
  {
    depth: Type.Integer({
      minimum: 1,
      maximum: 8,
      default: 3,
      description:
        'Hops in the customer–identifier graph: 2 reaches customers sharing an identifier, 3 their identifiers',
    }),
    maxNodes: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
    kinds: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { maxItems: 16 })),
    asOf: Type.Optional(Type.String({ format: 'date-time', description: 'The network as it was then' })),
    exclude: Type.Optional(
      Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100, description: 'Identifier values to leave out' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Most nodes one path search may enter, both directions together: the engine stops there (and
 * answers as if there were no chain), so a search through hub identifiers (a shared IP, a busy
 * device) stays bounded on the shared event loop. Callers may ask for less, never more.
 */
export const PATH_NODE_BUDGET = 20_000;

const PathQuery = Type.Object(
  {
    maxDepth: Type.Integer({ minimum: 1, maximum: 12, default: 8, description: 'Most hops searched' }),
    maxNodes: Type.Integer({
      minimum: 1,
      maximum: PATH_NODE_BUDGET,
      default: PATH_NODE_BUDGET,
      description: 'Most nodes the search may visit; past it the answer is 404 NO_PATH as when nothing links them',
    }),
  },
  { additionalProperties: false },
);

const PathParams = Type.Object(
  { tenant: TenantParams.properties.tenant, id: CustomerId, otherId: CustomerId },
  { additionalProperties: false },
);

/**
 * A date-time as the graph engine keeps it: whole seconds in 1970–2106, unsigned 32 bits
 * (engine/src/state.ts toSeconds, which throws outside it). A valid date-time outside is the
 * client's mistake: 400 naming the field.
 */
function graphTime(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!(ms >= 0 && ms < 2 ** 32 * 1000)) throw new InvalidInput(field, 'must be between 1970 and 2106');
  return ms;
}

export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { profiles, searchIndex: search, graphs } = app;
  /** The engine's excludeValues: what the request leaves out, and the tenant's shared infrastructure. */
  const excluding = (tenant: string, asked: readonly string[] | undefined): { excludeValues?: string[] } => {
    const marked = app.sharedInfra.nodeIds(tenant);
    const all = [...(asked ?? []), ...marked];
    return all.length > 0 ? { excludeValues: all } : {};
  };
  app.get(
    '/api/tenants/:tenant/customers/search',
    {
      schema: {
        tags: ['customers'],
        summary: 'Search customers by name or any identifier, with filters and facets',
        params: TenantParams,
        querystring: SearchQuery,
        response: { 200: SearchResult, ...errorResponses },
      },
    },
    async (request): Promise<SearchResult> => {
      const { tenant } = request.params;
      const query = request.query;
      const page = await search.search(tenant, {
        ...(query.q !== undefined && { q: query.q }),
        ...(query.action && { action: query.action }),
        ...(query.label && { label: query.label }),
        ...(query.state && { state: query.state }),
        ...(query.country && { country: query.country }),
        ...(query.scoreMin !== undefined && { scoreMin: query.scoreMin }),
        ...(query.scoreMax !== undefined && { scoreMax: query.scoreMax }),
        ...(query.from !== undefined && { from: Date.parse(query.from) }),
        ...(query.to !== undefined && { to: Date.parse(query.to) }),
        ...(query.sort !== undefined && { sort: query.sort }),
        size: query.size,
        ...(query.after !== undefined && { after: query.after }),
      });
      // Enrich from the profile store in one batch read; the index may lag the profile rows.
      let rows = new Map<string, CustomerRecord>();
      let partial: boolean;
      try {
        rows = await profiles.getCustomers(
          tenant,
          page.hits.map((h) => h.doc.id),
        );
        partial = rows.size < page.hits.length;
      } catch (error) {
        request.log.warn({ err: error }, 'search enrichment failed; answering from the index alone');
        partial = true;
      }
      // Linked customers from the tenant's graph (in process), shared infrastructure left out.
      const graph = graphs.get(tenant);
      const exclude = excluding(tenant, undefined);
      const hits = page.hits.map((hit) =>
        toSearchHit(hit, rows.get(hit.doc.id), linkedCustomers(graph, hit.doc.id, exclude)),
      );
      return { hits, total: page.total, facets: page.facets, ...(page.next && { next: page.next }), partial };
    },
  );

  // Typeahead: asked on every keystroke pause, so it reads the search index alone (no enrichment).
  app.get(
    '/api/tenants/:tenant/customers/suggest',
    {
      schema: {
        tags: ['customers'],
        summary: 'Customers whose email, phone, device, card, IP or order id starts with what was typed',
        params: TenantParams,
        querystring: SuggestQuery,
        response: { 200: Suggestions, ...errorResponses },
      },
    },
    async (request): Promise<Suggestions> => ({
      suggestions: await search.suggest(request.params.tenant, request.query.prefix, request.query.limit),
    }),
  );

  app.get(
    '/api/tenants/:tenant/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: "A customer's profile: identity, identifiers, score history, counters",
        params: CustomerParams,
        response: { 200: CustomerProfile, ...errorResponses },
      },
    },
    async (request) => {
      const { tenant, id } = request.params;
      const record = (await profiles.getCustomers(tenant, [id])).get(id);
      if (!record) throw new CustomerNotFound(tenant, id);
      return toProfile(record);
    },
  );

  app.get(
    '/api/tenants/:tenant/customers/:id/timeline',
    {
      schema: {
        tags: ['customers'],
        summary: "A customer's events, newest first",
        params: CustomerParams,
        querystring: TimelineQuery,
        response: { 200: Timeline, ...errorResponses },
      },
    },
    async (request): Promise<Timeline> => {
      const { tenant, id } = request.params;
      const { before, limit } = request.query;
      const page = await profiles.timeline(tenant, id, { limit, ...(before !== undefined && { before }) });
      if (page.events.length === 0 && !before && (await profiles.getCustomers(tenant, [id])).size === 0) {
        throw new CustomerNotFound(tenant, id);
      }
      return {
        events: page.events.map(toTimelineEvent),
        ...(page.next && { next: page.next }),
      };
    },
  );

  app.get(
    '/api/tenants/:tenant/customers/:id/network',
    {
      schema: {
        tags: ['customers'],
        summary: "A customer's network of linked customers and identifiers, breadth first, capped",
        params: CustomerParams,
        querystring: NetworkQuery,
        response: { 200: Network, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant, id } = request.params;
      const query = request.query;
      const json = networkJson(graphs.get(tenant), id, {
        depth: query.depth,
        maxNodes: query.maxNodes,
        ...(query.kinds && { kinds: query.kinds }),
        ...(query.asOf && { asOf: graphTime(query.asOf, '/querystring/asOf') }),
        // Shared infrastructure marked for the tenant is never traversed (services/watches.ts).
        ...excluding(tenant, query.exclude),
      });
      if (!json) throw new CustomerNotFound(tenant, id);
      // The engine wrote the `Network` document already (views/network.ts): Fastify sends
      // a Buffer as it is, without building objects for the schema's serializer to walk. The
      // schema stays the contract (docs/openapi.json); the type provider only types objects.
      const raw: FastifyReply = reply;
      return raw.type('application/json; charset=utf-8').send(json);
    },
  );

  app.get(
    '/api/tenants/:tenant/customers/:id/path/:otherId',
    {
      schema: {
        tags: ['customers'],
        summary: 'The shortest chain of shared identifiers between two customers',
        params: PathParams,
        querystring: PathQuery,
        response: { 200: CustomerPath, ...errorResponses },
      },
    },
    async (request): Promise<CustomerPath> => {
      const { tenant, id, otherId } = request.params;
      const { maxDepth, maxNodes } = request.query;
      const path = toPath(graphs.get(tenant), id, otherId, { maxDepth, maxNodes, ...excluding(tenant, undefined) });
      if (path === undefined) throw new CustomerNotFound(tenant, id);
      if (path === null) {
        throw new PathNotFound(id, otherId);
      }
      return path;
    },
  );

  app.get(
    '/api/tenants/:tenant/customers/:id/path-to-fraud',
    {
      schema: {
        tags: ['customers'],
        summary: 'The shortest chain of shared identifiers to the nearest customer labelled FRAUDSTER',
        params: CustomerParams,
        querystring: PathQuery,
        response: { 200: CustomerPath, ...errorResponses },
      },
    },
    async (request): Promise<CustomerPath> => {
      const { tenant, id } = request.params;
      const { maxDepth, maxNodes } = request.query;
      const path = toNearestLabelPath(graphs.get(tenant), id, 'FRAUDSTER', {
        maxDepth,
        maxNodes,
        ...excluding(tenant, undefined),
      });
      if (path === undefined) throw new CustomerNotFound(tenant, id);
      if (path === null) throw new NearestLabelNotFound(id, 'FRAUDSTER', maxDepth);
      return path;
    },
  );
};
