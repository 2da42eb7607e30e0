// Embedded SearchIndex on node:sqlite: a documents table with indexed filter/sort columns, and per
// tenant three FTS5 indexes: exact identifiers, name and email (prefix queries for
// search-as-you-type), and name trigrams as the fallback for misspellings. docs/toolchain.md measured
// FTS5 as the fastest and smallest embedded engine here (p50 0.11 ms at 200,000 customers).
// One set of FTS tables per tenant (ident_N, text_N, trigram_N, N from fts_tenants): candidates are
// read from the tenant's own index, so the candidate cap, the ranking statistics and the time a
// query takes never depend on another tenant's documents (docs/decisions/0005-tenant-isolation.md).
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import type {
  CustomerDoc,
  FacetName,
  SearchHit,
  SearchIndex,
  SearchPage,
  SearchQuery,
  Suggestion,
} from '../../ports/search-index.ts';
import { SCORE_BANDS, SUGGEST_MIN_PREFIX, normalizeIdentifier, suggestionOf } from '../../ports/search-index.ts';
import { Cursors, ephemeralSigner, searchCursorScope } from '../cursors.ts';
import type { CursorScope, CursorSigner } from '../cursors.ts';
import { guardStore } from '../store-errors.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS docs (
  rowid INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  country TEXT,
  score REAL,
  action TEXT,
  label TEXT,
  last_seen INTEGER,
  body TEXT NOT NULL,
  review_state TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS docs_id ON docs (tenant, id);
