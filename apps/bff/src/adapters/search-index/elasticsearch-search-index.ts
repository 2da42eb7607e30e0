// SearchIndex on Elasticsearch (@elastic/elasticsearch). One index of customer documents, tenant as
// a keyword filter on every query (and the routing key, so a tenant's documents share shards).
// - Mapping: identifiers and emails as lower-cased keywords (exact matches), name as folded text
//   with a search_as_you_type subfield (prefix while typing) and fuzzy matching for misspellings.
// - Writes: bulk requests of BULK_DOCS, one at a time (back-pressure: the next waits for the
//   last), retried with backoff on 429. Refresh policy: none by default (documents become
//   searchable within the index's refresh interval, 1 s); `refresh: 'wait_for'` makes each bulk
//   wait until searchable, for tests and low-volume writers.
// - Tenants share an index, so nothing a query scores or expands may read other tenants' terms:
//   every text clause is constant_score (no BM25 statistics, which count every tenant's
//   documents), and misspelt names are matched by fuzzy queries on `nameTerms`, the name's words
//   prefixed with the tenant, with prefix_length covering the prefix: a fuzzy query expands to at
//   most 50 terms, and over a shared `name` field another tenant's look-alike names could take all
//   50 and hide this tenant's customers (docs/decisions/0005-tenant-isolation.md).
// - Typeahead (suggest): `suggestTerms` holds each identifier as `tenant|kind|value` (lower case);
//   one prefix query per kind on `tenant|kind|typed`, named by the kind, so the term dictionary is
//   only ever read within the tenant's own prefix, and `matched_queries` says which kind matched.
// - Reads: bool query; user text only in multi_match/fuzzy/term, never query_string; facets by
//   terms aggregations; paging by search_after with the id as tie-breaker, the sort values sealed
//   in a signed cursor bound to the tenant and the query (cursors.ts), so no client-made value
//   reaches search_after.
// - Errors: every call goes through guardStore (store-errors.ts): Elasticsearch's status, reason
//   text and headers never reach a caller.
import { Client } from '@elastic/elasticsearch';
import type { ClientOptions, estypes } from '@elastic/elasticsearch';
import type {
  CustomerDoc,
  FacetName,
  SearchIndex,
  SearchPage,
  SearchQuery,
  Suggestion,
} from '../../ports/search-index.ts';
import {
  SCORE_BANDS,
  SEARCH_READS,
  SUGGEST_KINDS,
  SUGGEST_MIN_PREFIX,
  normalizeIdentifier,
  suggestionOf,
} from '../../ports/search-index.ts';
import { Cursors, ephemeralSigner, searchCursorScope } from '../cursors.ts';
import type { CursorScope, CursorSigner } from '../cursors.ts';
import { guardStore, storeError } from '../store-errors.ts';
import { InvalidInput } from '../../domain/errors.ts';

export interface ElasticsearchOptions {
  node: string;
  /** Index name (default 'customers'). */
  index?: string;
  refresh?: false | 'wait_for';
  /** Extra client options (tests pass the mock connection here). */
  client?: Partial<ClientOptions>;
  /** Signs paging cursors (secrets.ts `signer('cursor')`); a random key when absent (tests). */
  cursorSigner?: CursorSigner;
}

const BULK_DOCS = 1_000;
const FACETS = ['action', 'label', 'country'] as const;
/** Every facet the page answers (terms facets above, plus review state and score band). */
const ALL_FACETS: readonly FacetName[] = [...FACETS, 'state', 'band'];

export const INDEX_SETTINGS: estypes.IndicesIndexSettings = {
  analysis: {
    normalizer: { lower: { type: 'custom', filter: ['lowercase', 'asciifolding'] } },
    analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } },
  },
};

export const INDEX_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    tenant: { type: 'keyword' },
    id: { type: 'keyword' },
    name: {
      type: 'text',
      analyzer: 'folded',
      fields: {
        sayt: { type: 'search_as_you_type', analyzer: 'folded' },
        sort: { type: 'keyword', normalizer: 'lower' },
      },
    },
    email: { type: 'keyword', normalizer: 'lower', fields: { text: { type: 'text', analyzer: 'folded' } } },
    phone: { type: 'keyword' },
    country: { type: 'keyword' },
    score: { type: 'float' },
    action: { type: 'keyword' },
    label: { type: 'keyword' },
    reviewState: { type: 'keyword' },
    lastSeen: { type: 'date', format: 'epoch_millis' },
    createdAt: { type: 'date', format: 'epoch_millis' },
    identifiers: { type: 'keyword', normalizer: 'lower' },
    identifiersByKind: {
      type: 'object',
      properties: Object.fromEntries(SUGGEST_KINDS.map((k) => [k, { type: 'keyword', index: false }])),
    },
    nameTerms: { type: 'keyword' },
    suggestTerms: { type: 'keyword' },
  },
} as const satisfies estypes.MappingTypeMapping;

