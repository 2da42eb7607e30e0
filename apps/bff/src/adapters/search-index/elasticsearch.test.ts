// The Elasticsearch adapter's exact requests and its mapping of responses, against
// @elastic/elasticsearch-mock (Elasticsearch itself cannot run on these machines; the live contract
// suite runs in search-index.test.ts whenever ELASTICSEARCH_URL is set).
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import { ElasticsearchSearchIndex, INDEX_MAPPINGS } from './elasticsearch-search-index.ts';

// From ESM the mock must get ResponseError from the CommonJS copy of the client, or it answers
// with the error serialised as a 200 body (toolchain.md).
const require = createRequire(import.meta.url);
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
const Mock = require('@elastic/elasticsearch-mock') as typeof import('@elastic/elasticsearch-mock').default;

interface Seen {
  method: string;
  path: string;
  body: unknown;
  querystring: Record<string, unknown>;
}

describe('Elasticsearch SearchIndex adapter (mocked transport)', () => {
  let mock: InstanceType<typeof Mock>;
  let seen: Seen[];

  const record = (params: MockPattern) =>
    seen.push({
      method: String(params.method),
      path: String(params.path),
      body: params.body,
      querystring: params.querystring ?? {},
    });

  async function open(options: { exists: boolean }) {
    mock.add({ method: 'HEAD', path: '/customers' }, (params) => {
      record(params);
      return options.exists
        ? ''
        : new errors.ResponseError({ body: {}, statusCode: 404, headers: {}, warnings: null, meta: {} as never });
    });
    mock.add({ method: 'PUT', path: '/customers' }, (params) => {
      record(params);
      return { acknowledged: true, index: 'customers' };
    });
    return ElasticsearchSearchIndex.open({
      node: 'http://es.test:9200',
      client: { Connection: mock.getConnection() as never },
    });
  }

  beforeEach(() => {
    mock = new Mock();
    seen = [];
  });

  it('creates the index with the mapping when it is missing, and leaves an existing one alone', async () => {
    await open({ exists: false });
    const create = seen.find((s) => s.method === 'PUT');
    assert.ok(create, 'index created');
    const body = create.body as { mappings: typeof INDEX_MAPPINGS; settings: unknown };
    assert.equal(body.mappings.properties.identifiers.type, 'keyword');
    assert.equal(body.mappings.properties.name.fields.sayt.type, 'search_as_you_type');
    assert.equal(body.mappings.properties.tenant.type, 'keyword');
    assert.equal(body.mappings.dynamic, 'strict');

    seen = [];
    mock = new Mock();
    await open({ exists: true });
    assert.deepEqual(
      seen.map((s) => s.method),
      ['HEAD'],
    );
  });

  it('bulk-indexes documents with tenant-qualified ids and tenant routing', async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
      record(params);
      return { errors: false, took: 1, items: [{ index: { status: 201 } }] };
    });
    await index.upsert('acme', [{ id: 'c1', name: 'Ann', identifiers: ['dev-1'], score: 10, lastSeen: 5 }]);
    const bulk = seen.find((s) => s.path === '/_bulk')!;
    // The mock hands over the NDJSON body already split into objects.
    const lines = Array.isArray(bulk.body)
      ? bulk.body
      : String(bulk.body)
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { index: { _index: 'customers', _id: 'acme:c1', routing: 'acme' } },
      { id: 'c1', name: 'Ann', identifiers: ['dev-1'], score: 10, lastSeen: 5, tenant: 'acme' },
    ]);
  });

  it('retries a bulk request throttled with 429 and fails loudly on other item errors', async () => {
    const index = await open({ exists: true });
    let calls = 0;
    mock.add({ method: 'POST', path: '/_bulk' }, () => {
      calls++;
      return calls === 1
        ? { errors: true, items: [{ index: { status: 429, error: { type: 'es_rejected_execution_exception' } } }] }
        : { errors: false, items: [{ index: { status: 201 } }] };
    });
    await index.upsert('acme', [{ id: 'c1', name: 'Ann', identifiers: [] }]);
    assert.equal(calls, 2);

    mock.clearAll();
    mock.add({ method: 'POST', path: '/_bulk' }, () => ({
      errors: true,
      items: [{ index: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad score' } } }],
    }));
    await assert.rejects(
      index.upsert('acme', [{ id: 'c1', name: 'Ann', identifiers: [] }]),
      /mapper_parsing_exception: bad score/,
    );
  });

  it('sends a tenant-filtered bool query with exact identifier terms, prefix and fuzzy name matching', async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/customers/_search' }, (params) => {
      record(params);
      return { hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: {} };
    });
    await index.search('acme', {
      q: ' Ann@Example.com ',
      action: ['REVIEW'],
      country: ['GB'],
      scoreMin: 50,
      from: 1000,
      size: 2,
    });
    const request = seen.find((s) => s.path === '/customers/_search')!;
    const body = request.body as Record<string, unknown> & {
      query: { bool: { filter: object[]; must: { bool: { should: object[] } }[] } };
    };
    assert.equal(request.querystring.routing, 'acme');
    assert.deepEqual(body.query.bool.filter, [
      { term: { tenant: 'acme' } },
      { terms: { action: ['REVIEW'] } },
      { terms: { country: ['GB'] } },
      { range: { score: { gte: 50 } } },
      { range: { lastSeen: { gte: 1000 } } },
    ]);
    const should = body.query.bool.must[0].bool.should;
    assert.deepEqual(should[0], { term: { identifiers: { value: 'ann@example.com', boost: 10 } } });
    assert.deepEqual((should[2] as { multi_match: { type: string } }).multi_match.type, 'bool_prefix');
    assert.deepEqual((should[3] as { match: { name: { fuzziness: string } } }).match.name.fuzziness, 'AUTO');
    assert.equal(JSON.stringify(body).includes('query_string'), false, 'user text never reaches query_string');
    assert.deepEqual(body.sort, [{ _score: 'desc' }, { id: 'asc' }]);
    assert.equal(body.size, 2);
    assert.equal(body.track_total_hits, true);
    assert.deepEqual(Object.keys(body.aggs as object), ['action', 'label', 'country']);
  });

  it('maps hits, highlights, totals and facets, and pages with search_after', async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/customers/_search' }, (params) => {
      record(params);
      return {
        hits: {
          total: { value: 3, relation: 'eq' },
          hits: [
            {
              _id: 'acme:c2',
              _source: { tenant: 'acme', id: 'c2', name: 'Kate', score: 90, identifiers: ['x'] },
              sort: [90, 'c2'],
              highlight: { 'email.text': ['<em>kate</em>@x.com'] },
            },
            {
              _id: 'acme:c1',
              _source: { tenant: 'acme', id: 'c1', name: 'Ann', score: 10, identifiers: [] },
              sort: [10, 'c1'],
            },
          ],
        },
        aggregations: {
          action: {
            buckets: [
              { key: 'ALLOW', doc_count: 2 },
              { key: 'PREVENT', doc_count: 1 },
            ],
          },
          label: { buckets: [] },
          country: { buckets: [{ key: 'GB', doc_count: 3 }] },
        },
      };
    });
    const page = await index.search('acme', { size: 2 });
    assert.deepEqual(
      page.hits.map((h) => h.doc),
      [
        { id: 'c2', name: 'Kate', score: 90, identifiers: ['x'] },
        { id: 'c1', name: 'Ann', score: 10, identifiers: [] },
      ],
    );
    assert.deepEqual(page.hits[0].highlights, { email: ['<em>kate</em>@x.com'] });
    assert.equal(page.total, 3);
    assert.deepEqual(page.facets, {
      action: [
        { value: 'ALLOW', count: 2 },
        { value: 'PREVENT', count: 1 },
      ],
      label: [],
      country: [{ value: 'GB', count: 3 }],
    });
    assert.ok(page.next);
    await index.search('acme', { size: 2, after: page.next });
    const second = seen.filter((s) => s.path === '/customers/_search')[1].body as {
      search_after: unknown;
      sort: unknown;
    };
    assert.deepEqual(second.search_after, [10, 'c1']);
    assert.deepEqual(second.sort, [{ score: { order: 'desc', missing: '_last' } }, { id: 'asc' }]);
    await assert.rejects(index.search('acme', { size: 2, after: 'not-a-cursor' }), /cursor/);
  });

  it('reports Elasticsearch errors instead of empty results', async () => {
    const index = await open({ exists: true });
    mock.add(
      { method: 'POST', path: '/customers/_search' },
      () =>
        new errors.ResponseError({
          body: { error: { type: 'search_phase_execution_exception' } },
          statusCode: 500,
          headers: {},
          warnings: null,
          meta: {} as never,
        }),
    );
    await assert.rejects(index.search('acme', { size: 5 }), /search_phase_execution_exception/);
  });
});
