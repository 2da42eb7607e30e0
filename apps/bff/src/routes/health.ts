// Liveness checks the process only (a database outage must not restart every replica);
// readiness checks the stores, cached briefly so probes cannot overload them. The readiness
// answer is public (load balancers call it without identity): it says which store is up or down
// and nothing else; why a store is down (the driver's message) goes to the server log only.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Check = Type.Object(
  { name: Type.String(), status: Type.Union([Type.Literal('up'), Type.Literal('down')]) },
  { additionalProperties: false },
);
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Array(Check),
});

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/**
 * Set by server.ts on SIGTERM/SIGINT: readiness answers 503 at once (no cache) while the server
 * still serves, so load balancers stop sending before it closes (docs/faults.md).
 */
export interface Readiness {
  draining: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

const CACHE_MS = 2_000;
const TIMEOUT_MS = 2_000;

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessCheck[]; readiness?: Readiness }> = async (
  app,
  { checks, readiness = { draining: false } },
) => {
  let cached:
    | { at: number; body: { status: 'ready' | 'unavailable'; checks: { name: string; status: 'up' | 'down' }[] } }
    | undefined;

  const runChecks = async () => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        const start = performance.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
            }),
          ]);
          return { name, status: 'up' as const };
        } catch (error) {
          app.log.warn(
            { store: name, ms: Math.round(performance.now() - start), err: error },
            'readiness check failed',
          );
          return { name, status: 'down' as const };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return {
      status: results.every((r) => r.status === 'up') ? ('ready' as const) : ('unavailable' as const),
      checks: results,
    };
  };

  app.get(
    '/api/health/live',
    {
      config: { shedding: 'never' },
      schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('live') }) } },
    },
    async () => ({ status: 'live' as const }),
  );

  app.get(
    '/api/health/ready',
    { config: { shedding: 'never' }, schema: { tags: ['health'], response: { 200: Ready, 503: Ready } } },
    async (_request, reply) => {
      if (readiness.draining) {
        return reply.status(503).send({ status: 'unavailable', checks: [{ name: 'shutdown', status: 'down' }] });
      }
      if (!cached || Date.now() - cached.at > CACHE_MS) cached = { at: Date.now(), body: await runChecks() };
      return reply.status(cached.body.status === 'ready' ? 200 : 503).send(cached.body);
    },
  );
};