CREATE INDEX IF NOT EXISTS docs_score ON docs (tenant, score DESC);
-- Typeahead walks a tenant riskiest first, ties by id, as it answers (suggest()).
CREATE INDEX IF NOT EXISTS docs_score_id ON docs (tenant, score DESC, id);
CREATE INDEX IF NOT EXISTS docs_seen ON docs (tenant, last_seen DESC);
-- Filters and facets read these (index-only GROUP BY), never the wide rows.
CREATE INDEX IF NOT EXISTS docs_action ON docs (tenant, action, score DESC);
CREATE INDEX IF NOT EXISTS docs_label ON docs (tenant, label);
CREATE INDEX IF NOT EXISTS docs_country ON docs (tenant, country);
CREATE TABLE IF NOT EXISTS fts_tenants (no INTEGER PRIMARY KEY, tenant TEXT NOT NULL UNIQUE);
`;

/** The review state as a column (filter and facet without reading bodies); files written before it get it on open. */
const REVIEW_STATE_COLUMN = `
ALTER TABLE docs ADD COLUMN review_state TEXT;
UPDATE docs SET review_state = json_extract(body, '$.reviewState');
`;

/** The score band of docs.score (SCORE_BANDS in ports/search-index.ts), NULL when unscored. */
const BAND_SQL = `CASE WHEN docs.score >= ${SCORE_BANDS.high.from} THEN 'high' WHEN docs.score >= ${SCORE_BANDS.medium.from} THEN 'medium' WHEN docs.score IS NOT NULL THEN 'low' END`;

/** The FTS tables of tenant number N. */
const tenantFts = (no: number) => `
-- Identifiers as whole tokens (e-mail, phone, device, card token, IP, order id stay one token
-- each): an exact match is a phrase query. FTS5 batches its writes, ~5x faster here than a
-- (tenant, value, doc) b-tree.
CREATE VIRTUAL TABLE IF NOT EXISTS ident_${no} USING fts5(
  identifiers, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '@.-_+:#/'"
);
CREATE VIRTUAL TABLE IF NOT EXISTS text_${no} USING fts5(
  name, email, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS trigram_${no} USING fts5(name, content='', contentless_delete=1, tokenize='trigram');
`;

/** Up to this layout, one FTS index held every tenant; open() moves such a file to per-tenant indexes. */
const SHARED_FTS_VERSION = 0;
const LAYOUT_VERSION = 2;

/** Most candidates a free-text query considers before filters; keeps a one-letter query cheap. */
const MAX_CANDIDATES = 2_000;
/** Most filter matches listed in memory; above this, counts and facets come from SQL. */
const MAX_LISTED = 10_000;
/** Documents read per round while looking for `limit` suggestions. */
const SUGGEST_BATCH = 32;
/** Most documents walked riskiest first for a broad typeahead prefix. */
const SUGGEST_WALK = 1_000;
/** Share of the query's trigrams a name must contain to count as a fuzzy match. */
const TRIGRAM_MIN_SHARE = 0.3;

interface DocRow {
  rowid: number;
  body: string;
}

/** A tenant's FTS tables and their statements. */
interface TenantFts {
  deleteIdents: StatementSync;
  insertIdents: StatementSync;
  deleteText: StatementSync;
  insertText: StatementSync;
  deleteTrigram: StatementSync;
  insertTrigram: StatementSync;
  exact: StatementSync;
  text: StatementSync;
  trigram: StatementSync;
}

export interface SqliteSearchIndexOptions {
  /** Signs paging cursors (secrets.ts `signer('cursor')`); a random key when absent (tests). */
  cursorSigner?: CursorSigner;
}

export class SqliteSearchIndex implements SearchIndex {
  readonly #db: DatabaseSync;
  readonly #findRow: StatementSync;
  readonly #insertDoc: StatementSync;
  readonly #updateDoc: StatementSync;
  readonly #tenantNo: StatementSync;
  readonly #addTenant: StatementSync;
  /**
   * Statements of the search path, by SQL text: compiling the facet query costs more than running
   * it on a selective match (bench:api), and the texts are few (one per combination of filters
   * and sort).
   */
  readonly #statements = new Map<string, StatementSync>();
  readonly #fts = new Map<string, TenantFts>();
  readonly #cursors: Cursors;

  constructor(path: string, options: SqliteSearchIndexOptions = {}) {
    this.#db = new DatabaseSync(path);
    // WAL + synchronous=NORMAL: a crash loses at most the last transactions, never corrupts;
    // a 64 MiB page cache keeps the b-tree inserts of large batches in memory. busy_timeout first:
    // switching to WAL takes a lock, which another process opening the same file may hold
    // (test/replicas/two-processes.test.ts).
    this.#db.exec(
      'PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;',
    );
    this.#db.exec(SCHEMA);
    const columns = this.#db.prepare('PRAGMA table_info(docs)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'review_state')) this.#db.exec(REVIEW_STATE_COLUMN);
    this.#db.exec('CREATE INDEX IF NOT EXISTS docs_state ON docs (tenant, review_state)');
    this.#findRow = this.#db.prepare('SELECT rowid, body FROM docs WHERE tenant = ? AND id = ?');
    this.#insertDoc = this.#db.prepare(
      'INSERT INTO docs (tenant, id, name, country, score, action, label, last_seen, body, review_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#updateDoc = this.#db.prepare(
      'UPDATE docs SET name = ?, country = ?, score = ?, action = ?, label = ?, last_seen = ?, body = ?, review_state = ? WHERE rowid = ?',
    );
    this.#tenantNo = this.#db.prepare('SELECT no FROM fts_tenants WHERE tenant = ?');
    this.#addTenant = this.#db.prepare('INSERT INTO fts_tenants (tenant) VALUES (?) RETURNING no');
    this.#cursors = new Cursors(options.cursorSigner ?? ephemeralSigner(), '/query/after');
    this.#splitSharedIndex();
    // Callers only ever see domain errors (store-errors.ts), never node:sqlite's.
    return guardStore('search', this);
  }

  /** A file written with one FTS index for every tenant: re-index each tenant's documents into its own. */
  #splitSharedIndex(): void {
    const version = (this.#db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version >= LAYOUT_VERSION) return;
    this.#db.exec('BEGIN');
    try {
      if (version === SHARED_FTS_VERSION) {
        const rows = this.#db
          .prepare('SELECT rowid, tenant, body FROM docs ORDER BY tenant, rowid')
          .iterate() as Iterable<{
          rowid: number;
          tenant: string;
          body: string;
        }>;
        for (const row of rows) {
          const fts = this.#tenantFts(row.tenant, true)!;
          const doc = JSON.parse(row.body) as CustomerDoc;
          indexIdentifiers(fts, row.rowid, doc);
          indexText(fts, row.rowid, doc);
        }
        this.#db.exec(
          'DROP TABLE IF EXISTS ident_index; DROP TABLE IF EXISTS text_index; DROP TABLE IF EXISTS trigram_index;',
        );
      }
      this.#db.exec(`PRAGMA user_version = ${LAYOUT_VERSION}`);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** The tenant's FTS tables; created when `create` (a write), else undefined for a tenant never indexed. */
  #tenantFts(tenant: string, create: boolean): TenantFts | undefined {
    const cached = this.#fts.get(tenant);
    if (cached) return cached;
    let row = this.#tenantNo.get(tenant) as { no: number } | undefined;
    if (!row) {
      if (!create) return undefined;
      row = this.#addTenant.get(tenant) as { no: number };
    }
    const no = row.no;
    this.#db.exec(tenantFts(no));
    const fts: TenantFts = {
      deleteIdents: this.#db.prepare(`DELETE FROM ident_${no} WHERE rowid = ?`),
      insertIdents: this.#db.prepare(`INSERT INTO ident_${no} (rowid, identifiers) VALUES (?, ?)`),
      deleteText: this.#db.prepare(`DELETE FROM text_${no} WHERE rowid = ?`),
      insertText: this.#db.prepare(`INSERT INTO text_${no} (rowid, name, email) VALUES (?, ?, ?)`),
      deleteTrigram: this.#db.prepare(`DELETE FROM trigram_${no} WHERE rowid = ?`),
      insertTrigram: this.#db.prepare(`INSERT INTO trigram_${no} (rowid, name) VALUES (?, ?)`),
      exact: this.#db.prepare(
        `SELECT rowid FROM ident_${no} WHERE ident_${no} MATCH ? ORDER BY rowid LIMIT ${MAX_CANDIDATES}`,
      ),
      text: this.#db.prepare(
        `SELECT rowid FROM text_${no} WHERE text_${no} MATCH ? ORDER BY rank LIMIT ${MAX_CANDIDATES}`,
      ),
      trigram: this.#db.prepare(
        `SELECT rowid FROM trigram_${no} WHERE trigram_${no} MATCH ? ORDER BY rank LIMIT ${MAX_CANDIDATES}`,
      ),
    };
    this.#fts.set(tenant, fts);
    return fts;
  }

  async upsert(tenant: string, docs: CustomerDoc[]): Promise<void> {
    if (docs.length === 0) return;
    this.#db.exec('BEGIN');
    try {
      const fts = this.#tenantFts(tenant, true)!;
      for (const doc of docs) this.#upsertOne(tenant, fts, doc);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      // Statements of tables created in the rolled-back transaction are stale.
      this.#fts.delete(tenant);
      throw error;
    }
  }

  #upsertOne(tenant: string, fts: TenantFts, doc: CustomerDoc): void {
    const existing = this.#findRow.get(tenant, doc.id) as { rowid: number; body: string } | undefined;
    const body = JSON.stringify(doc);
    const columns = [
      doc.name,
      doc.country ?? null,
      doc.score ?? null,
      doc.action ?? null,
      doc.label ?? null,
      doc.lastSeen ?? null,
      body,
      doc.reviewState ?? null,
    ] as const;
    if (!existing) {
      const rowid = Number(this.#insertDoc.run(tenant, doc.id, ...columns).lastInsertRowid);
      indexIdentifiers(fts, rowid, doc);
      indexText(fts, rowid, doc);
      return;
    }
    if (existing.body === body) return;
    const rowid = existing.rowid;
    this.#updateDoc.run(...columns, rowid);
    // Most updates (a new order, a new score) change neither names nor identifiers: the text
    // indexes are only rewritten when what they index changed.
    const old = JSON.parse(existing.body) as CustomerDoc;
    if (old.identifiers.join('\n') !== doc.identifiers.join('\n')) {
      fts.deleteIdents.run(rowid);
      indexIdentifiers(fts, rowid, doc);
    }
    if (old.name !== doc.name || old.email !== doc.email) {
      fts.deleteText.run(rowid);
      fts.deleteTrigram.run(rowid);
      indexText(fts, rowid, doc);
    }
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchPage> {
    const q = query.q?.trim() ?? '';
    const sort = query.sort ?? (q ? 'relevance' : 'score');
    const scope = searchCursorScope(tenant, query, sort);
    const offset = query.after ? this.#offset(scope, query.after) : 0;
    const { where, params } = filters(tenant, query);

    let rows: DocRow[];
    let total: number;
    let facetRows: { facet: string; value: string; n: number }[];
    let terms: string[] = [];
    // Filters alone: list the matches when they are few; a broad filter (a whole country) is
    // answered like the whole tenant, by SQL over the indexes.
    const filtered =
      !q && params.length > 1
        ? this.#rowids(`SELECT docs.rowid FROM docs WHERE ${where} ${orderBy(sort)} LIMIT ${MAX_LISTED + 1}`, params)
        : undefined;
    if (q || (filtered && filtered.length <= MAX_LISTED)) {
      // A selective query: list the matching rowids (in order), then page and facet over that list.
      // The candidate list drives the join (CROSS JOIN), or the planner starts from a tenant index.
      let matched: number[];
      if (q) {
        const candidates = this.#candidates(tenant, q);
        terms = candidates.terms;
        matched = this.#rowids(
          `SELECT docs.rowid FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value WHERE ${where} ${sort === 'relevance' ? '' : orderBy(sort)}`,
          [JSON.stringify(candidates.rowids), ...params],
        );
        if (sort === 'relevance') {
          // Keep the candidates' order: exact identifier, then FTS rank, then trigram share.
          const rank = new Map(candidates.rowids.map((id, i) => [id, i]));
          matched.sort((a, b) => rank.get(a)! - rank.get(b)!);
        }
      } else {
        matched = filtered!;
      }
      total = matched.length;
      const pageIds = matched.slice(offset, offset + query.size);
      const bodies = new Map(
        (
          this.#prepare('SELECT docs.rowid, body FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value').all(
            JSON.stringify(pageIds),
          ) as unknown as DocRow[]
        ).map((r) => [r.rowid, r]),
      );
      rows = pageIds.map((id) => bodies.get(id)!);
      facetRows = this.#facetsOf(matched);
    } else {
      // The whole tenant: index-only counts and facets, one page of rows.
      rows = this.#prepare(`SELECT rowid, body FROM docs WHERE ${where} ${orderBy(sort)} LIMIT ? OFFSET ?`).all(
        ...params,
        query.size,
        offset,
      ) as unknown as DocRow[];
      total = (this.#prepare(`SELECT count(*) AS n FROM docs WHERE ${where}`).get(...params) as { n: number }).n;
      facetRows = this.#facets(where, params);
    }

    const hits: SearchHit[] = rows.map((row) => {
      const doc = JSON.parse(row.body) as CustomerDoc;
      const highlights = highlight(doc, q, terms);
      return highlights ? { doc, highlights } : { doc };
    });
    const facets: SearchPage['facets'] = { action: [], label: [], country: [], state: [], band: [] };
    for (const r of facetRows) facets[r.facet as FacetName].push({ value: r.value, count: r.n });
    const page: SearchPage = { hits, total, facets };
    if (offset + rows.length < total) page.next = this.#cursors.seal(scope, offset + rows.length);
    return page;
  }

  #offset(scope: CursorScope, cursor: string): number {
    const offset = this.#cursors.open(scope, cursor);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw this.#cursors.refuse();
    return offset;
  }

  /** Candidate documents for free text, best first: exact identifiers, then names/emails, then fuzzy names. */
  #candidates(tenant: string, q: string): { rowids: number[]; terms: string[] } {
    const seen = new Set<number>();
    const rowids: number[] = [];
    const add = (id: number) => {
      if (!seen.has(id)) {
        seen.add(id);
        rowids.push(id);
      }
    };
    // Candidates come from the tenant's own FTS tables only; none yet means no candidates.
    const fts = this.#tenantFts(tenant, false);
    if (!fts) return { rowids, terms: [] };
    for (const row of fts.exact.all(phrase(normalizeIdentifier(q))) as { rowid: number }[]) add(row.rowid);

    // Text that is exactly an identifier (an email, a device id...) means that customer: the
    // name search would only add noise (and "com"* matches everyone).
    if (rowids.length > 0) return { rowids, terms: [] };
    const terms = q
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    if (terms.length > 0) {
      // Every term must match; each as a prefix, so "jo smi" finds "John Smith" while typing.
      const match = terms.map((t) => `"${t}"*`).join(' AND ');
      for (const row of fts.text.all(match) as { rowid: number }[]) add(row.rowid);
    }
    if (rowids.length === 0) {
      const grams = trigrams(q.toLowerCase());
      if (grams.length > 0) {
        const match = grams.map(phrase).join(' OR ');
        const found = fts.trigram.all(match) as { rowid: number }[];
        if (found.length > 0) {
          // Keep names sharing enough trigrams with the query, most similar first.
          const names = this.#prepare(
            'SELECT docs.rowid, docs.name FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value WHERE docs.tenant = ?',
          ).all(JSON.stringify(found.map((r) => r.rowid)), tenant) as { rowid: number; name: string }[];
          const wanted = new Set(grams);
          names
            .map((r) => {
              const own = new Set(trigrams(r.name.toLowerCase()));
              let shared = 0;
              for (const g of wanted) if (own.has(g)) shared++;
              return { rowid: r.rowid, share: shared / Math.max(wanted.size, own.size * 0.75) };
            })
            .filter((r) => r.share >= TRIGRAM_MIN_SHARE)
            .sort((a, b) => b.share - a.share || a.rowid - b.rowid)
            .forEach((r) => add(r.rowid));
        }
      }
    }
    return { rowids, terms };
  }

  #rowids(sql: string, params: (string | number)[]): number[] {
    return (this.#prepare(sql).all(...params) as { rowid: number }[]).map((r) => r.rowid);
  }

  /** A statement of the search path, compiled once (see #statements). */
  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      if (this.#statements.size >= 500) this.#statements.clear();
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #facets(where: string, params: (string | number)[]): { facet: string; value: string; n: number }[] {
    const one = (facet: string, expr: string) =>
      `SELECT '${facet}' AS facet, ${expr} AS value, count(*) AS n FROM docs WHERE ${where} AND ${expr} IS NOT NULL GROUP BY 2`;
    return this.#prepare(
      `${one('action', 'docs.action')} UNION ALL ${one('label', 'docs.label')} UNION ALL ${one('country', 'docs.country')}
         UNION ALL ${one('state', "coalesce(docs.review_state, 'none')")} UNION ALL ${one('band', BAND_SQL)}
         ORDER BY facet, n DESC, value`,
    ).all(...params, ...params, ...params, ...params, ...params) as { facet: string; value: string; n: number }[];
  }

  #facetsOf(rowids: number[]): { facet: string; value: string; n: number }[] {
    if (rowids.length === 0) return [];
    return this.#prepare(
      `WITH m AS (SELECT docs.action, docs.label, docs.country, coalesce(docs.review_state, 'none') AS state, ${BAND_SQL} AS band
                    FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value)
         SELECT 'action' AS facet, action AS value, count(*) AS n FROM m WHERE action IS NOT NULL GROUP BY action
         UNION ALL SELECT 'label', label, count(*) FROM m WHERE label IS NOT NULL GROUP BY label
         UNION ALL SELECT 'country', country, count(*) FROM m WHERE country IS NOT NULL GROUP BY country
         UNION ALL SELECT 'state', state, count(*) FROM m GROUP BY state
         UNION ALL SELECT 'band', band, count(*) FROM m WHERE band IS NOT NULL GROUP BY band
         ORDER BY facet, n DESC, value`,
    ).all(JSON.stringify(rowids)) as { facet: string; value: string; n: number }[];
  }

  async suggest(tenant: string, prefix: string, limit: number): Promise<Suggestion[]> {
    const wanted = normalizeIdentifier(prefix);
    // Nothing an identifier token could start with (only separators): no candidates.
    if (wanted.length < SUGGEST_MIN_PREFIX || !/[\p{L}\p{N}]/u.test(wanted)) return [];
    // Candidates from the tenant's own identifier index only (at most MAX_CANDIDATES, in index
    // order), then the riskiest first; the kind and value come from the document (suggestionOf).
    const fts = this.#tenantFts(tenant, false);
    if (!fts) return [];
    const rowids = (fts.exact.all(`${phrase(wanted)}*`) as { rowid: number }[]).map((r) => r.rowid);
    if (rowids.length === 0) return [];
    if (rowids.length >= MAX_CANDIDATES) {
      // A broad prefix (the candidates were capped): matches are dense, so walking the tenant's
      // documents riskiest first finds the true first `limit` quickly; past SUGGEST_WALK documents
      // without enough, the capped candidates below answer.
      const out: Suggestion[] = [];
      const walk = this.#prepare(
        `SELECT body FROM docs WHERE tenant = ? ORDER BY score DESC, id LIMIT ${SUGGEST_WALK}`,
      ).iterate(tenant) as Iterable<{ body: string }>;
      for (const row of walk) {
        const suggestion = suggestionOf(JSON.parse(row.body) as CustomerDoc, wanted);
        if (suggestion) out.push(suggestion);
        if (out.length >= limit) return out;
      }
    }
    // Ordered by the narrow columns only; the bodies (wide) are read a few at a time, in that order,
    // until `limit` of them hold a matching value of a suggested kind.
    const ordered = this.#rowids(
      'SELECT docs.rowid FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value WHERE docs.tenant = ? ORDER BY docs.score DESC NULLS LAST, docs.id',
      [JSON.stringify(rowids), tenant],
    );
    const bodies = this.#prepare(
      'SELECT docs.rowid, docs.body FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value',
    );
    const out: Suggestion[] = [];
    for (let at = 0; at < ordered.length && out.length < limit; at += SUGGEST_BATCH) {
      const batch = ordered.slice(at, at + SUGGEST_BATCH);
      const byRow = new Map((bodies.all(JSON.stringify(batch)) as unknown as DocRow[]).map((r) => [r.rowid, r.body]));
      for (const rowid of batch) {
        const suggestion = suggestionOf(JSON.parse(byRow.get(rowid)!) as CustomerDoc, wanted);
        if (suggestion) out.push(suggestion);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  async refresh(): Promise<void> {}

  async count(tenant: string): Promise<number> {
    return (this.#db.prepare('SELECT count(*) AS n FROM docs WHERE tenant = ?').get(tenant) as { n: number }).n;
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}

function filters(tenant: string, query: SearchQuery): { where: string; params: (string | number)[] } {
  const clauses = ['docs.tenant = ?'];
  const params: (string | number)[] = [tenant];
  const oneOf = (col: string, values: string[] | undefined) => {
    if (!values?.length) return;
    clauses.push(`docs.${col} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  oneOf('action', query.action);
  oneOf('label', query.label);
  oneOf('country', query.country);
  if (query.state?.length) {
    // The review state (set by the review follower); absent means never reviewed.
    clauses.push(`coalesce(docs.review_state, 'none') IN (${query.state.map(() => '?').join(', ')})`);
    params.push(...query.state);
  }
  const range = (col: string, op: string, value: number | undefined) => {
    if (value === undefined) return;
    clauses.push(`docs.${col} ${op} ?`);
    params.push(value);
  };
  range('score', '>=', query.scoreMin);
  range('score', '<=', query.scoreMax);
  range('last_seen', '>=', query.from);
  range('last_seen', '<=', query.to);
  return { where: clauses.join(' AND '), params };
}

