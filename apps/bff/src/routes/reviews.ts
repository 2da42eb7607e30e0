// Reviews, the queue and cluster labels. Writes need an Idempotency-Key (a retry replays the stored
// answer); a review also needs If-Match with the version last read (missing 428, stale 412 with the
// current state and who changed it). The state machine is domain/review-state.ts.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  ClusterBatch,
  ClusterPreview,
  ClusterSelection,
  NewReview,
  QueueItem,
  QueuePage,
  QueueSort,
  Review,
  ReviewConflict,
  ReviewHistory,
  ReviewSettings as ReviewSettingsSchema,
  ReviewState,
} from '@redoubt/contracts/api';
import type { QueueItem as QueueItemType, ReviewSettings } from '@redoubt/contracts/api';
import { CustomerParams, ErrorBody, TenantParams, errorResponses } from '../schemas/common.ts';
import { actorOf, principalOf, roleIn } from '../principal.ts';
import { CustomerNotFound, Forbidden, InvalidInput, VersionRequired } from '../domain/errors.ts';
import type { QueueRow, Reviewer, SettingsEditor } from '../ports/review-store.ts';
import { networkRisk, previewCluster } from '../services/reviews.ts';

/** How many queued customers are ranked by network risk per request (oldest first). */
const RISK_WINDOW = 500;

const WriteHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'Any unique string per intended write, reused on retry' }),
  ),
});
const ReviewHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ maxLength: 40, description: 'The ETag (version) last read, e.g. "3"' })),
  'idempotency-key': WriteHeaders.properties['idempotency-key'],
});

const QueueQuery = Type.Object(
  {
    sort: Type.Optional(QueueSort),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000, default: 0 }),
    assignee: Type.Optional(
      Type.Union([Type.Literal('me'), Type.Literal('unassigned')], { description: 'Only mine, or only unclaimed' }),
    ),
    sla: Type.Optional(Type.Union([Type.Literal('near'), Type.Literal('breached')])),
  },
  { additionalProperties: false },
);

