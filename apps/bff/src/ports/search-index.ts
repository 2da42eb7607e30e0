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
}

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
  /** Facet -> value -> count, over every match (not only this page). */
  facets: Record<'action' | 'label' | 'country', { value: string; count: number }[]>;
  next?: string;
}

export interface SearchIndex {
  /** Creates or replaces the documents (by tenant and id). */
  upsert(tenant: string, docs: CustomerDoc[]): Promise<void>;
  search(tenant: string, query: SearchQuery): Promise<SearchPage>;
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