type Source = CustomerDoc & { tenant: string; nameTerms?: string[]; suggestTerms?: string[] };

/** The tenant's typeahead terms for a document: `tenant|kind|value`, values lower-cased. */
export function suggestTerms(tenant: string, doc: CustomerDoc): string[] {
  return SUGGEST_KINDS.flatMap((kind) =>
    (doc.identifiersByKind?.[kind] ?? []).map(
      (v) => `${tenant}${TERM_SEPARATOR}${kind}${TERM_SEPARATOR}${normalizeIdentifier(v)}`,
    ),
  );
}

/** Words of a name as the `folded` analyzer sees them: lower case, accents removed. */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The tenant's own fuzzy-matching terms for a name: `tenant|word`. */
const TERM_SEPARATOR = '|';
export function nameTerms(tenant: string, name: string): string[] {
  return [...new Set(words(name))].map((w) => `${tenant}${TERM_SEPARATOR}${w}`);
}

/** Edits allowed for a word, as Elasticsearch's fuzziness AUTO: none up to 2 letters, 1 up to 5, else 2. */
const editsFor = (word: string) => (word.length <= 2 ? 0 : word.length <= 5 ? 1 : 2);

export class ElasticsearchSearchIndex implements SearchIndex {
  readonly #client: Client;
  readonly #index: string;
  readonly #refresh: false | 'wait_for';
  readonly #cursors: Cursors;

  private constructor(options: ElasticsearchOptions) {
    // No retries by the client (it would repeat at once, writes too): reads are retried with
    // jittered backoff by guardStore (SEARCH_READS, adapters/retry.ts); a failed bulk write fails
    // the batch, which its sender resends whole.
    this.#client = new Client({ node: options.node, requestTimeout: 10_000, maxRetries: 0, ...options.client });
    this.#index = options.index ?? 'customers';
    this.#refresh = options.refresh ?? false;
    this.#cursors = new Cursors(options.cursorSigner ?? ephemeralSigner(), '/query/after');
  }

  /** Connects and creates the index with its mapping if it does not exist. */
  static async open(options: ElasticsearchOptions): Promise<ElasticsearchSearchIndex> {
    const index = new ElasticsearchSearchIndex(options);
    await index.#ensureIndex().catch((error: unknown) => Promise.reject(storeError('search', error)));
    return guardStore('search', index, undefined, { reads: SEARCH_READS });
  }

