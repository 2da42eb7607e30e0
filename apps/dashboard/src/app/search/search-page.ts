import {
  ChangeDetectionStrategy,
  Component,
  computed,
  debounced,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { CountPipe } from '../format/pipes';
import { httpResource } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { MatTableModule } from '@angular/material/table';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonModule } from '@angular/material/button';
import { MatSelectModule } from '@angular/material/select';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import {
  SearchResult,
  Suggestions,
  type Action,
  type CustomerSuggestion,
  type Label,
  type SavedSearch,
  type SuggestKind,
} from '@redoubt/contracts/api';
import { SavedSearches } from './saved-searches';
import { parseAs } from '../http/parse';
import { errorMessage } from '../http/api-error';
import { RiskChip, labelText, riskTone } from '../risk/risk-chips';
import { EmptyState } from '../shell/empty-state';
import { formatMoney, formatTime } from '../format/format';
import {
  SCORE_BANDS,
  SORTS,
  type FacetKey,
  type ScoreBand,
  type SearchQueryState,
  type SearchSortKey,
  describeSearch,
  firstPage,
  fromUrl,
  isActive,
  sameSearch,
  savedToUrl,
  toApiParams,
  toSaved,
  toUrl,
} from './search-query';

/** How long typing must pause before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 300;
export const SEARCH_PAGE_SIZE = 20;
/** How long typing must pause before suggestions are asked for (shorter: they follow every keystroke). */
export const SUGGEST_DEBOUNCE_MS = 120;
/** Fewest characters suggestions are asked for (the API's minimum). */
export const SUGGEST_MIN_PREFIX = 2;

/** What the matched identifier is, in words. */
export const SUGGEST_KIND_TEXT: Record<SuggestKind, string> = {
  email: 'Email',
  phone: 'Phone',
  device: 'Device',
  card: 'Card',
  ip: 'IP',
  order: 'Order',
};

interface Chip {
  value: string;
  text: string;
  /** Matches over the whole search, when the API counts this facet. */
  count?: number;
  selected: boolean;
}

const REVIEW_STATES: { value: string; text: string }[] = [
  { value: 'none', text: 'Never queued' },
  { value: 'open', text: 'Open' },
  { value: 'claimed', text: 'Claimed' },
  { value: 'decided', text: 'Decided' },
];

