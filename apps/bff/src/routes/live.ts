// GET /api/live: server-sent events for the customers a dashboard page has open (docs/live.md).
// The tenant is checked by the access table (access.ts, tenant in the query) before this runs;
// the stream itself is services/live-hub.ts.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CustomerId, TenantId, errorResponses } from '../schemas/common.ts';
import { principalOf } from '../principal.ts';

/** Customers one stream may watch (the pages a person has open in one tab). */
export const MAX_WATCH = 20;

export const LiveQuery = Type.Object(
  {
    tenant: TenantId,
    watch: Type.Array(CustomerId, {
      minItems: 1,
      maxItems: MAX_WATCH,
      description: 'Customers this page has open (repeat the parameter): changes in their networks are sent',
    }),
    depth: Type.Integer({
      minimum: 1,
      maximum: 4,
      default: 3,
      description: 'Hops around each watched customer that count as its network (as the network route)',
    }),
  },
  { additionalProperties: false },
);

const LiveHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ maxLength: 64, description: 'Resume after this event (EventSource sends it on reconnect)' }),
  ),
});

export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const hub = app.liveStreams;
  app.metrics.gauge('redoubt_live_streams', 'Open live event streams', () => hub.streamCount);
  app.metrics.gauge('redoubt_live_dropped', 'Live streams dropped for falling behind, since start', () => hub.dropped);

  app.get(
    '/api/live',
    {
      config: { shedding: 'stream' },
      schema: {
        tags: ['live'],
        summary: 'Server-sent events: new links, scores, labels, reviews, notes and presence for the watched customers',
        querystring: LiveQuery,
        headers: LiveHeaders,
        produces: ['text/event-stream'],
        response: {
          200: Type.String({
            description:
              'text/event-stream; events link, score, label, review, note (with ids), presence, reload, bye; data is libs/contracts LiveEvent',
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { tenant, watch, depth } = request.query;
      // Refused (429) while the reply can still carry an error.
      hub.admit(principal.sub);
      reply.hijack();
      hub.open({
        tenant,
        sub: principal.sub,
        email: principal.email,
        watch: [...new Set(watch)],
        depth,
        lastEventId: request.headers['last-event-id'],
        res: reply.raw,
      });
    },
  );
};