const QueueParams = CustomerParams;
const BatchParams = Type.Object(
  { tenant: TenantParams.properties.tenant, batchId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const ReviewResult = Type.Object({ state: ReviewState, review: Review });

/** What a lead may set: the reasons analysts pick from, the SLA, the claim idle time, the undo window. */
const ReviewSettingsInput = Type.Object(
  {
    slaHours: Type.Number({ exclusiveMinimum: 0, maximum: 720, description: 'Hours a queued customer may wait' }),
    claimIdleMinutes: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1440,
      description: 'A claim idle this long is free',
    }),
    undoMinutes: Type.Number({ minimum: 0, maximum: 1440, description: 'How long a reviewer may undo (0: never)' }),
    reasons: Type.Array(
      Type.Object(
        {
          // Stored on each review (reviews.reason, at most 64 characters) and sent back by clients.
          id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'e.g. confirmed-fraud' }),
          text: Type.String({ minLength: 1, maxLength: 200, description: 'What analysts see' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
const VersionedSettings = Type.Object({ settings: ReviewSettingsSchema, version: Type.Integer({ minimum: 0 }) });
const SettingsConflict = Type.Object({
  error: Type.String(),
  message: Type.String(),
  requestId: Type.String(),
  current: VersionedSettings,
});

function editorOf(request: FastifyRequest, tenant: string): SettingsEditor {
  const role = roleIn(principalOf(request), tenant);
  if (role !== 'lead' && role !== 'admin') {
    throw new Forbidden('REVIEW_ROLE', "Only leads and the tenant's admins change review settings");
  }
  return { ...actorOf(request), role };
}
const NextResult = Type.Object({ item: Type.Union([QueueItem, Type.Null()]) });

function reviewerOf(request: FastifyRequest, tenant: string): Reviewer {
  const role = roleIn(principalOf(request), tenant);
  if (role !== 'analyst' && role !== 'lead') throw new Forbidden('REVIEW_ROLE', 'Only analysts and leads review');
  return { ...actorOf(request), role };
}

function idempotencyKey(headers: { 'idempotency-key'?: string }): string {
  const key = headers['idempotency-key'];
  if (!key)
    throw new InvalidInput('/headers/idempotency-key', 'is required: send a unique key per write, the same on retry');
  return key;
}

/** "3", W/"3" or 3 → 3; a missing header is a 428, anything else a 400 naming the header. */
function versionOf(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch === '') throw new VersionRequired();
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!match) throw new InvalidInput('/headers/if-match', 'must be the ETag you read, e.g. "3"');
  return Number(match[1]);
}

const etag = (version: number) => `"${version}"`;

function slaOf(queuedAt: number, settings: ReviewSettings, now: number): { sla: QueueItemType['sla']; due: number } {
  const due = queuedAt + settings.slaHours * 3_600_000;
  const sla = now >= due ? 'breached' : now >= due - settings.slaHours * 3_600_000 * 0.2 ? 'near' : 'ok';
  return { sla, due };
}

/**
 * A cluster selection at its largest (500 ids and 500 confirmations of up to 128 characters) is
 * about 135 KB: above the 64 KiB default body limit (app.ts BODY_LIMIT), so these routes say more.
 */
const CLUSTER_BODY_LIMIT = 256 * 1024;
export const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reviews, profiles, graphs } = app;
  const toItem = (
    row: QueueRow,
    settings: ReviewSettings,
    now: number,
    tenant: string,
    withRisk: boolean,
  ): QueueItemType => {
    const queuedAt = row.state.queuedAt ? Date.parse(row.state.queuedAt) : now;
    const { sla, due } = slaOf(queuedAt, settings, now);
    const item: QueueItemType = {
      customerId: row.state.customerId,
      name: row.name,
      status: row.state.status,
      version: row.state.version,
      score: row.score,
      action: row.state.action,
      label: row.state.label,
      queuedAt: new Date(queuedAt).toISOString(),
      ageMinutes: Math.max(0, Math.round((now - queuedAt) / 60_000)),
      sla,
      slaDueAt: new Date(due).toISOString(),
      assignee: row.state.assignee,
      claimExpiresAt: row.state.claimExpiresAt,
      why: row.state.queueReason ?? 'sent back to the queue',
    };
    if (withRisk) item.risk = networkRisk(graphs.get(tenant), row.state.customerId, row.state.label);
    return item;
  };

  /** The free queue ranked by network risk, highest first. */
  const rankedByRisk = async (tenant: string): Promise<string[]> => {
    const candidates = await reviews.queueCandidates(tenant, RISK_WINDOW);
    const graph = graphs.get(tenant);
    return candidates
      .map((row) => ({
        id: row.state.customerId,
        rank: networkRisk(graph, row.state.customerId, row.state.label).rank,
      }))
      .sort((a, b) => b.rank - a.rank)
      .map((r) => r.id);
  };

  app.get(
    '/api/tenants/:tenant/customers/:id/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary: "A customer's review state (ETag: its version), history and the tenant's reasons",
        params: CustomerParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
          { additionalProperties: false },
        ),
        response: { 200: ReviewHistory, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant, id } = request.params;
      const [history, settings] = await Promise.all([
        reviews.listReviews(tenant, id, actorOf(request), request.query.limit),
        reviews.reviewSettings(tenant),
      ]);
      reply.header('etag', etag(history.state.version));
      return { ...history, settings };
    },
  );

  app.post(
    '/api/tenants/:tenant/customers/:id/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Decide (ALLOW, REVIEW, PREVENT), label, reopen, or undo your last review',
        params: CustomerParams,
        headers: ReviewHeaders,
        body: NewReview,
        response: {
          201: ReviewResult,
          409: ErrorBody,
          412: ReviewConflict,
          422: ErrorBody,
          428: ErrorBody,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { tenant, id } = request.params;
      const version = versionOf(request.headers['if-match']);
      const key = idempotencyKey(request.headers);
      // Reviews are of customers the tenant has sent us; an unknown id is a 404, not a new row.
      if (!(await profiles.getCustomers(tenant, [id])).has(id)) throw new CustomerNotFound(tenant, id);
      const answer = await reviews.review(tenant, reviewerOf(request, tenant), id, version, request.body, {
        key,
        route: 'POST /customers/:id/reviews',
      });
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      reply.header('etag', etag(answer.body.state.version));
      return reply.status(201).send(answer.body);
    },
  );

  app.get(
    '/api/tenants/:tenant/review-settings',
    {
      schema: {
        tags: ['reviews'],
        summary: "The tenant's review settings (reasons, SLA, claim idle time, undo window); ETag: their version",
        params: TenantParams,
        response: { 200: VersionedSettings, ...errorResponses },
      },
    },
    async (request, reply) => {
      const current = await reviews.editableReviewSettings(request.params.tenant);
      reply.header('etag', etag(current.version));
      return current;
    },
  );

  app.put(
    '/api/tenants/:tenant/review-settings',
    {
      schema: {
        tags: ['reviews'],
        summary: "Replace the tenant's review settings (If-Match: the version read; audited)",
        params: TenantParams,
        headers: ReviewHeaders,
        body: ReviewSettingsInput,
        response: {
          200: VersionedSettings,
          412: SettingsConflict,
          422: ErrorBody,
          428: ErrorBody,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const editor = editorOf(request, tenant);
      const version = versionOf(request.headers['if-match']);
      const seen = new Set<string>();
      request.body.reasons.forEach((reason, i) => {
        if (seen.has(reason.id)) throw new InvalidInput(`/body/reasons/${i}/id`, 'is the id of an earlier reason');
        seen.add(reason.id);
      });
      const key = request.headers['idempotency-key'];
      const answer = await reviews.updateReviewSettings(
        tenant,
        editor,
        version,
        request.body,
        key ? { key, route: 'PUT /review-settings' } : undefined,
      );
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      reply.header('etag', etag(answer.body.version));
      return answer.body;
    },
  );

  app.get(
    '/api/tenants/:tenant/queue',
    {
      schema: {
        tags: ['queue'],
        summary: 'Customers awaiting a decision, by age, score or network risk, with why and SLA',
        params: TenantParams,
        querystring: QueueQuery,
        response: { 200: QueuePage, ...errorResponses },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const { sort = 'age', limit, offset, assignee, sla } = request.query;
      const settings = await reviews.reviewSettings(tenant);
      const now = Date.now();
      const mine = assignee === 'me' ? principalOf(request).sub : assignee;
      if (sort === 'risk') {
        // Ranked at request time from the live graph, so new links re-rank the next read.
        const window = await reviews.queue(tenant, {
          sort: 'age',
          limit: RISK_WINDOW,
          offset: 0,
          ...(mine && { assignee: mine }),
          ...(sla && { sla }),
        });
        const items = window.rows
          .map((row) => toItem(row, settings, now, tenant, true))
          .sort((a, b) => b.risk!.rank - a.risk!.rank || a.queuedAt.localeCompare(b.queuedAt));
        return { items: items.slice(offset, offset + limit), total: window.total, slaHours: settings.slaHours };
      }
      const page = await reviews.queue(tenant, {
        sort,
        limit,
        offset,
        ...(mine && { assignee: mine }),
        ...(sla && { sla }),
      });
      return {
        items: page.rows.map((row) => toItem(row, settings, now, tenant, true)),
        total: page.total,
        slaHours: settings.slaHours,
      };
    },
  );

  const queueWrite = {
    tags: ['queue'],
    params: QueueParams,
    response: { 200: ReviewState, 409: ErrorBody, 422: ErrorBody, ...errorResponses },
  };

  app.post(
    '/api/tenants/:tenant/queue/:id/claim',
    {
      schema: { ...queueWrite, summary: 'Claim a queued customer (yours until released or idle past the claim time)' },
    },
    async (request) => {
      const { tenant, id } = request.params;
      return reviews.claim(tenant, reviewerOf(request, tenant), id);
    },
  );

  app.post(
    '/api/tenants/:tenant/queue/:id/release',
    { schema: { ...queueWrite, summary: 'Release a claim (your own; a lead may release anyone’s)' } },
    async (request) => {
      const { tenant, id } = request.params;
      return reviews.release(tenant, reviewerOf(request, tenant), id);
    },
  );

  app.post(
    '/api/tenants/:tenant/queue/:id/reassign',
    {
      schema: {
        ...queueWrite,
        summary: 'A lead hands a queued customer to another analyst, with a reason',
        body: Type.Object(
          {
            to: Type.String({ format: 'email', maxLength: 254 }),
            reason: Type.String({ minLength: 1, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { tenant, id } = request.params;
      const to = request.body.to.toLowerCase();
      // The subject is bound at the assignee's sign-in; until then the email identifies them.
      return reviews.reassign(
        tenant,
        reviewerOf(request, tenant),
        id,
        { sub: `email:${to}`, email: to },
        request.body.reason,
      );
    },
  );

  app.post(
    '/api/tenants/:tenant/queue/next',
    {
      schema: {
        tags: ['queue'],
        summary: 'Claim the next free customer by the sort, atomically (two analysts never get the same one)',
        params: TenantParams,
        body: Type.Object({ sort: Type.Optional(QueueSort) }, { additionalProperties: false }),
        response: { 200: NextResult, ...errorResponses },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const reviewer = reviewerOf(request, tenant);
      const sort = request.body.sort ?? 'age';
      const state = await reviews.next(
        tenant,
        reviewer,
        sort === 'risk' ? { order: await rankedByRisk(tenant) } : sort,
      );
      if (!state) return { item: null };
      const settings = await reviews.reviewSettings(tenant);
      const row: QueueRow = { state, name: null, score: null };
      const page = await reviews.queue(tenant, { sort: 'age', limit: 200, offset: 0, assignee: reviewer.sub });
      const full = page.rows.find((r) => r.state.customerId === state.customerId) ?? row;
      return { item: toItem(full, settings, Date.now(), tenant, true) };
    },
  );

  app.post(
    '/api/tenants/:tenant/clusters/preview',
    {
      bodyLimit: CLUSTER_BODY_LIMIT,
      schema: {
        tags: ['clusters'],
        summary: 'What labelling these customers would change: who, who is GENUINE, fraud share, order value',
        params: TenantParams,
        body: ClusterSelection,
        response: { 200: ClusterPreview, ...errorResponses },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const { apply: _apply, ...preview } = await previewCluster(graphs.get(tenant), profiles, tenant, request.body);
      return preview;
    },
  );

  app.post(
    '/api/tenants/:tenant/clusters',
    {
      bodyLimit: CLUSTER_BODY_LIMIT,
      schema: {
        tags: ['clusters'],
        summary: 'Label the previewed customers as one batch (one review and audit row each)',
        params: TenantParams,
        headers: WriteHeaders,
        body: ClusterSelection,
        response: { 201: ClusterBatch, 422: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const key = idempotencyKey(request.headers);
      const reviewer = reviewerOf(request, tenant);
      const preview = await previewCluster(graphs.get(tenant), profiles, tenant, request.body);
      const answer = await reviews.applyBatch(
        tenant,
        reviewer,
        {
          label: request.body.label,
          customerIds: preview.apply,
          ...(request.body.reason !== undefined && { reason: request.body.reason }),
          ...(request.body.reasonText !== undefined && { reasonText: request.body.reasonText }),
          request: request.body,
        },
        { key, route: 'POST /clusters' },
      );
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(answer.body);
    },
  );

  app.post(
    '/api/tenants/:tenant/clusters/:batchId/revert',
    {
      schema: {
        tags: ['clusters'],
        summary: 'Revert a cluster batch: each customer not changed since goes back to how it was',
        params: BatchParams,
        response: { 200: ClusterBatch, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const { tenant, batchId } = request.params;
      return reviews.revertBatch(tenant, reviewerOf(request, tenant), batchId);
    },
  );
};
