import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import * as domain from '../domain/errors.ts';
import errors, { statusOf } from './errors.ts';

test('every domain error class has a status in the errors plugin', () => {
  const classes = Object.entries(domain).filter(
    ([, value]) => typeof value === 'function' && value.prototype instanceof domain.DomainError,
  );
  assert.ok(classes.length >= 17);
  for (const [name, type] of classes) {
    const instance = Object.create((type as typeof domain.DomainError).prototype) as domain.DomainError;
    assert.ok(statusOf(instance), `${name} has no status`);
  }
});

test('domain errors become the one error shape, with Retry-After and the current version', async () => {
  const app = Fastify({ logger: false });
  await app.register(errors);
  const current = { version: 4, status: 'open' };
  app.get('/stale', async () => {
    throw new domain.VersionMismatch('The review changed since you read it', current);
  });
  app.get('/down', async () => {
    throw new domain.StoreUnavailable('search', new Error('connect ECONNREFUSED 10.0.0.7:9200'));
  });
  app.get('/cursor', async () => {
    throw new domain.BadCursor('/query/after');
  });
  app.get('/customer', async () => {
    throw new domain.CustomerNotFound('acme-shop', 'c-1');
  });

  const stale = await app.inject('/stale');
  assert.equal(stale.statusCode, 412);
  assert.deepEqual(stale.json(), {
    error: 'Precondition Failed',
    message: 'The review changed since you read it',
    current,
    requestId: stale.json().requestId,
  });

  const down = await app.inject('/down');
  assert.equal(down.statusCode, 503);
  assert.equal(down.headers['retry-after'], '5');
  assert.equal(down.json().message, 'The search store is unavailable; try again shortly');
  assert.doesNotMatch(down.body, /ECONNREFUSED/);

  const cursor = await app.inject('/cursor');
  assert.equal(cursor.statusCode, 400);
  assert.deepEqual(cursor.json().details, [{ field: '/query/after', reason: 'is not a valid cursor' }]);

  const customer = await app.inject('/customer');
  assert.equal(customer.statusCode, 404);
  assert.equal(customer.json().error, 'Not Found');
  assert.equal(customer.json().message, 'No customer "c-1" in tenant "acme-shop"');
  await app.close();
});
