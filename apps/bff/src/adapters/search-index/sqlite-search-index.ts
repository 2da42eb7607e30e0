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
  SearchHit,
  SearchIndex,
  SearchPage,
  SearchQuery,
  Suggestion,
} from '../../ports/search-index.ts';
import { SEARCH_READS, SUGGEST_MIN_PREFIX, normalizeIdentifier, suggestionOf } from '../../ports/search-index.ts';
import { Cursors, ephemeralSigner, searchCursorScope } from '../cursors.ts';
import type { CursorScope, CursorSigner } from '../cursors.ts';
import { guardStore } from '../store-errors.ts';
import { Columns, ORDERS, firstInOrder } from './columns.ts';
import type { ColumnRow, StoredColumns } from './columns.ts';

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

/**
 * The write generation: every row written carries the transaction's number (one more than the
 * file's largest), so the in-memory columns (columns.ts) catch up on exactly the rows written
 * since, by this process or another one sharing the file. A tenant's text_gen moves when its FTS
 * rows change, which is when its cached candidates (#candidateCache) go stale.
 */
const GENERATION_COLUMNS = `
ALTER TABLE docs ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fts_tenants ADD COLUMN text_gen INTEGER NOT NULL DEFAULT 0;
`;

/** The FTS tables of tenant number N. */
const tenantFts = (no: number) => `
-- Identifiers as whole tokens (e-mail, phone, device, card token, IP, order id stay one token
-- each): an exact match is a phrase query. FTS5 batches its writes, ~5x faster here than a
-- (tenant, value, doc) b-tree.
CREATE VIRTUAL TABLE IF NOT EXISTS ident_${no} USING fts5(
  identifiers, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '@.-_+:#/'"
);
-- Prefix indexes of 2 and 3 characters: names are typed a few letters a word ("jo smi"), and
-- without them FTS merges every term starting so (~30x slower for two 3-letter prefixes).
CREATE VIRTUAL TABLE IF NOT EXISTS text_${no} USING fts5(
  name, email, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS trigram_${no} USING fts5(name, content='', contentless_delete=1, tokenize='trigram');
`;

/** Up to this layout, one FTS index held every tenant; open() moves such a file to per-tenant indexes. */
const SHARED_FTS_VERSION = 0;
/** Up to this layout, the name indexes had no prefix indexes; open() rebuilds them. */
const UNPREFIXED_VERSION = 2;
const LAYOUT_VERSION = 3;

/** Most candidates a free-text query considers before filters; keeps a one-letter query cheap. */
const MAX_CANDIDATES = 2_000;
/**
 * Free text of at most this many characters has its candidates cached: the broad prefixes typed
 * first, where FTS ranks thousands of matches (~10-40 ms for "jo", docs/load.md).
 */
