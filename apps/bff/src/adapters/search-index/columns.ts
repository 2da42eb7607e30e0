// The narrow columns of the embedded index's documents, in memory, per tenant: what filters,
// facets and sorting read. Answering a search from SQL meant reading every matching row (a
// country + action filter walked a tenant's score index row by row; facets over a two-letter
// prefix read ~2,000 rows), tens of milliseconds a query at 100,000 customers (docs/load.md).
// Here a filter is a scan of small numbers, facets are counts into arrays, and a page of the
// sorted matches is a selection of the first offset + size; only the page's bodies are read from
// SQL. sqlite-search-index.ts keeps these in step with the file by the docs.gen write generation.
import type { FacetName, SearchPage, SearchQuery, SearchSort } from '../../ports/search-index.ts';
import { SCORE_BANDS } from '../../ports/search-index.ts';

/** One document's narrow columns; facet values as codes of their Dictionary (0: absent). */
export interface ColumnRow {
  rowid: number;
  id: string;
  /** The name as SQLite's NOCASE compares it (ASCII letters folded), for sort=name. */
  nameKey: string;
  action: number;
  label: number;
  country: number;
  /** The review state's code; 'none' when never reviewed, as the filter and facet say. */
  state: number;
  score: number | null;
  lastSeen: number | null;
}

/** The columns as stored (docs table), one changed row. */
export interface StoredColumns {
  rowid: number;
  tenant: string;
  id: string;
  name: string;
  country: string | null;
  score: number | null;
  action: string | null;
  label: string | null;
  last_seen: number | null;
  review_state: string | null;
}

/** Facet values as small numbers, shared by every tenant (a value's code says nothing of who has it). */
class Dictionary {
  readonly values: string[] = [''];
  readonly #codes = new Map<string, number>();

  code(value: string | null): number {
    if (value === null) return 0;
    let code = this.#codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.#codes.set(value, code);
    }
    return code;
  }

  /** Flags of the codes of `values` (undefined: no filter on this facet). */
  flags(values: readonly string[] | undefined): Uint8Array | undefined {
    if (!values?.length) return undefined;
    const flags = new Uint8Array(this.values.length);
    for (const value of values) {
      const code = this.#codes.get(value);
      if (code !== undefined) flags[code] = 1;
    }
    return flags;
  }
}

const BANDS = ['high', 'medium', 'low'] as const;
/** SCORE_BANDS as an index into BANDS; -1 unscored. */
const bandOf = (score: number | null): number =>
  score === null ? -1 : score >= SCORE_BANDS.high.from ? 0 : score >= SCORE_BANDS.medium.from ? 1 : 2;

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Descending, absent last (SQL: DESC NULLS LAST). */
const descending = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a);

/** The orders of orderBy() in sqlite-search-index.ts, ties by id. */
export const ORDERS: Record<Exclude<SearchSort, 'relevance'>, (a: ColumnRow, b: ColumnRow) => number> = {
  score: (a, b) => descending(a.score, b.score) || text(a.id, b.id),
  lastSeen: (a, b) => descending(a.lastSeen, b.lastSeen) || text(a.id, b.id),
  name: (a, b) => text(a.nameKey, b.nameKey) || text(a.id, b.id),
};

/** Above this many, a page is cut from a full sort rather than selected. */
const SELECT_AT_MOST = 500;