  async #ensureIndex(): Promise<void> {
    if (await this.#client.indices.exists({ index: this.#index })) {
      // An index created before nameTerms existed gets the field (adding a field is allowed on a
      // live index); its documents gain it when next written. Only then: putting a mapping needs
      // the `manage` privilege, which the BFF's credentials need not have otherwise.
      const mappings = await this.#client.indices.getMapping({ index: this.#index });
      // Likewise suggestTerms and identifiersByKind (typeahead), added later still.
      const props = Object.values(mappings).map((m) => m.mappings.properties ?? {});
      if (!props.every((p) => p.nameTerms && p.suggestTerms && p.identifiersByKind)) {
        await this.#client.indices.putMapping({
          index: this.#index,
          properties: {
            nameTerms: INDEX_MAPPINGS.properties.nameTerms,
            suggestTerms: INDEX_MAPPINGS.properties.suggestTerms,
            identifiersByKind: INDEX_MAPPINGS.properties.identifiersByKind,
          },
        });
      }
      return;
    }
    try {
      await this.#client.indices.create({
        index: this.#index,
        settings: INDEX_SETTINGS,
        mappings: INDEX_MAPPINGS,
      });
    } catch (error) {
      // Another replica created it first.
      if (
        (error as { body?: { error?: { type?: string } } }).body?.error?.type !== 'resource_already_exists_exception'
      ) {
        throw error;
      }
    }
  }

  async upsert(tenant: string, docs: CustomerDoc[]): Promise<void> {
    // Document ids are `tenant:id`; a tenant holding ':' could overwrite another tenant's documents.
    if (!/^[a-z0-9][a-z0-9-]*$/.test(tenant)) throw new InvalidInput('tenant', 'is not a tenant id');
    for (let i = 0; i < docs.length; i += BULK_DOCS) {
      const operations = docs.slice(i, i + BULK_DOCS).flatMap((doc) => [
        { index: { _index: this.#index, _id: `${tenant}:${doc.id}`, routing: tenant } },
        {
          ...doc,
          tenant,
          nameTerms: nameTerms(tenant, doc.name),
          suggestTerms: suggestTerms(tenant, doc),
        } satisfies Source,
      ]);
      for (let attempt = 0; ; attempt++) {
        const result = await this.#client.bulk({ operations, refresh: this.#refresh });
        if (!result.errors) break;
        const failed = result.items.map((item) => item.index).filter((r) => r?.error);
        const throttled = failed.every((r) => r?.status === 429);
        if (!throttled || attempt >= 4) {
          throw new Error(`Elasticsearch bulk indexing failed: ${failed[0]?.error?.type}: ${failed[0]?.error?.reason}`);
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt)); // back off, then resend the batch
      }
    }
  }

  /**
   * The request for a query (checked by the mock tests). The tenant is the first filter and the
   * routing key of every request; a cursor is opened (and refused) before anything is sent.
   */
  searchRequest(tenant: string, query: SearchQuery): estypes.SearchRequest {
    const text = query.q?.trim();
    const sort = query.sort ?? (text ? 'relevance' : 'score');
    const scope = searchCursorScope(tenant, query, sort);
    const searchAfter = query.after ? this.#searchAfter(scope, query.after) : undefined;
    const filter: estypes.QueryDslQueryContainer[] = [{ term: { tenant } }];
    if (query.action?.length) filter.push({ terms: { action: query.action } });
    if (query.label?.length) filter.push({ terms: { label: query.label } });
    if (query.country?.length) filter.push({ terms: { country: query.country } });
    if (query.state?.length) {
      // 'none' is the absence of a review state (never queued or reviewed).
      const stored = query.state.filter((v) => v !== 'none');
      const either: estypes.QueryDslQueryContainer[] = [];
      if (stored.length) either.push({ terms: { reviewState: stored } });
      if (stored.length < query.state.length) either.push({ bool: { must_not: { exists: { field: 'reviewState' } } } });
      filter.push({ bool: { should: either, minimum_should_match: 1 } });
    }
    if (query.scoreMin !== undefined || query.scoreMax !== undefined) {
      filter.push({ range: { score: { gte: query.scoreMin, lte: query.scoreMax } } });
    }
    if (query.from !== undefined || query.to !== undefined) {
      filter.push({ range: { lastSeen: { gte: query.from, lte: query.to } } });
    }
    // Relevance is the kind of match, never term statistics: exact identifier (10), every word as
    // a prefix of the name or email (3), every word within a few edits of a name word (1).
    const scored = (boost: number, filter: estypes.QueryDslQueryContainer): estypes.QueryDslQueryContainer => ({
      constant_score: { filter, boost },
    });
    const should: estypes.QueryDslQueryContainer[] = [];
    if (text) {
      should.push(
        scored(10, { term: { identifiers: normalizeIdentifier(text) } }),
        scored(10, { term: { id: text } }),
        scored(3, {
          multi_match: {
            query: text,
            type: 'bool_prefix',
            operator: 'and',
            fields: ['name.sayt', 'name.sayt._2gram', 'name.sayt._3gram', 'email.text'],
          },
        }),
      );
      const typed = words(text);
      if (typed.length > 0) {
        const prefix = `${tenant}${TERM_SEPARATOR}`;
        should.push(
          scored(1, {
            bool: {
              must: typed.map((word) => ({
                fuzzy: {
                  nameTerms: {
                    value: `${prefix}${word}`,
                    fuzziness: editsFor(word),
                    prefix_length: prefix.length,
                    transpositions: true,
                  },
                },
              })),
            },
          }),
        );
      }
    }
    const must: estypes.QueryDslQueryContainer[] = text ? [{ bool: { should, minimum_should_match: 1 } }] : [];
    const order: Record<string, estypes.SortCombinations[]> = {
      relevance: [{ _score: { order: 'desc' } }, { id: 'asc' }],
      score: [{ score: { order: 'desc', missing: '_last' } }, { id: 'asc' }],
      lastSeen: [{ lastSeen: { order: 'desc', missing: '_last' } }, { id: 'asc' }],
      name: [{ 'name.sort': 'asc' }, { id: 'asc' }],
    };
    return {
      index: this.#index,
      routing: tenant,
      query: { bool: { filter, must } },
      sort: order[sort],
      size: query.size,
      track_total_hits: true,
      ...(searchAfter ? { search_after: searchAfter } : {}),
      aggs: {
        ...Object.fromEntries(FACETS.map((f) => [f, { terms: { field: f, size: 50 } }])),
        // Never reviewed has no reviewState: counted as 'none'.
        state: { terms: { field: 'reviewState', size: 10, missing: 'none' } },
        band: {
          range: {
            field: 'score',
            keyed: false,
            ranges: [
              { key: 'low', to: SCORE_BANDS.low.below },
              { key: 'medium', from: SCORE_BANDS.medium.from, to: SCORE_BANDS.medium.below },
              { key: 'high', from: SCORE_BANDS.high.from },
            ],
          },
        },
      },
      ...(text ? { highlight: { fields: { name: {}, 'email.text': {} } } } : {}),
    };
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchPage> {
    const sort = query.sort ?? (query.q?.trim() ? 'relevance' : 'score');
    const response = await this.#client.search<Source>(this.searchRequest(tenant, query));
    const hits = response.hits.hits.map((hit) => {
      const { tenant: _tenant, nameTerms: _terms, suggestTerms: _suggest, ...doc } = hit._source!;
      const highlights: Record<string, string[]> = {};
      for (const [field, fragments] of Object.entries(hit.highlight ?? {})) {
        highlights[field === 'email.text' ? 'email' : field] = fragments;
      }
      return Object.keys(highlights).length ? { doc, highlights } : { doc };
    });
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const aggs = (response.aggregations ?? {}) as Record<string, { buckets?: { key: string; doc_count: number }[] }>;
    // Most first, then by value; empty buckets (a score band nobody is in) are left out, as embedded.
    const facets = Object.fromEntries(
      ALL_FACETS.map((f) => [
        f,
        (aggs[f]?.buckets ?? [])
          .filter((b) => b.doc_count > 0)
          .map((b) => ({ value: String(b.key), count: b.doc_count }))
          .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
      ]),
    ) as SearchPage['facets'];
    const last = response.hits.hits.at(-1);
    const page: SearchPage = { hits, total, facets };
    if (last?.sort && hits.length === query.size)
      page.next = this.#cursors.seal(searchCursorScope(tenant, query, sort), last.sort);
    return page;
  }

  /**
   * The typeahead request (checked by the mock tests), or undefined when the prefix is too short to
   * ask: the tenant filter and routing, one prefix query per kind within the tenant's own terms.
   */
  suggestRequest(tenant: string, prefix: string, limit: number): estypes.SearchRequest | undefined {
    const wanted = normalizeIdentifier(prefix);
    if (wanted.length < SUGGEST_MIN_PREFIX) return undefined;
    const should: estypes.QueryDslQueryContainer[] = SUGGEST_KINDS.map((kind) => ({
      prefix: {
        suggestTerms: { value: `${tenant}${TERM_SEPARATOR}${kind}${TERM_SEPARATOR}${wanted}`, _name: kind },
      },
    }));
    return {
      index: this.#index,
      routing: tenant,
      query: { bool: { filter: [{ term: { tenant } }], should, minimum_should_match: 1 } },
      sort: [{ score: { order: 'desc', missing: '_last' } }, { id: 'asc' }],
      size: limit,
      track_total_hits: false,
      _source: ['id', 'name', 'score', 'action', 'identifiersByKind'],
    };
  }

  async suggest(tenant: string, prefix: string, limit: number): Promise<Suggestion[]> {
    const request = this.suggestRequest(tenant, prefix, limit);
    if (!request) return [];
    const response = await this.#client.search<Source>(request);
    const out: Suggestion[] = [];
    for (const hit of response.hits.hits) {
      if (!hit._source) continue;
      const { id, name, score, action, identifiersByKind } = hit._source;
      const doc: CustomerDoc = {
        id,
        name,
        identifiers: [],
        ...(score !== undefined && { score }),
        ...(action !== undefined && { action }),
        ...(identifiersByKind !== undefined && { identifiersByKind }),
      };
      // The value (and so the kind) is read from the document, as embedded does; each prefix
      // clause is named by its kind, so `matched_queries` shows the same when debugging.
      const suggestion = suggestionOf(doc, prefix);
      if (suggestion) out.push(suggestion);
    }
    return out;
  }

  /** The sort values sealed in a cursor of this tenant and query: a list of plain values. */
  #searchAfter(scope: CursorScope, cursor: string): estypes.SortResults {
    const values = this.#cursors.open(scope, cursor);
    if (
      Array.isArray(values) &&
      values.length > 0 &&
      values.length <= 4 &&
      values.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
    ) {
      return values as estypes.SortResults;
    }
    throw this.#cursors.refuse();
  }

  async refresh(): Promise<void> {
    await this.#client.indices.refresh({ index: this.#index });
  }

  async count(tenant: string): Promise<number> {
    return (await this.#client.count({ index: this.#index, routing: tenant, query: { term: { tenant } } })).count;
  }

  async ping(): Promise<void> {
    await this.#client.ping();
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** Probe for the contract suite: the stored document. */
  async getDocument(tenant: string, id: string): Promise<CustomerDoc | undefined> {
    try {
      const result = await this.#client.get<Source>({ index: this.#index, id: `${tenant}:${id}`, routing: tenant });
      if (!result.found || !result._source) return undefined;
      const { tenant: _tenant, nameTerms: _terms, suggestTerms: _suggest, ...doc } = result._source;
      return doc;
    } catch (error) {
      if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return undefined;
      throw error;
    }
  }

  async deleteIndex(): Promise<void> {
    await this.#client.indices.delete({ index: this.#index, ignore_unavailable: true });
  }
}