const CACHED_QUERY_LENGTH = 3;
/** Most cached candidate lists (each at most MAX_CANDIDATES rowids). */
const CACHED_QUERIES = 512;
/** Most matches the cached filter answers hold together (references to rows: ~8 MB). */
const CACHED_FILTER_ROWS = 1_000_000;
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
  /** The name/email matches in rowid order: for a query sorted otherwise, ranking them is wasted. */
  textUnranked: StatementSync;
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
  readonly #lastGen: StatementSync;
  readonly #changedSince: StatementSync;
  readonly #textGen: StatementSync;
  readonly #bumpTextGen: StatementSync;
  readonly #columns = new Columns();
  /** The largest generation the columns hold. */
  #seenGen = -1;
  /**
   * Filters alone (the dashboard's facet chips, the first screen): the matches and facets by tenant
   * and filters, with the tenant's columns version (Columns.version) they were counted at.
   */
  readonly #filteredCache = new Map<string, { version: number; matched: ColumnRow[]; facets: SearchPage['facets'] }>();
  /** Matches held by #filteredCache. */
  #filteredRows = 0;
  /** Candidates of short free text, by tenant and text (see CACHED_QUERY_LENGTH), with the tenant's text_gen. */
  readonly #candidateCache = new Map<string, { textGen: number; rowids: number[]; terms: string[] }>();
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
    if (!columns.some((c) => c.name === 'gen')) this.#db.exec(GENERATION_COLUMNS);
    this.#db.exec('CREATE INDEX IF NOT EXISTS docs_gen ON docs (gen)');
    this.#findRow = this.#db.prepare('SELECT rowid, body FROM docs WHERE tenant = ? AND id = ?');
    this.#insertDoc = this.#db.prepare(
      'INSERT INTO docs (tenant, id, name, country, score, action, label, last_seen, body, review_state, gen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#updateDoc = this.#db.prepare(
      'UPDATE docs SET name = ?, country = ?, score = ?, action = ?, label = ?, last_seen = ?, body = ?, review_state = ?, gen = ? WHERE rowid = ?',
    );
    this.#tenantNo = this.#db.prepare('SELECT no FROM fts_tenants WHERE tenant = ?');
    this.#addTenant = this.#db.prepare('INSERT INTO fts_tenants (tenant) VALUES (?) RETURNING no');
    this.#lastGen = this.#db.prepare('SELECT coalesce(max(gen), 0) AS gen FROM docs');
    this.#changedSince = this.#db.prepare(
      'SELECT rowid, tenant, id, name, country, score, action, label, last_seen, review_state, gen FROM docs WHERE gen > ? ORDER BY gen',
    );
    this.#textGen = this.#db.prepare('SELECT text_gen FROM fts_tenants WHERE tenant = ?');
    this.#bumpTextGen = this.#db.prepare('UPDATE fts_tenants SET text_gen = text_gen + 1 WHERE tenant = ?');
    this.#cursors = new Cursors(options.cursorSigner ?? ephemeralSigner(), '/query/after');
    this.#upgradeLayout();
    this.#catchUp();
    // Callers only ever see domain errors (store-errors.ts), never node:sqlite's.
    return guardStore('search', this, undefined, { reads: SEARCH_READS });
  }

  /**
   * A file of an older layout: one FTS index for every tenant is split into each tenant's own
   * (created in the current layout); name indexes without prefixes are rebuilt with them.
   */
  #upgradeLayout(): void {
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
      } else if (version <= UNPREFIXED_VERSION) {
        for (const { no, tenant } of this.#db.prepare('SELECT no, tenant FROM fts_tenants').all() as {
          no: number;
          tenant: string;
        }[]) {
          this.#db.exec(`DROP TABLE text_${no}; ${tenantFts(no)}`);
          this.#db
            .prepare(
              `INSERT INTO text_${no} (rowid, name, email) SELECT rowid, name, coalesce(body ->> '$.email', '') FROM docs WHERE tenant = ?`,
            )
            .run(tenant);
        }
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
      textUnranked: this.#db.prepare(`SELECT rowid FROM text_${no} WHERE text_${no} MATCH ? LIMIT ${MAX_CANDIDATES}`),
      trigram: this.#db.prepare(
        `SELECT rowid FROM trigram_${no} WHERE trigram_${no} MATCH ? ORDER BY rank LIMIT ${MAX_CANDIDATES}`,
      ),
    };
    this.#fts.set(tenant, fts);
    return fts;
  }

  /** Brings the in-memory columns up to the file: the rows written since they last looked. */
  #catchUp(): void {
    if ((this.#lastGen.get() as { gen: number }).gen <= this.#seenGen) return;
    for (const row of this.#changedSince.iterate(this.#seenGen) as Iterable<StoredColumns & { gen: number }>) {
      this.#columns.put(row);
      this.#seenGen = Math.max(this.#seenGen, row.gen);
    }
  }

  async upsert(tenant: string, docs: CustomerDoc[]): Promise<void> {
    if (docs.length === 0) return;
    // IMMEDIATE: the write lock before reading the generation, so two processes never share one.
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const fts = this.#tenantFts(tenant, true)!;
      const gen = (this.#lastGen.get() as { gen: number }).gen + 1;
      let textChanged = false;
      for (const doc of docs) textChanged = this.#upsertOne(tenant, fts, doc, gen) || textChanged;
      if (textChanged) this.#bumpTextGen.run(tenant);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      // Statements of tables created in the rolled-back transaction are stale.
      this.#fts.delete(tenant);
      throw error;
    }
  }

  /** Writes one document with generation `gen`; true when its FTS rows changed. */
  #upsertOne(tenant: string, fts: TenantFts, doc: CustomerDoc, gen: number): boolean {
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
      gen,
    ] as const;
    if (!existing) {
      const rowid = Number(this.#insertDoc.run(tenant, doc.id, ...columns).lastInsertRowid);
      indexIdentifiers(fts, rowid, doc);
      indexText(fts, rowid, doc);
      return true;
    }
    if (existing.body === body) return false;
    const rowid = existing.rowid;
    this.#updateDoc.run(...columns, rowid);
    // Most updates (a new order, a new score) change neither names nor identifiers: the text
    // indexes are only rewritten when what they index changed.
    const old = JSON.parse(existing.body) as CustomerDoc;
    const identifiersChanged = old.identifiers.join('\n') !== doc.identifiers.join('\n');
    if (identifiersChanged) {
      fts.deleteIdents.run(rowid);
      indexIdentifiers(fts, rowid, doc);
    }
    const textChanged = old.name !== doc.name || old.email !== doc.email;
    if (textChanged) {
      fts.deleteText.run(rowid);
      fts.deleteTrigram.run(rowid);
      indexText(fts, rowid, doc);
    }
    return identifiersChanged || textChanged;
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchPage> {
    const q = query.q?.trim() ?? '';
    const sort = query.sort ?? (q ? 'relevance' : 'score');
    const scope = searchCursorScope(tenant, query, sort);
    const offset = query.after ? this.#offset(scope, query.after) : 0;
    this.#catchUp();

    // The matches as narrow rows (columns.ts), and their facets: free text's candidates in
    // relevance order (exact identifier, then FTS rank, then trigram share), or the tenant's
    // documents through the filters alone.
    let terms: string[] = [];
    let matched: ColumnRow[];
    let facets: SearchPage['facets'];
    if (q) {
      const found = this.#cachedCandidates(tenant, q, sort === 'relevance');
      terms = found.terms;
      matched = this.#columns.of(tenant, found.rowids).filter(this.#columns.filter(query));
      facets = this.#columns.facets(matched);
    } else {
      ({ matched, facets } = this.#filtered(tenant, query));
    }
    const end = offset + query.size;
    const page = (sort === 'relevance' ? matched.slice(0, end) : firstInOrder(matched, end, ORDERS[sort])).slice(
      offset,
    );

    const bodies = new Map(
      (
        this.#prepare('SELECT docs.rowid, body FROM json_each(?) AS j CROSS JOIN docs ON docs.rowid = j.value').all(
          JSON.stringify(page.map((r) => r.rowid)),
        ) as unknown as DocRow[]
      ).map((r) => [r.rowid, r.body]),
    );
    const hits: SearchHit[] = page.map((row) => {
      const doc = JSON.parse(bodies.get(row.rowid)!) as CustomerDoc;
      const highlights = highlight(doc, q, terms);
      return highlights ? { doc, highlights } : { doc };
    });
    const result: SearchPage = { hits, total: matched.length, facets };
    if (offset + hits.length < matched.length) result.next = this.#cursors.seal(scope, offset + hits.length);
    return result;
  }

  /** The tenant's documents through the query's filters, and their facets: cached until the tenant's columns change. */
  #filtered(tenant: string, query: SearchQuery): { matched: ColumnRow[]; facets: SearchPage['facets'] } {
    const { action, label, country, state, scoreMin, scoreMax, from, to } = query;
    const key = `${tenant}\u0000${JSON.stringify([action, label, country, state, scoreMin, scoreMax, from, to])}`;
    const version = this.#columns.version(tenant);
    const cached = this.#filteredCache.get(key);
    this.#filteredCache.delete(key);
    if (cached?.version === version) {
      this.#filteredCache.set(key, cached); // most recently used last
      return cached;
    }
    if (cached) this.#filteredRows -= cached.matched.length;
    const matched = this.#columns.all(tenant).filter(this.#columns.filter(query));
    const answer = { version, matched, facets: this.#columns.facets(matched) };
    this.#filteredCache.set(key, answer);
    this.#filteredRows += matched.length;
    // Least recently used out first, until the answers hold at most CACHED_FILTER_ROWS rows.
    for (const [oldKey, old] of this.#filteredCache) {
      if (this.#filteredRows <= CACHED_FILTER_ROWS || oldKey === key) break;
      this.#filteredCache.delete(oldKey);
      this.#filteredRows -= old.matched.length;
    }
    return answer;
  }

  /** #candidates, from the cache for short text while the tenant's FTS rows are unchanged. */
  #cachedCandidates(tenant: string, q: string, ranked: boolean): { rowids: number[]; terms: string[] } {
    if (q.length > CACHED_QUERY_LENGTH) return this.#candidates(tenant, q, ranked);
    const key = `${tenant}\u0000${ranked}\u0000${q.toLowerCase()}`;
    const textGen = (this.#textGen.get(tenant) as { text_gen: number } | undefined)?.text_gen ?? -1;
    const cached = this.#candidateCache.get(key);
    this.#candidateCache.delete(key);
    if (cached?.textGen === textGen) {
      this.#candidateCache.set(key, cached); // most recently used last
      return cached;
    }
    const found = this.#candidates(tenant, q, ranked);
    if (this.#candidateCache.size >= CACHED_QUERIES) {
      this.#candidateCache.delete(this.#candidateCache.keys().next().value!);
    }
    this.#candidateCache.set(key, { textGen, ...found });
    return found;
  }

  #offset(scope: CursorScope, cursor: string): number {
    const offset = this.#cursors.open(scope, cursor);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw this.#cursors.refuse();
    return offset;
  }

  /**
   * Candidate documents for free text, best first: exact identifiers, then names/emails, then fuzzy
   * names. Names and emails in FTS rank order when `ranked`, else in rowid order (the caller sorts).
   */
  #candidates(tenant: string, q: string, ranked: boolean): { rowids: number[]; terms: string[] } {
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
      const text = ranked ? fts.text : fts.textUnranked;
      for (const row of text.all(match) as { rowid: number }[]) add(row.rowid);
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
