// GET /api/demo/status: how far the first start's demo seeding has got, for the dashboard's
// loading indicator (the server answers while the seed runs in the background).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DemoStatus } from '@redoubt/contracts/api';
import { errorResponses } from '../schemas/common.ts';

export const demoStatusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/demo/status',
    {
      schema: {
        tags: ['demo'],
        summary: 'Progress of the demo data seeded on the first start',
        response: { 200: DemoStatus, ...errorResponses },
      },
    },
    async () => app.demo.status(),
  );
};
