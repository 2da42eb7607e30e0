// The whole search in the URL: text, filters, sort and page, so a link reproduces the screen and
// back/forward step through it. Lists travel comma-separated (`action=PREVENT,REVIEW`).
import type { Params } from '@angular/router';
import type { SavedSearchQuery } from '@redoubt/contracts/api';

export type SearchSortKey = 'relevance' | 'score' | 'lastSeen';
export const SORTS: { value: SearchSortKey; text: string }[] = [
  { value: 'relevance', text: 'Relevance' },
  { value: 'score', text: 'Score' },
  { value: 'lastSeen', text: 'Last seen' },
];

/** Score bands on the same thresholds as the decisions (ALLOW < 50 ≤ REVIEW < 80 ≤ PREVENT); scores are whole numbers. */
export const SCORE_BANDS = {
  high: { text: 'High (80–100)', min: 80, max: 100 },
  medium: { text: 'Medium (50–79)', min: 50, max: 79 },
  low: { text: 'Low (0–49)', min: 0, max: 49 },
} as const;
export type ScoreBand = keyof typeof SCORE_BANDS;

export const FACETS = ['action', 'label', 'state', 'country'] as const;
export type FacetKey = (typeof FACETS)[number];

export interface SearchQueryState {
  q: string;
  action: string[];
  label: string[];
  state: string[];
  country: string[];
  band?: ScoreBand;
  sort?: SearchSortKey;
  /** Cursor of the page shown (absent on the first page) and its number, counted from 1. */
  after?: string;
  page: number;
}

export interface SearchUrlInputs {
  q?: string;
  action?: string;
  label?: string;
  state?: string;
  country?: string;
  band?: string;
  sort?: string;
  after?: string;
  page?: string;
}

const list = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : []);

export function fromUrl(url: SearchUrlInputs): SearchQueryState {
  const page = Number(url.page);
  const band = url.band && url.band in SCORE_BANDS ? (url.band as ScoreBand) : undefined;
  const sort = SORTS.find((s) => s.value === url.sort)?.value;
  return {
    q: url.q ?? '',
    action: list(url.action),
    label: list(url.label),
    state: list(url.state),
    country: list(url.country),
    ...(band && { band }),
    ...(sort && { sort }),
    ...(url.after && { after: url.after }),
    page: url.after && Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** Query params for the router; `null` removes a param that is no longer set. */
export function toUrl(state: SearchQueryState): Params {
  const joined = (values: string[]) => (values.length ? values.join(',') : null);
  return {
    q: state.q || null,
    action: joined(state.action),
    label: joined(state.label),
    state: joined(state.state),
    country: joined(state.country),
    band: state.band ?? null,
    sort: state.sort ?? null,
    after: state.after ?? null,
    page: state.after ? state.page : null,
  };
}

/** Anything to ask the API for: text or at least one filter (a bare sort lists everyone). */
export function isActive(state: SearchQueryState): boolean {
  return (
    state.q !== '' ||
    FACETS.some((facet) => state[facet].length > 0) ||
    state.band !== undefined ||
    state.sort !== undefined
  );
}

/** The API's query string (apps/bff/src/routes/customers.ts); arrays repeat the key. */
export function toApiParams(state: SearchQueryState, size: number): Record<string, string | number | string[]> {
  const band = state.band ? SCORE_BANDS[state.band] : undefined;
  return {
    ...(state.q && { q: state.q }),
    ...(state.action.length && { action: state.action }),
    ...(state.label.length && { label: state.label }),
    ...(state.state.length && { state: state.state }),
    ...(state.country.length && { country: state.country }),
    ...(band && { scoreMin: band.min, scoreMax: band.max }),
    // Relevance needs text; without it the API's own default (score) applies.
    ...(state.sort && (state.sort !== 'relevance' || state.q) && { sort: state.sort }),
    size,
    ...(state.after && { after: state.after }),
  };
}

/** The same search from its first page: any change of text, filter or sort starts over. */
export function firstPage(state: SearchQueryState): SearchQueryState {
  const { after: _after, ...rest } = state;
  return { ...rest, page: 1 };
}

/** Two states that ask the API the same thing and show the same page. */
export function sameSearch(a: SearchQueryState, b: SearchQueryState): boolean {
  return JSON.stringify(toUrl(a)) === JSON.stringify(toUrl(b));
}

/** What a saved search keeps (apps/bff/src/routes/saved-searches.ts): everything but the page. */
export function toSaved(state: SearchQueryState): SavedSearchQuery {
  return {
    ...(state.q && { q: state.q }),
    ...(state.action.length && { action: state.action as SavedSearchQuery['action'] }),
    ...(state.label.length && { label: state.label as SavedSearchQuery['label'] }),
    ...(state.state.length && { state: state.state as SavedSearchQuery['state'] }),
    ...(state.country.length && { country: state.country }),
    ...(state.band && { band: state.band }),
    ...(state.sort && { sort: state.sort }),
  };
}

/** The search screen's URL query for a saved search, from its first page. */
export function savedToUrl(saved: SavedSearchQuery): Params {
  const state = fromUrl({
    ...(saved.q && { q: saved.q }),
    ...(saved.action && { action: saved.action.join(',') }),
    ...(saved.label && { label: saved.label.join(',') }),
    ...(saved.state && { state: saved.state.join(',') }),
    ...(saved.country && { country: saved.country.join(',') }),
    ...(saved.band && { band: saved.band }),
    ...(saved.sort && { sort: saved.sort }),
  });
  return Object.fromEntries(Object.entries(toUrl(state)).filter(([, value]) => value !== null));
}

/** A name for a search, offered when saving it: its text and filters in words. */
export function describeSearch(state: SearchQueryState): string {
  const parts = [
    state.q && `“${state.q}”`,
    ...[state.action, state.label, state.state, state.country].filter((v) => v.length).map((v) => v.join('/')),
    state.band && `${state.band} score`,
  ].filter(Boolean);
  return (parts.join(' · ') || 'Everyone').slice(0, 80);
}
