// SearchIndex: one document per customer for the search page (the Elasticsearch role).
// Adapters: Elasticsearch (@elastic/elasticsearch) and an embedded node:sqlite FTS5 index with a
// trigram fallback for misspelt names. Every query is filtered by tenant.
import type { Action, Label, ReviewStatus } from '@redoubt/contracts/api';

export interface CustomerDoc {
  id: string;
  name: string;
  email?: string;
  phone?: string;
  country?: string;
  score?: number;
  action?: Action;
  label?: Label;
  /** Where the customer's review stands (set by the review follower; absent: never reviewed). */
  reviewState?: ReviewStatus;
  /** Epoch ms. */
  lastSeen?: number;
  createdAt?: number;
  /** Every identifier value (email, phone, device, card instrument, IP, order id...), for exact matches. */
  identifiers: string[];
  /**
   * The same values by kind, for typeahead (suggest()): which kind of identifier a prefix matched.
   * Absent on documents written before it existed; they gain it when next written.
   */
  identifiersByKind?: Partial<Record<SuggestKind, string[]>>;
}

/** The identifier kinds typeahead suggests, in the order one customer's matches are preferred. */
export const SUGGEST_KINDS = ['email', 'phone', 'device', 'card', 'ip', 'order'] as const;
export type SuggestKind = (typeof SUGGEST_KINDS)[number];

/** One typeahead answer: a customer and the identifier value of theirs that the prefix matched. */
export interface Suggestion {
  kind: SuggestKind;
  /** The whole identifier value, as stored. */
  value: string;
  customerId: string;
  name: string;
  score?: number;
  action?: Action;
}

/** Fewest characters a suggest prefix has (one character would match most of a tenant). */
export const SUGGEST_MIN_PREFIX = 2;
export const SUGGEST_MAX_LIMIT = 20;

/**
 * The suggestion a document gives for a prefix: its first value (kinds in SUGGEST_KINDS order)
 * that starts with the prefix, compared as normalizeIdentifier does; undefined when none does.
 * Both adapters call this on the documents their index matched, so they answer alike.
 */
export function suggestionOf(doc: CustomerDoc, prefix: string): Suggestion | undefined {
  const wanted = normalizeIdentifier(prefix);
  for (const kind of SUGGEST_KINDS) {
    const value = doc.identifiersByKind?.[kind]?.find((v) => normalizeIdentifier(v).startsWith(wanted));
    if (value !== undefined) {
      return {
        kind,
        value,
        customerId: doc.id,
        name: doc.name,
        ...(doc.score !== undefined && { score: doc.score }),
        ...(doc.action !== undefined && { action: doc.action }),
      };
    }
  }
  return undefined;
}

/** Score bands, on the decisions' thresholds (ALLOW < 50 ≤ REVIEW < 80 ≤ PREVENT). */
export const SCORE_BANDS = { low: { below: 50 }, medium: { from: 50, below: 80 }, high: { from: 80 } } as const;
export type ScoreBand = keyof typeof SCORE_BANDS;
export type FacetName = 'action' | 'label' | 'country' | 'state' | 'band';

export type SearchSort = 'relevance' | 'score' | 'lastSeen' | 'name';

export interface SearchQuery {
  /** Free text: a name (prefix, misspelt), an email, or any identifier value exactly. */
  q?: string;
  action?: Action[];
  label?: Label[];
  /** Review state; 'none' matches customers never queued or reviewed. */
  state?: ReviewStatus[];
  country?: string[];
  scoreMin?: number;
  scoreMax?: number;
  /** lastSeen range, epoch ms, inclusive. */
  from?: number;
  to?: number;
  /** Default: relevance when q is given, otherwise score. */
  sort?: SearchSort;
  size: number;
  /** Opaque cursor from the previous page. */
  after?: string;
}

export interface SearchHit {
  doc: CustomerDoc;
  /** Field -> matched fragments. */
  highlights?: Record<string, string[]>;
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /**
   * Facet -> value -> count, over every match (not only this page), most first then by value;
   * values counted zero are absent. `state` counts 'none' for never reviewed; `band` is SCORE_BANDS.
   */
  facets: Record<FacetName, { value: string; count: number }[]>;
  next?: string;
}

/** The calls safe to repeat: guardStore retries them when the store was briefly unavailable (adapters/retry.ts). */
export const SEARCH_READS = ['search', 'suggest', 'count'] as const satisfies readonly (keyof SearchIndex)[];

export interface SearchIndex {
  /** Creates or replaces the documents (by tenant and id). */
  upsert(tenant: string, docs: CustomerDoc[]): Promise<void>;
  search(tenant: string, query: SearchQuery): Promise<SearchPage>;
  /**
   * Typeahead: customers with an identifier starting with `prefix` (at least SUGGEST_MIN_PREFIX
   * characters), riskiest first (score descending, unscored last, then id), at most `limit`, one per
   * customer, each with the kind and value that matched. Only the tenant's own documents are ever
   * read before the limit applies (docs/decisions/0005-tenant-isolation.md).
   */
  suggest(tenant: string, prefix: string, limit: number): Promise<Suggestion[]>;
  /** Makes every write so far visible to search (Elasticsearch refresh; a no-op when embedded). */
  refresh(): Promise<void>;
  count(tenant: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Lower-cased, trimmed form used for exact identifier matches in every adapter. */
export function normalizeIdentifier(value: string): string {
  return value.trim().toLowerCase();
}
