// The router's own refusals answer in the one error shape (docs/threat-model.md I3): a path
// segment longer than any id (414) and a malformed percent-encoding (400) get
// { error, message, requestId }, without Fastify's code, status field or the URL echoed back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { MAX_PARAM_LENGTH } from '../../src/app.ts';
import type { TestIdentities } from '../support/identities.ts';
import { fakeApp } from '../support/route-app.ts';

describe("the router's refusals", () => {
  let app: FastifyInstance;
  let headers: Record<string, string>;

  before(async () => {
    let ids: TestIdentities;
    ({ app, ids } = await fakeApp());
    headers = await ids.headers({ email: 'ana@acme.test', role: 'analyst', tenant: 'acme-shop' });
  });

  after(async () => {
    await app?.close();
  });

  const shape = (body: Record<string, unknown>) => {
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'requestId']);
    assert.equal(typeof body.requestId, 'string');
  };

  test('a path segment past the longest id: 414 in the error shape, the URL not echoed', async () => {
    const long = 'x'.repeat(MAX_PARAM_LENGTH + 10);
    const answer = await app.inject({ method: 'GET', url: `/api/tenants/acme-shop/customers/${long}`, headers });
    assert.equal(answer.statusCode, 414);
    shape(answer.json());
    assert.equal(answer.body.includes(long), false);
  });

  test('a malformed percent-encoding: 400 in the error shape', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/tenants/acme-shop/customers/%E0%A4%A', headers });
    assert.equal(answer.statusCode, 400);
    shape(answer.json());
    assert.equal(answer.body.includes('%E0%A4%A'), false);
  });
});
