// What a store says never reaches a client: through the real routes (app.inject), a store's
// refusal is a 502 and its outage a 503 naming only the store (Retry-After ours, none of its
// headers), and a cursor a client made, altered or took from another listing is a 400 naming the
// parameter, refused before any store is asked. docs/decisions/0005-tenant-isolation.md.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { MAX_ID_LENGTH } from '@redoubt/contracts';
import type { RedoubtEvent } from '@redoubt/contracts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app.ts';
import { ElasticsearchSearchIndex } from '../adapters/search-index/elasticsearch-search-index.ts';
import { SqliteProfileStore } from '../adapters/profile-store/sqlite-profile-store.ts';
import type { ReviewStore } from '../ports/review-store.ts';
import { baseConfig } from '../../test/auth/fake-services.ts';
import { testIdentities } from '../../test/support/identities.ts';
import { partial } from '../../test/support/partial.ts';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';

const require = createRequire(import.meta.url);
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
const Mock = require('@elastic/elasticsearch-mock') as typeof import('@elastic/elasticsearch-mock').default;

/** Anything of Elasticsearch's error that must not reach a client: reason text, type, headers. */
const LEAK = /caused_by|parse_exception|security_exception|es_rejected|es-7|10\.0\.0\.7|internals|realm|cluster-uuid/i;

function esError(statusCode: number) {
  const type = { 400: 'parse_exception', 401: 'security_exception' }[statusCode] ?? 'es_rejected_execution_exception';
  return new errors.ResponseError({
    body: {
      error: { type, reason: `${type} on node es-7 (10.0.0.7)`, caused_by: { type: 'x', reason: 'index internals' } },
      status: statusCode,
    },
    statusCode,
    headers: {
      'x-elastic-product': 'Elasticsearch',
      'x-es-secret': 'cluster-uuid-1234',
      ...(statusCode === 401 ? { 'www-authenticate': 'Basic realm="security"' } : {}),
      ...(statusCode === 429 ? { 'retry-after': '600' } : {}),
    },
    warnings: null,
    meta: {} as never,
  });
}

