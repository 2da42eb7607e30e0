// Why the score: the reasons the customer's latest score events came with (rules, warnings) and the
// network signals around the customer (FRAUDSTERs within two hops, the component's FRAUDSTER share).
// Schemas and calls here; the shape is made in views/why.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ScoreWhy } from '@redoubt/contracts/api';
import type { ScoreReason } from '@redoubt/contracts/api';
import { CustomerParams, errorResponses } from '../schemas/common.ts';
import { CustomerNotFound } from '../domain/errors.ts';
import { toScoreReason, toScoreWhy } from '../views/why.ts';

/** Score events returned, newest first. */
export const WHY_SCORES = 5;
/** Timeline events read at most while looking for them (pages of WHY_PAGE). */
export const WHY_SCAN_LIMIT = 800;
const WHY_PAGE = 200;

export const whyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { profiles, graphs } = app;
  app.get(
    '/api/tenants/:tenant/customers/:id/why',
    {
      schema: {
        tags: ['customers'],
        summary:
          "Why the customer's score: the latest score events' rules and warnings, FRAUDSTERs within two hops, the component's FRAUDSTER share",
        params: CustomerParams,
        response: { 200: ScoreWhy, ...errorResponses },
      },
    },
    async (request): Promise<ScoreWhy> => {
      const { tenant, id } = request.params;
      const record = (await profiles.getCustomers(tenant, [id])).get(id);
      if (!record) throw new CustomerNotFound(tenant, id);
      // The timeline has no type filter: read it newest first, bounded, until enough scores are found.
      const scores: ScoreReason[] = [];
      let scanned = 0;
      let before: string | undefined;
      let complete = false;
      while (scores.length < WHY_SCORES && scanned < WHY_SCAN_LIMIT) {
        const page = await profiles.timeline(tenant, id, {
          limit: Math.min(WHY_PAGE, WHY_SCAN_LIMIT - scanned),
          ...(before !== undefined && { before }),
        });
        for (const event of page.events) {
          scanned++;
          const reason = toScoreReason(event);
          if (reason && scores.length < WHY_SCORES) scores.push(reason);
        }
        if (!page.next) {
          complete = true;
          break;
        }
        before = page.next;
      }
      return toScoreWhy(graphs.get(tenant), id, record.label, {
        scores,
        scanned,
        complete: complete || scores.length === WHY_SCORES,
      });
    },
  );
};