/** The first `k` of `rows` in `order`: a bounded insertion for a first page, a sort for a deep one. */
export function firstInOrder(rows: ColumnRow[], k: number, order: (a: ColumnRow, b: ColumnRow) => number): ColumnRow[] {
  if (k > SELECT_AT_MOST) return [...rows].sort(order).slice(0, k);
  const best: ColumnRow[] = [];
  for (const row of rows) {
    if (best.length === k && order(row, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(row, best[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, row);
    if (best.length > k) best.pop();
  }
  return best;
}

export class Columns {
  readonly #tenants = new Map<string, { rows: ColumnRow[]; byRowid: Map<number, ColumnRow>; version: number }>();
  readonly #action = new Dictionary();
  readonly #label = new Dictionary();
  readonly #country = new Dictionary();
  readonly #state = new Dictionary();

  /** Takes a row as written (new, or replacing the same rowid's). */
  put(stored: StoredColumns): void {
    let tenant = this.#tenants.get(stored.tenant);
    if (!tenant) this.#tenants.set(stored.tenant, (tenant = { rows: [], byRowid: new Map(), version: 0 }));
    tenant.version++;
    const row: ColumnRow = {
      rowid: stored.rowid,
      id: stored.id,
      nameKey: stored.name.replace(/[A-Z]+/g, (s) => s.toLowerCase()),
      action: this.#action.code(stored.action),
      label: this.#label.code(stored.label),
      country: this.#country.code(stored.country),
      state: this.#state.code(stored.review_state ?? 'none'),
      score: stored.score,
      lastSeen: stored.last_seen,
    };
    const old = tenant.byRowid.get(row.rowid);
    if (old) Object.assign(old, row);
    else {
      tenant.rows.push(row);
      tenant.byRowid.set(row.rowid, row);
    }
  }

  /** Moves whenever one of the tenant's rows is put: answers computed at another version are stale. */
  version(tenant: string): number {
    return this.#tenants.get(tenant)?.version ?? 0;
  }

  /** Every document of the tenant (empty for a tenant never indexed). */
  all(tenant: string): ColumnRow[] {
    return this.#tenants.get(tenant)?.rows ?? [];
  }

  /** The tenant's documents of these rowids, in the given order (rowids of other tenants are skipped). */
  of(tenant: string, rowids: readonly number[]): ColumnRow[] {
    const byRowid = this.#tenants.get(tenant)?.byRowid;
    const out: ColumnRow[] = [];
    if (!byRowid) return out;
    for (const rowid of rowids) {
      const row = byRowid.get(rowid);
      if (row) out.push(row);
    }
    return out;
  }

  /** The query's filters (filters() in sqlite-search-index.ts) as a test of one row. */
  filter(query: SearchQuery): (row: ColumnRow) => boolean {
    const action = this.#action.flags(query.action);
    const label = this.#label.flags(query.label);
    const country = this.#country.flags(query.country);
    const state = this.#state.flags(query.state);
    const { scoreMin, scoreMax, from, to } = query;
    // Absent values never pass a range (SQL: NULL >= x is not true).
    const within = (value: number | null, min: number | undefined, max: number | undefined) =>
      (min === undefined || (value !== null && value >= min)) &&
      (max === undefined || (value !== null && value <= max));
    return (row) =>
      (!action || action[row.action] === 1) &&
      (!label || label[row.label] === 1) &&
      (!country || country[row.country] === 1) &&
      (!state || state[row.state] === 1) &&
      within(row.score, scoreMin, scoreMax) &&
      within(row.lastSeen, from, to);
  }

  /** Facet counts over every match: most first, then by value; values counted zero absent. */
  facets(rows: readonly ColumnRow[]): SearchPage['facets'] {
    const action = new Uint32Array(this.#action.values.length);
    const label = new Uint32Array(this.#label.values.length);
    const country = new Uint32Array(this.#country.values.length);
    const state = new Uint32Array(this.#state.values.length);
    const band = new Uint32Array(BANDS.length + 1);
    for (const row of rows) {
      action[row.action]!++;
      label[row.label]!++;
      country[row.country]!++;
      state[row.state]!++;
      band[bandOf(row.score) + 1]!++;
    }
    const list = (counts: Uint32Array, values: readonly string[], from: number) => {
      const out: { value: string; count: number }[] = [];
      for (let code = from; code < counts.length; code++) {
        if (counts[code]! > 0) out.push({ value: values[code]!, count: counts[code]! });
      }
      return out.sort((a, b) => b.count - a.count || text(a.value, b.value));
    };
    const facets: Record<FacetName, { value: string; count: number }[]> = {
      action: list(action, this.#action.values, 1),
      label: list(label, this.#label.values, 1),
      country: list(country, this.#country.values, 1),
      state: list(state, this.#state.values, 1),
      band: list(band, ['', ...BANDS], 1),
    };
    return facets;
  }
}
