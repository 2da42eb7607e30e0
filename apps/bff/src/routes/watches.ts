// Watches ("tripwires") and shared-infrastructure marks (docs/live.md). Analysts and leads of the
// tenant (the access table checks the tenant in the URL). Writes are idempotent by what they name:
// pinning the same target again returns the existing watch (200, not 201), marking a marked value
// returns its mark, deleting what is gone is 204 as well. Each change is audited in its own
// transaction (adapters/watch-store). The matching is services/watches.ts.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NewSharedMark, NewWatch, SharedMark, SharedMarkList, Watch, WatchList } from '@redoubt/contracts/watches';
import { TenantParams, errorResponses } from '../schemas/common.ts';
import { actorOf, principalOf } from '../principal.ts';
import { CustomerNotFound, InvalidInput } from '../domain/errors.ts';
import { identifierNodeId, nodeIdOf } from '../services/watches.ts';

/** Hits listed with each watch (the count says how many there are). */
export const HITS_PER_WATCH = 20;

const WatchParams = Type.Object(
  { tenant: TenantParams.properties.tenant, watchId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const MarkParams = Type.Object(
  { tenant: TenantParams.properties.tenant, markId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const watchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { watches, watchMatcher: matcher, sharedInfra: shared } = app;

  app.get(
    '/api/tenants/:tenant/watches',
    {
      schema: {
        tags: ['watches'],
        summary: "The caller's watches, newest first, each with its most recent hits",
        params: TenantParams,
        response: { 200: WatchList, ...errorResponses },
      },
    },
    async (request): Promise<WatchList> => ({
      watches: await watches.listWatches(request.params.tenant, principalOf(request).sub, HITS_PER_WATCH),
    }),
  );

  app.post(
    '/api/tenants/:tenant/watches',
    {
      schema: {
        tags: ['watches'],
        summary: 'Pin a customer, an identifier or a component: new links into it notify you and queue the customer',
        params: TenantParams,
        body: NewWatch,
        response: { 200: Watch, 201: Watch, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const { target, note } = request.body;
      if (target.type !== 'identifier') {
        const known = await app.profiles.getCustomers(tenant, [target.customerId]);
        if (!known.has(target.customerId)) throw new CustomerNotFound(tenant, target.customerId);
      }
      const nodeId = nodeIdOf(target);
      if (nodeId.endsWith(':')) throw new InvalidInput('/body/target/value', 'is empty once normalised');
      const result = await watches.addWatch(tenant, actorOf(request), {
        target,
        nodeId,
        ...(note !== undefined && { note }),
      });
      const { watch } = result;
      matcher.add(tenant, {
        id: watch.id,
        ownerSub: principalOf(request).sub,
        targetType: watch.target.type,
        target: watch.nodeId,
      });
      return reply.status(result.created ? 201 : 200).send(watch);
    },
  );

  app.delete(
    '/api/tenants/:tenant/watches/:watchId',
    {
      schema: {
        tags: ['watches'],
        summary: 'Unpin one of your watches (204 also when it is already gone)',
        params: WatchParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant, watchId } = request.params;
      await watches.removeWatch(tenant, actorOf(request), watchId);
      matcher.remove(tenant, watchId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/tenants/:tenant/shared-infrastructure',
    {
      schema: {
        tags: ['watches'],
        summary: 'Identifier values marked as shared infrastructure, left out of every traversal',
        params: TenantParams,
        response: { 200: SharedMarkList, ...errorResponses },
      },
    },
    async (request): Promise<SharedMarkList> => ({ marks: await watches.listMarks(request.params.tenant) }),
  );

  app.post(
    '/api/tenants/:tenant/shared-infrastructure',
    {
      schema: {
        tags: ['watches'],
        summary: 'Mark an identifier value as shared infrastructure (a gateway IP, an office address), with a reason',
        params: TenantParams,
        body: NewSharedMark,
        response: { 200: SharedMark, 201: SharedMark, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const { kind, value, reason } = request.body;
      const nodeId = identifierNodeId(kind, value);
      const colon = nodeId.indexOf(':');
      if (colon === nodeId.length - 1) throw new InvalidInput('/body/value', 'is empty once normalised');
      const result = await watches.addMark(tenant, actorOf(request), {
        kind: nodeId.slice(0, colon),
        value: nodeId.slice(colon + 1),
        nodeId,
        reason,
      });
      shared.add(tenant, result.mark);
      return reply.status(result.created ? 201 : 200).send(result.mark);
    },
  );

  app.delete(
    '/api/tenants/:tenant/shared-infrastructure/:markId',
    {
      schema: {
        tags: ['watches'],
        summary: 'Unmark a shared-infrastructure value: traversals go through it again (204 also when already gone)',
        params: MarkParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant, markId } = request.params;
      const removed = await watches.removeMark(tenant, actorOf(request), markId);
      if (removed) shared.remove(tenant, removed.nodeId);
      return reply.status(204).send(null);
    },
  );
};
