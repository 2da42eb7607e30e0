// The public readiness probe: each store up or down, never why (the driver's text, status or
// headers); the reason goes to the server log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import errors from '../plugins/errors.ts';
import { healthRoutes } from './health.ts';

const require = createRequire(import.meta.url);
const es = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');

test('readiness says which store is down, without the driver message', async () => {
  const logged: string[] = [];
  const app = Fastify({
    logger: { level: 'warn', stream: { write: (line: string) => void logged.push(line) } },
  });
  await app.register(errors);
  let searchUp = false;
  await app.register(healthRoutes, {
    checks: [
      { name: 'reviews', check: async () => {} },
      {
        name: 'profiles',
        check: async () => {
          throw Object.assign(new Error('14 UNAVAILABLE: No connection established to bigtable.internal:443'), {
            code: 14,
          });
        },
      },
      {
        name: 'search',
        check: async () => {
          if (searchUp) return;
          throw new es.errors.ResponseError({
            body: { error: { type: 'security_exception', reason: 'unable to authenticate user [redoubt]' } },
            statusCode: 401,
            headers: { 'www-authenticate': 'Basic realm="security"' },
            warnings: null,
            meta: {} as never,
          });
        },
      },
    ],
  });
  const down = await app.inject('/api/health/ready');
  assert.equal(down.statusCode, 503);
  assert.deepEqual(down.json(), {
    status: 'unavailable',
    checks: [
      { name: 'reviews', status: 'up' },
      { name: 'profiles', status: 'down' },
      { name: 'search', status: 'down' },
    ],
  });
  assert.doesNotMatch(down.body, /14 UNAVAILABLE|bigtable|security_exception|authenticate|realm/i);
  assert.equal(down.headers['www-authenticate'], undefined);
  // The operator still learns why, from the log.
  assert.ok(logged.some((line) => line.includes('bigtable.internal')));
  assert.ok(logged.some((line) => line.includes('"store":"search"')));

  searchUp = true;
  await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the probe's cache
  const partly = await app.inject('/api/health/ready');
  assert.deepEqual(
    partly.json().checks.map((c: { status: string }) => c.status),
    ['up', 'down', 'up'],
  );
  await app.close();
});
