// Liveness checks the process only (a database outage must not restart every replica);
// readiness checks the stores, cached briefly so probes cannot overload them.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Check = Type.Object({
  name: Type.String(),
  ok: Type.Boolean(),
  ms: Type.Number(),
  error: Type.Optional(Type.String()),
});
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Array(Check),
});

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

const CACHE_MS = 2_000;
const TIMEOUT_MS = 2_000;

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessCheck[] }> = async (app, { checks }) => {
  let cached:
    | {
        at: number;
        body: { status: 'ready' | 'unavailable'; checks: { name: string; ok: boolean; ms: number; error?: string }[] };
      }
    | undefined;

  const runChecks = async () => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        const start = performance.now();
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
            ),
          ]);
          return { name, ok: true, ms: Math.round(performance.now() - start) };
        } catch (error) {
          return { name, ok: false, ms: Math.round(performance.now() - start), error: (error as Error).message };
        }
      }),
    );
    return { status: results.every((r) => r.ok) ? ('ready' as const) : ('unavailable' as const), checks: results };
  };

  app.get(
    '/api/health/live',
    { schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('live') }) } } },
    async () => ({ status: 'live' as const }),
  );

  app.get(
    '/api/health/ready',
    { schema: { tags: ['health'], response: { 200: Ready, 503: Ready } } },
    async (_request, reply) => {
      if (!cached || Date.now() - cached.at > CACHE_MS) cached = { at: Date.now(), body: await runChecks() };
      return reply.status(cached.body.status === 'ready' ? 200 : 503).send(cached.body);
    },
  );
};