describe('store errors through the routes: Elasticsearch', () => {
  let app: FastifyInstance;
  let headers: Record<string, string>;
  const mock = new Mock();
  let answer: () => unknown = () => ({ hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: {} });
  let searches = 0;
  let dir: string;
  let closeStores = async () => {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-store-errors-'));
    mock.add({ method: 'HEAD', path: '/customers' }, () => '');
    mock.add({ method: 'GET', path: '/customers/_mapping' }, () => ({
      // An index with every field the adapter adds, so opening it puts no mapping.
      customers: {
        mappings: {
          properties: {
            nameTerms: { type: 'keyword' },
            suggestTerms: { type: 'keyword' },
            identifiersByKind: { type: 'object' },
          },
        },
      },
    }));
    mock.add({ method: 'POST', path: '/customers/_search' }, () => {
      searches++;
      return answer() as Record<string, unknown>;
    });
    const search = await ElasticsearchSearchIndex.open({
      node: 'http://es.test:9200',
      client: { Connection: mock.getConnection() as never, maxRetries: 0 },
    });
    const ids = await testIdentities();
    const reviews = partial<ReviewStore>('reviews', {
      listTenants: async () => [{ id: 'acme-shop', name: 'Acme' }],
      recordAccessDenied: async () => {},
      ping: async () => {},
    });
    const profiles = new SqliteProfileStore(':memory:');
    app = await buildApp({
      config: ids.configure({ ...baseConfig, dataDir: dir }),
      services: { db: partial('db'), users: ids.directory, reviews, searchIndex: search, profiles },
      auth: ids.auth,
      logger: false,
    });
    await app.ready();
    headers = await ids.headers({ email: 'ana@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
    // (The mock connection cannot be closed; the index holds nothing else.)
    closeStores = () => profiles.close();
  });
  after(async () => {
    await app?.close();
    await closeStores();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (query: string) =>
    app.inject({ method: 'GET', url: `/api/tenants/acme-shop/customers/search?${query}`, headers });

  for (const [status, expected, error, message] of [
    [400, 502, 'Bad Gateway', 'The search store could not answer this request'],
    [401, 502, 'Bad Gateway', 'The search store could not answer this request'],
    [429, 503, 'Service Unavailable', 'The search store is unavailable; try again shortly'],
    [503, 503, 'Service Unavailable', 'The search store is unavailable; try again shortly'],
  ] as const) {
    it(`answers Elasticsearch's ${status} with a ${expected} naming only the store`, async () => {
      answer = () => esError(status);
      const response = await get('q=ann');
      assert.equal(response.statusCode, expected, response.body);
      assert.deepEqual(response.json(), { error, message, requestId: response.json().requestId });
      assert.doesNotMatch(response.body, LEAK);
      for (const name of ['x-elastic-product', 'x-es-secret', 'www-authenticate']) {
        assert.equal(response.headers[name], undefined, name);
      }
      // Retry-After is the BFF's own advice, never the store's.
      assert.equal(response.headers['retry-after'], expected === 503 ? '5' : undefined);
    });
  }

  it('answers a lost connection with a 503', async () => {
    answer = () => new errors.ConnectionError('connect ECONNREFUSED 10.0.0.7:9200');
    const response = await get('q=ann');
    assert.equal(response.statusCode, 503);
    assert.doesNotMatch(response.body, /ECONNREFUSED|10\.0\.0\.7/);
  });

  it('refuses a made-up or altered cursor with a 400 naming after, and sends nothing to Elasticsearch', async () => {
    answer = () => ({ hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: {} });
    const before = searches;
    const made = Buffer.from(JSON.stringify([{ script: 'x' }])).toString('base64url');
    for (const after of [made, `${made}.${'A'.repeat(43)}`, 'bm90LWEtY3Vyc29y']) {
      const response = await get(`after=${after}`);
      assert.equal(response.statusCode, 400, after);
      assert.deepEqual(response.json().details, [{ field: '/query/after', reason: 'is not a valid cursor' }]);
    }
    assert.equal(searches, before, 'no refused cursor reached Elasticsearch');
  });
});

describe('store errors through the routes: embedded stores', () => {
  let t: IngestApp;
  let headers: Record<string, string>;
  const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/tenants/acme-shop${url}`, headers });
  const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();

  before(async () => {
    t = await ingestApp();
    const events: RedoubtEvent[] = ['ann', 'bob'].flatMap((customerId) =>
      Array.from({ length: 6 }, (_, i) => ({
        eventId: `${customerId}-${i}`,
        customerId,
        timestamp: at(i),
        type: 'customer' as const,
        customer: { name: `${customerId} ${i}` },
      })),
    );
    const report = await t.services.ingest.ingest(
      'acme-shop',
      events.map((value, i) => ({ line: i + 1, value })),
    );
    assert.equal(report.accepted, events.length);
    headers = await t.analyst('acme-shop');
  });
  // The last case closed the profile store under the app: the graph snapshot on close fails.
  after(() => t?.close().catch(() => rm(t.dir, { recursive: true, force: true })));

  it('refuses a search cursor altered, made up or taken from another query, naming after', async () => {
    const first = await get('/customers/search?size=1');
    const next = first.json().next as string;
    assert.ok(next);
    assert.equal((await get(`/customers/search?size=1&after=${next}`)).statusCode, 200);
    const [body, mac] = next.split('.');
    const made = Buffer.from('o:1').toString('base64url');
    for (const query of [
      `size=1&after=${made}`,
      `size=1&after=${body}A.${mac}`,
      `size=1&sort=name&after=${next}`,
      `size=1&q=ann&after=${next}`,
    ]) {
      const response = await get(`/customers/search?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.deepEqual(response.json().details, [{ field: '/query/after', reason: 'is not a valid cursor' }]);
    }
  });

  it('refuses a timeline cursor of another customer, or one altered, naming before', async () => {
    const first = await get('/customers/ann/timeline?limit=2');
    assert.equal(first.statusCode, 200, first.body);
    const next = first.json().next as string;
    assert.ok(next);
    assert.equal((await get(`/customers/ann/timeline?limit=2&before=${next}`)).statusCode, 200);
    const [body, mac] = next.split('.');
    for (const url of [
      `/customers/bob/timeline?limit=2&before=${next}`,
      `/customers/ann/timeline?limit=2&before=${body}.${mac!.slice(1)}A`,
      `/customers/ann/timeline?limit=2&before=${Buffer.from(JSON.stringify([0, 'x'])).toString('base64url')}`,
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 400, url);
      assert.deepEqual(response.json().details, [{ field: '/query/before', reason: 'is not a valid cursor' }]);
    }
  });

  it('pages with cursors of the longest ids the API accepts', async () => {
    const id = `c${'x'.repeat(MAX_ID_LENGTH - 1)}`;
    const events: RedoubtEvent[] = Array.from({ length: 3 }, (_, i) => ({
      eventId: `${i}${'e'.repeat(MAX_ID_LENGTH - 1)}`,
      customerId: id,
      timestamp: at(i),
      type: 'customer' as const,
      customer: { name: `${'Ü'.repeat(190)} ${i}` },
    }));
    const report = await t.services.ingest.ingest(
      'acme-shop',
      events.map((value, i) => ({ line: i + 1, value })),
    );
    assert.equal(report.accepted, 3);
    const first = await get(`/customers/${id}/timeline?limit=1`);
    const second = await get(`/customers/${id}/timeline?limit=1&before=${first.json().next}`);
    assert.equal(second.statusCode, 200, second.body);
    const page = await get(`/customers/search?size=1&sort=name`);
    const next = await get(`/customers/search?size=1&sort=name&after=${page.json().next}`);
    assert.equal(next.statusCode, 200, next.body);
  });

  it('answers a profile store that is gone with a 503 naming the store, not its message', async () => {
    await t.services.profiles.close();
    const response = await get('/customers/ann');
    assert.equal(response.statusCode, 503, response.body);
    assert.equal(response.json().message, 'The profiles store is unavailable; try again shortly');
    assert.doesNotMatch(response.body, /database|sqlite|not open/i);
  });
});