/** Find customers by anything: name, email, phone, device, card, IP, order id; narrow by facets. */
@Component({
  selector: 'rd-search-page',
  imports: [
    CountPipe,
    RouterLink,
    MatTableModule,
    MatFormFieldModule,
    MatInputModule,
    MatIconModule,
    MatButtonModule,
    MatSelectModule,
    MatProgressBarModule,
    MatAutocompleteModule,
    RiskChip,
    EmptyState,
  ],
  templateUrl: './search-page.html',
  styleUrl: './search-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchPage {
  private readonly router = inject(Router);
  private readonly savedSearches = inject(SavedSearches);

  /** From the route: /t/:tenant/search?q=…&action=…&label=…&state=…&country=…&band=…&sort=…&after=…&page=… */
  readonly tenant = input.required<string>();
  readonly q = input<string>();
  readonly action = input<string>();
  readonly label = input<string>();
  readonly state = input<string>();
  readonly country = input<string>();
  readonly band = input<string>();
  readonly sort = input<string>();
  readonly after = input<string>();
  readonly page = input<string>();

  /**
   * The search shown; reset from the URL when it changes (back/forward, a shared link). Equal by
   * content: the URL echoing a search this page just set must not send the request again.
   */
  protected readonly query = linkedSignal<SearchQueryState>(
    () =>
      fromUrl({
        q: this.q(),
        action: this.action(),
        label: this.label(),
        state: this.state(),
        country: this.country(),
        band: this.band(),
        sort: this.sort(),
        after: this.after(),
        page: this.page(),
      }),
    { equal: sameSearch },
  );

  /** What is in the box right now; follows the search when the URL changes it. */
  protected readonly term = linkedSignal(() => this.query().q);
  /** Counts edits, so retyping the same text searches again (fresh data, e.g. while a seed runs). */
  private readonly edits = signal(0);
  /** The box once typing has paused; keeps the previous value while waiting. */
  private readonly settled = debounced(() => ({ q: this.term().trim(), edit: this.edits() }), SEARCH_DEBOUNCE_MS);

  /** The last edit whose settled text was searched (or picked from the suggestions). */
  private handledEdit = 0;

  /** Cursors of the pages visited in this visit, by page number, for "Previous". */
  private readonly trail = new Map<number, string | undefined>([[1, undefined]]);

  protected readonly results = httpResource(
    () => {
      const query = this.query();
      if (!isActive(query)) return undefined;
      return {
        url: `/api/tenants/${encodeURIComponent(this.tenant())}/customers/search`,
        params: toApiParams(query, SEARCH_PAGE_SIZE),
      };
    },
    { parse: parseAs(SearchResult) },
  );

  /** Text typed since the last pick (typeahead follows typing only, not text from the URL). */
  private readonly typed = signal('');
  private readonly prefix = debounced(() => this.typed().trim(), SUGGEST_DEBOUNCE_MS);
  protected readonly suggestResource = httpResource(
    () => {
      const prefix = this.prefix.value();
      if (prefix.length < SUGGEST_MIN_PREFIX) return undefined;
      return {
        url: `/api/tenants/${encodeURIComponent(this.tenant())}/customers/suggest`,
        params: { prefix, limit: 8 },
      };
    },
    { parse: parseAs(Suggestions) },
  );
  /** Suggestions for what is typed now; none once the box is shorter than the minimum or a pick was made. */
  protected readonly suggestions = computed((): CustomerSuggestion[] =>
    this.typed().trim().length >= SUGGEST_MIN_PREFIX && this.suggestResource.hasValue()
      ? this.suggestResource.value().suggestions
      : [],
  );
  protected readonly kindText = SUGGEST_KIND_TEXT;
  /** The box shows a picked suggestion as its value. */
  protected readonly suggestionText = (s: CustomerSuggestion | string | null) =>
    typeof s === 'string' ? s : (s?.value ?? '');

  /** The saved search this screen shows, when one has the same text, filters and sort. */
  protected readonly savedAs = computed((): SavedSearch | undefined => {
    const mine = JSON.stringify(savedToUrl(toSaved(this.query())));
    return this.savedSearches.list().find((s) => JSON.stringify(savedToUrl(s.query)) === mine);
  });
  /** The save form, open: its id is kept across retries so a resend saves once. */
  protected readonly saving = signal<{ id: string; name: string } | undefined>(undefined);
  protected readonly saveError = signal<string | undefined>(undefined);

  protected readonly active = computed(() => isActive(this.query()));
  protected readonly columns = ['name', 'country', 'score', 'label', 'lastSeen', 'orders', 'spend', 'linked'];
  protected readonly sorts = SORTS;
  protected readonly pageSize = SEARCH_PAGE_SIZE;
  protected readonly Math = Math;
  protected readonly hits = computed(() => (this.results.hasValue() ? this.results.value().hits : []));
  protected readonly error = computed(() => {
    const error = this.results.error();
    return error ? errorMessage(error) : undefined;
  });
  /** First and last position shown, counted from 1 over the whole result. */
  protected readonly range = computed(() => {
    const first = (this.query().page - 1) * SEARCH_PAGE_SIZE + 1;
    return { first, last: first + this.hits().length - 1 };
  });

  /** The chips of each facet with the API's counts: the values counted for action, label and country; every state and band. */
  protected readonly chips = computed(() => {
    const query = this.query();
    const facets = this.results.hasValue() ? this.results.value().facets : {};
    // Every state and band is offered; counted when the API counts that facet (absent: zero).
    const countOf = (key: 'state' | 'band', value: string): { count?: number } =>
      facets[key] ? { count: facets[key].find((b) => b.value === value)?.count ?? 0 } : {};
    const counted = (key: 'action' | 'label' | 'country', text: (value: string) => string): Chip[] => {
      const buckets = facets[key] ?? [];
      const chips: Chip[] = buckets.map((b) => ({
        value: b.value,
        text: text(b.value),
        count: b.count,
        selected: query[key].includes(b.value),
      }));
      // A selected value the API no longer counts stays visible, so it can be cleared.
      for (const value of query[key]) {
        if (!buckets.some((b) => b.value === value)) chips.push({ value, text: text(value), count: 0, selected: true });
      }
      return chips;
    };
    return {
      action: counted('action', (v) => v),
      label: counted('label', (v) => labelText(v as Label) ?? v),
      country: counted('country', (v) => v),
      state: REVIEW_STATES.map((s): Chip => ({
        ...s,
        ...countOf('state', s.value),
        selected: query.state.includes(s.value),
      })),
      band: (Object.keys(SCORE_BANDS) as ScoreBand[]).map((value) => ({
        value,
        text: SCORE_BANDS[value].text,
        ...countOf('band', value),
        selected: query.band === value,
      })),
    };
  });

  /** The facet groups in screen order. */
  protected readonly groups = computed((): { key: FacetKey; name: string; chips: Chip[] }[] => {
    const chips = this.chips();
    return [
      { key: 'action', name: 'Action', chips: chips.action },
      { key: 'label', name: 'Label', chips: chips.label },
      { key: 'state', name: 'Review', chips: chips.state },
      { key: 'country', name: 'Country', chips: chips.country },
    ];
  });

  constructor() {
    // Settled typing becomes the search's text (first page), kept in the URL without a history
    // entry per keystroke pause; the same text typed again reloads.
    effect(() => {
      const { q, edit } = this.settled.value();
      const typed = edit !== this.handledEdit;
      this.handledEdit = edit;
      const query = untracked(this.query);
      if (q !== query.q) this.go({ ...firstPage(query), q }, true);
      else if (typed) untracked(() => this.results.reload());
    });
  }

  protected edit(text: string): void {
    this.term.set(text);
    this.typed.set(text);
    this.edits.update((n) => n + 1);
  }

  /** A picked suggestion searches for that exact identifier at once (everyone who shares it). */
  protected pick(suggestion: CustomerSuggestion): void {
    this.typed.set('');
    // The pick is searched now; the typing pause that follows must not search it again.
    this.handledEdit = this.edits();
    this.term.set(suggestion.value);
    this.go({ ...firstPage(this.query()), q: suggestion.value });
  }

  protected startSave(): void {
    this.saveError.set(undefined);
    this.saving.set({ id: crypto.randomUUID(), name: describeSearch(this.query()) });
  }

  protected async confirmSave(name: string): Promise<void> {
    const pending = this.saving();
    const text = name.trim();
    if (!pending || !text) return;
    try {
      await this.savedSearches.save(this.tenant(), pending.id, text, toSaved(this.query()));
      this.saving.set(undefined);
      this.saveError.set(undefined);
    } catch (error) {
      this.saveError.set(errorMessage(error));
    }
  }

  protected async unsave(search: SavedSearch): Promise<void> {
    try {
      await this.savedSearches.remove(this.tenant(), search.id);
      this.saveError.set(undefined);
    } catch (error) {
      this.saveError.set(errorMessage(error));
    }
  }

  /** Customers sharing an identifier; "2,000+" when the graph's budget stopped the count. */
  protected linkedText(count: number | undefined, truncated: boolean | undefined): string {
    if (count === undefined) return '';
    return `${count.toLocaleString()}${truncated ? '+' : ''}`;
  }

  protected spendText(spend: { currency: string; minor: number }[] | undefined): string {
    return (spend ?? []).map((s) => formatMoney(s.minor, s.currency)).join(' · ');
  }

  protected toggle(facet: FacetKey, value: string): void {
    const query = this.query();
    const values = query[facet].includes(value) ? query[facet].filter((v) => v !== value) : [...query[facet], value];
    this.go({ ...firstPage(query), [facet]: values });
  }

  protected toggleBand(band: ScoreBand): void {
    const query = firstPage(this.query());
    const { band: current, ...rest } = query;
    this.go(current === band ? rest : { ...rest, band });
  }

  protected setSort(sort: SearchSortKey): void {
    this.go({ ...firstPage(this.query()), sort });
  }

  protected clearFilters(): void {
    const { q, sort } = this.query();
    this.go({ q, action: [], label: [], state: [], country: [], page: 1, ...(sort && { sort }) });
  }

  protected next(cursor: string): void {
    const page = this.query().page + 1;
    this.trail.set(page, cursor);
    this.go({ ...this.query(), after: cursor, page });
  }

  /** The page before, from this visit's trail; from a shared link deep in the results, the first page. */
  protected previous(): void {
    const query = this.query();
    const cursor = this.trail.get(query.page - 1);
    this.go(cursor ? { ...query, after: cursor, page: query.page - 1 } : firstPage(query));
  }

  protected hasFilters(): boolean {
    const query = this.query();
    return (
      query.action.length + query.label.length + query.state.length + query.country.length > 0 ||
      query.band !== undefined
    );
  }

  protected customerLink(id: string): string[] {
    return ['/t', this.tenant(), 'customers', id];
  }

  protected matchedOn(highlights: Record<string, string[]> | undefined): string {
    return highlights ? Object.keys(highlights).join(', ') : '';
  }

  protected scoreTone(action: Action | undefined): string {
    return riskTone(action);
  }

  protected readonly time = (iso: string | undefined) => formatTime(iso);

  /** Shows `next` at once and records it in the URL: a history entry unless `replace`. */
  private go(next: SearchQueryState, replace = false): void {
    this.query.set(next);
    void this.router.navigate([], { queryParams: toUrl(next), queryParamsHandling: 'merge', replaceUrl: replace });
  }
}