function orderBy(sort: SearchQuery['sort']): string {
  switch (sort) {
    case 'lastSeen':
      return 'ORDER BY docs.last_seen DESC NULLS LAST, docs.id';
    case 'name':
      return 'ORDER BY docs.name COLLATE NOCASE, docs.id';
    default:
      return 'ORDER BY docs.score DESC NULLS LAST, docs.id';
  }
}

/** An FTS5 phrase: the text quoted, so no user input is read as query syntax. */
function phrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function trigrams(text: string): string[] {
  const clean = text.replace(/\s+/g, ' ').trim();
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= clean.length; i++) grams.add(clean.slice(i, i + 3));
  return [...grams];
}

function highlight(doc: CustomerDoc, q: string, terms: string[]): Record<string, string[]> | undefined {
  if (!q) return undefined;
  const out: Record<string, string[]> = {};
  const lower = normalizeIdentifier(q);
  if (doc.identifiers.some((v) => normalizeIdentifier(v) === lower) || normalizeIdentifier(doc.id) === lower) {
    out.identifiers = [q.trim()];
  }
  for (const field of ['name', 'email'] as const) {
    const value = doc[field];
    if (!value) continue;
    const words = value.split(/(?=[^\p{L}\p{N}])|(?<=[^\p{L}\p{N}])/u);
    const matched = words.filter((w) => terms.some((t) => w.toLowerCase().startsWith(t)));
    if (matched.length) out[field] = matched;
  }
  return Object.keys(out).length ? out : undefined;
}

function indexIdentifiers(fts: TenantFts, rowid: number, doc: CustomerDoc): void {
  fts.insertIdents.run(rowid, [doc.id, ...doc.identifiers].join(' \n '));
}

function indexText(fts: TenantFts, rowid: number, doc: CustomerDoc): void {
  fts.insertText.run(rowid, doc.name, doc.email ?? '');
  fts.insertTrigram.run(rowid, doc.name.toLowerCase());
}
