// The Elasticsearch adapter's exact requests and its mapping of responses, against
// @elastic/elasticsearch-mock (Elasticsearch itself cannot run on these machines; the live contract
// suite runs in search-index.test.ts whenever ELASTICSEARCH_URL is set).
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import type { estypes } from '@elastic/elasticsearch';
import { ElasticsearchSearchIndex, INDEX_MAPPINGS } from './elasticsearch-search-index.ts';
import { BadCursor, InvalidInput, StoreFailed, StoreUnavailable } from '../../domain/errors.ts';

// From ESM the mock must get ResponseError from the CommonJS copy of the client, or it answers
// with the error serialised as a 200 body (docs/toolchain.md).
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

  async function open(options: { exists: boolean; nameTerms?: boolean }) {
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
    mock.add({ method: 'GET', path: '/customers/_mapping' }, (params) => {
      record(params);
      const properties = options.nameTerms === false ? { tenant: { type: 'keyword' } } : INDEX_MAPPINGS.properties;
      return { customers: { mappings: { properties } } };
    });
    mock.add({ method: 'PUT', path: '/customers/_mapping' }, (params) => {
      record(params);
      return { acknowledged: true };
    });
    return ElasticsearchSearchIndex.open({
      node: 'http://es.test:9200',
      client: { Connection: mock.getConnection() as never, maxRetries: 0 },
    });
  }

  beforeEach(() => {
    mock = new Mock();
    seen = [];
  });

  it('creates the index with the mapping when it is missing, and adds nameTerms to an existing one without it', async () => {
    await open({ exists: false });
    const create = seen.find((s) => s.method === 'PUT');
    assert.ok(create, 'index created');
    const body = create.body as { mappings: typeof INDEX_MAPPINGS; settings: unknown };
    assert.equal(body.mappings.properties.identifiers.type, 'keyword');
    assert.equal(body.mappings.properties.name.fields.sayt.type, 'search_as_you_type');
    assert.equal(body.mappings.properties.tenant.type, 'keyword');
    assert.equal(body.mappings.dynamic, 'strict');
    assert.equal(body.mappings.properties.nameTerms.type, 'keyword');

    seen = [];
    mock = new Mock();
    await open({ exists: true, nameTerms: false });
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.path}`),
      ['HEAD /customers', 'GET /customers/_mapping', 'PUT /customers/_mapping'],
    );
    assert.deepEqual(seen[2].body, {
      properties: {
        nameTerms: { type: 'keyword' },
        suggestTerms: { type: 'keyword' },
        identifiersByKind: INDEX_MAPPINGS.properties.identifiersByKind,
      },
    });
    assert.equal(INDEX_MAPPINGS.properties.identifiersByKind.properties.device?.type, 'keyword');

    seen = [];
    mock = new Mock();
    await open({ exists: true });
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.path}`),
      ['HEAD /customers', 'GET /customers/_mapping'],
      'an index that has the field is left alone',
    );
  });

  it('bulk-indexes documents with tenant-qualified ids and tenant routing', async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/_bulk' }, (params) => {
      record(params);
      return { errors: false, took: 1, items: [{ index: { status: 201 } }] };
    });
    await index.upsert('acme', [
      {
        id: 'c1',
        name: 'Ann',
        identifiers: ['dev-1', 'Ann@X.com'],
        identifiersByKind: { device: ['dev-1'], email: ['Ann@X.com'] },
        score: 10,
        lastSeen: 5,
      },
    ]);
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
      {
        id: 'c1',
        name: 'Ann',
        identifiers: ['dev-1', 'Ann@X.com'],
        identifiersByKind: { device: ['dev-1'], email: ['Ann@X.com'] },
        score: 10,
        lastSeen: 5,
        tenant: 'acme',
        nameTerms: ['acme|ann'],
        // Kinds in SUGGEST_KINDS order, values lower-cased, each behind its tenant.
        suggestTerms: ['acme|email|ann@x.com', 'acme|device|dev-1'],
      },
    ]);
  });

  it("refuses a tenant id that could collide with another tenant's document ids", async () => {
    const index = await open({ exists: true });
    let bulks = 0;
    mock.add({ method: 'POST', path: '/_bulk' }, () => {
      bulks++;
      return { errors: false, items: [] };
    });
    // 'acme:x' + 'c1' and 'acme' + 'x:c1' would both be the document 'acme:x:c1'.
    await assert.rejects(index.upsert('acme:x', [{ id: 'c1', name: 'Ann', identifiers: [] }]), InvalidInput);
    assert.equal(bulks, 0);
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
    // The item's reason is kept for the server log (the cause), never in the error callers see.
    await assert.rejects(index.upsert('acme', [{ id: 'c1', name: 'Ann', identifiers: [] }]), (error: Error) => {
      assert.ok(error instanceof StoreFailed);
      assert.doesNotMatch(error.message, /mapper_parsing_exception|bad score/);
      assert.match(String((error.cause as Error).message), /mapper_parsing_exception: bad score/);
      return true;
    });
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
    assert.deepEqual(should[0], {
      constant_score: { filter: { term: { identifiers: 'ann@example.com' } }, boost: 10 },
    });
    assert.deepEqual(should[1], { constant_score: { filter: { term: { id: 'Ann@Example.com' } }, boost: 10 } });
    assert.equal(
      (should[2] as { constant_score: { filter: { multi_match: { type: string } } } }).constant_score.filter.multi_match
        .type,
      'bool_prefix',
    );
    assert.equal(JSON.stringify(body).includes('query_string'), false, 'user text never reaches query_string');
    assert.deepEqual(body.sort, [{ _score: { order: 'desc' } }, { id: 'asc' }]);
    assert.equal(body.size, 2);
    assert.equal(body.track_total_hits, true);
    assert.deepEqual(Object.keys(body.aggs as object), ['action', 'label', 'country', 'state', 'band']);
  });

  it("matches misspelt names only among the tenant's own terms, and scores no clause by shared statistics", async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/customers/_search' }, (params) => {
      record(params);
      return { hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: {} };
    });
    await index.search('acme-shop', { q: 'Katherin Jönson xy', size: 5 });
    const body = seen.find((s) => s.path === '/customers/_search')!.body as {
      query: { bool: { must: { bool: { should: Record<string, { filter: unknown; boost: number }>[] } }[] } };
    };
    const should = body.query.bool.must[0].bool.should;
    // Every clause scores a constant: BM25 statistics count every tenant's documents of the shard.
    assert.ok(should.every((clause) => Object.keys(clause).join() === 'constant_score'));
    assert.deepEqual(should[3].constant_score, {
      boost: 1,
      filter: {
        bool: {
          must: [
            ['katherin', 2],
            ['jonson', 2],
            ['xy', 0],
          ].map(([word, edits]) => ({
            fuzzy: {
              nameTerms: {
                value: `acme-shop|${word}`,
                fuzziness: edits,
                // The tenant prefix must match exactly: expansions never reach another tenant's terms.
                prefix_length: 'acme-shop|'.length,
                transpositions: true,
              },
            },
          })),
        },
      },
    });
    assert.equal(JSON.stringify(body).includes('"match":'), false, 'no fuzzy match on the shared name field');
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
          state: {
            buckets: [
              { key: 'none', doc_count: 2 },
              { key: 'open', doc_count: 1 },
            ],
          },
          band: {
            buckets: [
              { key: 'low', to: 50, doc_count: 1 },
              { key: 'medium', from: 50, to: 80, doc_count: 0 },
              { key: 'high', from: 80, doc_count: 2 },
            ],
          },
        },
      };
    });
    const page = await index.search('acme', { size: 2 });
    const aggs = (seen.find((s) => s.path === '/customers/_search')!.body as { aggs: Record<string, unknown> }).aggs;
    assert.deepEqual(aggs.state, { terms: { field: 'reviewState', size: 10, missing: 'none' } });
    assert.deepEqual(aggs.band, {
      range: {
        field: 'score',
        keyed: false,
        ranges: [
          { key: 'low', to: 50 },
          { key: 'medium', from: 50, to: 80 },
          { key: 'high', from: 80 },
        ],
      },
    });
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
      state: [
        { value: 'none', count: 2 },
        { value: 'open', count: 1 },
      ],
      // Most first; an empty band is left out, as the embedded index does.
      band: [
        { value: 'high', count: 2 },
        { value: 'low', count: 1 },
      ],
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
    await assert.rejects(index.search('acme', { size: 5 }), (error: Error) => {
      assert.ok(error instanceof StoreUnavailable);
      assert.match(String((error.cause as Error).message), /search_phase_execution_exception/);
      return true;
    });
  });

  it("turns Elasticsearch's 400, 401, 429 and lost connections into errors naming only the store", async () => {
    const index = await open({ exists: true });
    for (const [statusCode, expected] of [
      [400, StoreFailed],
      [401, StoreFailed],
      [403, StoreFailed],
      [429, StoreUnavailable],
      [503, StoreUnavailable],
    ] as const) {
      mock.clearAll();
      mock.add({ method: 'POST', path: '/customers/_search' }, () => esError(statusCode));
      await assert.rejects(index.search('acme', { q: 'ann', size: 5 }), (error: Error) => {
        assert.ok(error instanceof expected, `${statusCode} gives ${error.name}`);
        assert.doesNotMatch(JSON.stringify({ ...error, message: error.message }), LEAK, `${statusCode}`);
        return true;
      });
    }
    mock.clearAll();
    mock.add({ method: 'POST', path: '/customers/_search' }, () => new errors.ConnectionError('connect ECONNREFUSED'));
    await assert.rejects(index.search('acme', { size: 5 }), StoreUnavailable);
    mock.add({ method: 'GET', path: '/_count' }, () => esError(401));
    mock.add({ method: 'POST', path: '/customers/_count' }, () => esError(401));
    await assert.rejects(index.count('acme'), StoreFailed);
  });

  it('sends the tenant as the first filter and the routing key of every read, whatever the query', async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/customers/_search' }, (params) => {
      record(params);
      return {
        hits: {
          total: { value: 9, relation: 'eq' },
          hits: [
            { _id: 'acme:c1', _source: { tenant: 'acme', id: 'c1', name: 'Ann', identifiers: [] }, sort: [1, 'c1'] },
          ],
        },
        aggregations: {},
      };
    });
    mock.add({ method: 'POST', path: '/customers/_count' }, (params) => {
      record(params);
      return { count: 1 };
    });
    for (const sort of ['relevance', 'score', 'lastSeen', 'name'] as const) {
      for (const query of [{}, { q: 'ann' }, { q: 'dev-1', country: ['GB'], label: ['FRAUDSTER' as const] }]) {
        const page = await index.search('acme', { ...query, sort, size: 1 });
        assert.ok(page.next);
        await index.search('acme', { ...query, sort, size: 1, after: page.next });
      }
    }
    await index.count('acme');
    const requests = seen.filter((s) => s.path.endsWith('/_search') || s.path.endsWith('/_count'));
    assert.equal(requests.length, 25);
    for (const request of requests) {
      assert.equal(request.querystring.routing, 'acme', request.path);
      const query = (request.body as { query: { bool?: { filter: unknown[] }; term?: unknown } }).query;
      assert.deepEqual(query.bool ? query.bool.filter[0] : query, { term: { tenant: 'acme' } });
    }
  });

  it("suggests by prefix queries within the tenant's own terms, one per kind, and reads the kind from the document", async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/customers/_search' }, (params) => {
      record(params);
      return {
        hits: {
          total: { value: 2, relation: 'eq' },
          hits: [
            {
              _id: 'acme:c2',
              _source: {
                id: 'c2',
                name: 'Kate',
                score: 90,
                action: 'PREVENT',
                identifiersByKind: { email: ['kate@x.com'], device: ['DEV-9a', 'dev-1'] },
              },
              matched_queries: ['device'],
              sort: [90, 'c2'],
            },
            {
              _id: 'acme:c1',
              _source: { id: 'c1', name: 'Ann', identifiersByKind: { order: ['dev-order-1'] } },
              matched_queries: ['order'],
              sort: [null, 'c1'],
            },
            // A document written before identifiersByKind: nothing to say what matched, left out.
            { _id: 'acme:c3', _source: { id: 'c3', name: 'Old' }, sort: [null, 'c3'] },
          ],
        },
      };
    });
    seen = [];
    const suggestions = await index.suggest('acme', ' Dev-', 5);
    assert.deepEqual(suggestions, [
      { kind: 'device', value: 'DEV-9a', customerId: 'c2', name: 'Kate', score: 90, action: 'PREVENT' },
      { kind: 'order', value: 'dev-order-1', customerId: 'c1', name: 'Ann' },
    ]);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].querystring.routing, 'acme');
    const body = seen[0].body as estypes.SearchRequest;
    assert.deepEqual(body.query, {
      bool: {
        filter: [{ term: { tenant: 'acme' } }],
        should: ['email', 'phone', 'device', 'card', 'ip', 'order'].map((kind) => ({
          prefix: { suggestTerms: { value: `acme|${kind}|dev-`, _name: kind } },
        })),
        minimum_should_match: 1,
      },
    });
    assert.deepEqual(body.sort, [{ score: { order: 'desc', missing: '_last' } }, { id: 'asc' }]);
    assert.equal(body.size, 5);
    // Too short a prefix is not sent at all.
    assert.deepEqual(await index.suggest('acme', ' d ', 5), []);
    assert.equal(seen.length, 1);
  });

  it('refuses a forged, altered or foreign cursor before sending anything', async () => {
    const index = await open({ exists: true });
    mock.add({ method: 'POST', path: '/customers/_search' }, (params) => {
      record(params);
      return {
        hits: {
          total: { value: 9, relation: 'eq' },
          hits: [
            { _id: 'acme:c1', _source: { tenant: 'acme', id: 'c1', name: 'Ann', identifiers: [] }, sort: [1, 'c1'] },
          ],
        },
        aggregations: {},
      };
    });
    const page = await index.search('acme', { size: 1 });
    const sent = seen.length;
    const [body, mac] = page.next!.split('.');
    const forged = Buffer.from(JSON.stringify([{ script: 'x' }])).toString('base64url');
    const made = Buffer.from(JSON.stringify([99, 'zz'])).toString('base64url');
    for (const [tenant, query] of [
      ['globex', { size: 1, after: page.next! }],
      ['acme', { size: 1, sort: 'name' as const, after: page.next! }],
      ['acme', { size: 1, q: 'ann', after: page.next! }],
      ['acme', { size: 1, after: made }],
      ['acme', { size: 1, after: forged }],
      ['acme', { size: 1, after: `${made}.${mac}` }],
      ['acme', { size: 1, after: `${body}.${'A'.repeat(43)}` }],
    ] as const) {
      await assert.rejects(index.search(tenant, query), (error: Error & { details?: unknown }) => {
        assert.ok(error instanceof BadCursor, `${tenant} ${JSON.stringify(query)}`);
        assert.deepEqual(error.details, [{ field: '/query/after', reason: 'is not a valid cursor' }]);
        return true;
      });
    }
    assert.equal(seen.length, sent, 'no refused cursor reached Elasticsearch');
  });
});

/** Text and headers an Elasticsearch error carries that must never reach a caller. */
const LEAK = /caused_by|parse_exception|security_exception|es_rejected|x-elastic|x-es-secret|WWW-Authenticate|realm/i;

function esError(statusCode: number) {
  const type =
    { 400: 'parse_exception', 401: 'security_exception', 403: 'security_exception' }[statusCode] ??
    'es_rejected_execution_exception';
  return new errors.ResponseError({
    body: {
      error: {
        type,
        reason: `${type} on node es-7 (10.0.0.7)`,
        caused_by: { type: 'x', reason: 'index [customers] internals' },
      },
      status: statusCode,
    },
    statusCode,
    headers: {
      'x-elastic-product': 'Elasticsearch',
      'x-es-secret': 'cluster-uuid-1234',
      ...(statusCode === 401 ? { 'WWW-Authenticate': 'Basic realm="security"' } : {}),
      ...(statusCode === 429 ? { 'retry-after': '600' } : {}),
    },
    warnings: null,
    meta: {} as never,
  });
}
