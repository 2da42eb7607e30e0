// Analysts' notes on a customer. POST is safe to retry: the client chooses the note id.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NewNote, Note } from '@redoubt/contracts';
import { CustomerParams, errorResponses, ErrorBody } from '../schemas/common.ts';
import { actorOf, principalOf } from '../principal.ts';
import { Conflict } from '../domain/errors.ts';

export const noteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tenants/:tenant/customers/:id/notes',
    {
      schema: {
        tags: ['notes'],
        params: CustomerParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ notes: Type.Array(Note) }), ...errorResponses },
      },
    },
    async (request) => ({
      notes: await app.reviews.listNotes(request.params.tenant, request.params.id, request.query.limit),
    }),
  );

  app.post(
    '/api/tenants/:tenant/customers/:id/notes',
    {
      schema: {
        tags: ['notes'],
        params: CustomerParams,
        body: NewNote,
        response: { 200: Note, 201: Note, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await app.reviews.addNote(request.params.tenant, actorOf(request), {
        id: request.body.id,
        customerId: request.params.id,
        body: request.body.body,
      });
      if ('conflict' in result) throw new Conflict('NOTE_ID_TAKEN', 'A different note already has this id');
      // Colleagues with the customer open see it arrive (a resend is not news).
      if (result.created) {
        app.live.publish({
          type: 'note',
          tenant: request.params.tenant,
          customerId: request.params.id,
          noteId: result.note.id,
          by: principalOf(request).email,
          at: new Date().toISOString(),
        });
      }
      return reply.status(result.created ? 201 : 200).send(result.note);
    },
  );
};
