import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';
import type { SearchResult, Suggestions } from '@redoubt/contracts/api';
import { SEARCH_DEBOUNCE_MS, SUGGEST_DEBOUNCE_MS, SearchPage } from './search-page';
import { SavedSearches } from './saved-searches';

const result: SearchResult = {
  hits: [
    {
      id: 'c-1',
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      country: 'GB',
      score: 91,
      action: 'PREVENT',
      label: 'FRAUDSTER',
      lastSeen: '2026-11-01T10:00:00Z',
      highlights: { email: ['<em>ada</em>@example.test'] },
    },
    { id: 'c-2', name: 'Adam Smith', score: 12, action: 'ALLOW' },
  ],
  total: 2,
  facets: {},
  partial: false,
};

function setup(q?: string, url: Record<string, string> = {}) {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(SearchPage);
  fixture.componentRef.setInput('tenant', 'acme');
  if (q !== undefined) fixture.componentRef.setInput('q', q);
  for (const [key, value] of Object.entries(url)) fixture.componentRef.setInput(key, value);
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

const searchUrl = '/api/tenants/acme/customers/search';
const suggestUrl = '/api/tenants/acme/customers/suggest';
const savedUrl = '/api/tenants/acme/saved-searches';
/** Answers every typeahead request so far with nothing (tests about the search itself). */
const noSuggestions = (http: HttpTestingController) =>
  http.match((r) => r.url === suggestUrl).forEach((r) => r.flush({ suggestions: [] }));

describe('SearchPage', () => {
  it('renders one linked row per hit with chips', async () => {
    const { fixture, http, el } = setup('ada');
    const req = http.expectOne((r) => r.url === searchUrl);
    expect(req.request.params.get('q')).toBe('ada');
    expect(req.request.params.get('size')).toBe('20');
    req.flush(result);
    await fixture.whenStable();

    const rows = el.querySelectorAll('[data-testid="search-result"]');
    expect(rows.length).toBe(2);
    expect(rows[0].textContent).toContain('Ada Lovelace');
    expect(rows[0].textContent).toContain('PREVENT');
    expect(rows[0].textContent).toContain('Fraudster');
    expect(rows[0].textContent).toContain('matched on email');
    expect(rows[1].textContent).toContain('Adam Smith');
    expect(rows[0].querySelector('a')?.getAttribute('href')).toBe('/t/acme/customers/c-1');
    expect(el.querySelector('[data-testid="search-partial"]')).toBeNull();
    http.verify();
  });

  it('warns when enrichment was partial and says so when nothing matches', async () => {
    const { fixture, http, el } = setup('zzz');
    http.expectOne((r) => r.url === searchUrl).flush({ ...result, hits: [], total: 0, partial: true });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="search-partial"]')).not.toBeNull();
    expect(el.textContent).toContain('No customers match “zzz”');
    expect(el.querySelectorAll('[data-testid="search-result"]').length).toBe(0);
  });

  it("shows the server's error message", async () => {
    const { fixture, http, el } = setup('ada');
    http
      .expectOne((r) => r.url === searchUrl)
      .flush(
        { error: 'Bad Request', message: 'q must be at most 200 characters', requestId: 'req-9' },
        { status: 400, statusText: 'Bad Request' },
      );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="search-error"]')?.textContent).toContain(
      'q must be at most 200 characters (request req-9)',
    );
  });

  it('sends nothing until typing pauses, then one request for the settled text, kept in the URL', async () => {
    const { fixture, http, el } = setup();
    http.expectNone((r) => r.url === searchUrl);
    const input = el.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    for (const text of ['a', 'ad', 'ada']) {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      TestBed.tick();
    }
    http.expectNone((r) => r.url === searchUrl);
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS + 50));
    TestBed.tick();
    const req = http.expectOne((r) => r.url === searchUrl);
    expect(req.request.params.get('q')).toBe('ada');
    req.flush(result);
    noSuggestions(http);
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="search-result"]').length).toBe(2);
    expect(TestBed.inject(Router).url).toBe('/?q=ada');
    http.verify();
  });

  it('searches again when the same text is typed again', async () => {
    const { fixture, http, el } = setup('ada');
    http.expectOne((r) => r.url === searchUrl).flush({ ...result, hits: [], total: 0 });
    await fixture.whenStable();
    expect(el.textContent).toContain('No customers match “ada”');

    const input = el.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    for (const text of ['', 'ada']) {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      TestBed.tick();
    }
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS + 50));
    TestBed.tick();
    http.expectOne((r) => r.url === searchUrl && r.params.get('q') === 'ada').flush(result);
    noSuggestions(http);
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="search-result"]').length).toBe(2);
  });
});

const faceted: SearchResult = {
  ...result,
  total: 45,
  next: 'cursor-2',
  facets: {
    action: [
      { value: 'PREVENT', count: 12 },
      { value: 'ALLOW', count: 33 },
    ],
    label: [{ value: 'FRAUDSTER', count: 4 }],
    country: [{ value: 'GB', count: 40 }],
  },
};

describe('SearchPage filters, sort and paging', () => {
  it('shows facet chips with the API’s counts, plus review states and score bands', async () => {
    const { fixture, http, el } = setup('ada');
    http.expectOne((r) => r.url === searchUrl).flush(faceted);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="facet-action-PREVENT"]')?.textContent).toContain('12');
    expect(el.querySelector('[data-testid="facet-action-ALLOW"]')?.textContent).toContain('33');
    expect(el.querySelector('[data-testid="facet-label-FRAUDSTER"]')?.textContent).toContain('Fraudster');
    expect(el.querySelector('[data-testid="facet-country-GB"]')?.textContent).toContain('40');
    expect(el.querySelector('[data-testid="facet-state-open"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="facet-band-high"]')?.textContent).toContain('80–100');
    expect(el.querySelector('[data-testid="search-total"]')?.textContent).toContain('45 customers');
    expect(el.querySelector('[data-testid="search-total"]')?.textContent).toContain('1–2');
    expect(el.querySelector('[data-testid="search-score"]')?.className).toContain('prevent');
  });

  it('a chip filters from the first page, keeps the filter in the URL, and a second click clears it', async () => {
    const { fixture, http, el } = setup('ada', { after: 'cursor-2', page: '2' });
    http.expectOne((r) => r.url === searchUrl && r.params.get('after') === 'cursor-2').flush(faceted);
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="facet-action-PREVENT"]')!.click();
    TestBed.tick();
    const req = http.expectOne((r) => r.url === searchUrl);
    expect(req.request.params.getAll('action')).toEqual(['PREVENT']);
    expect(req.request.params.get('after')).toBeNull();
    req.flush(faceted);
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/?q=ada&action=PREVENT');
    expect(el.querySelector('[data-testid="facet-action-PREVENT"]')?.getAttribute('aria-pressed')).toBe('true');

    el.querySelector<HTMLButtonElement>('[data-testid="facet-band-high"]')!.click();
    TestBed.tick();
    const banded = http.expectOne((r) => r.url === searchUrl);
    expect(banded.request.params.get('scoreMin')).toBe('80');
    expect(banded.request.params.get('scoreMax')).toBe('100');
    banded.flush(faceted);
    await fixture.whenStable();

    el.querySelector<HTMLButtonElement>('[data-testid="facet-action-PREVENT"]')!.click();
    TestBed.tick();
    const cleared = http.expectOne((r) => r.url === searchUrl);
    expect(cleared.request.params.has('action')).toBe(false);
    cleared.flush(faceted);
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/?q=ada&band=high');
  });

  it('reads the whole search from the URL: filters, band, sort and the page cursor', async () => {
    const { fixture, http, el } = setup('ada', {
      action: 'PREVENT,REVIEW',
      state: 'open',
      country: 'GB',
      band: 'medium',
      sort: 'lastSeen',
      after: 'cursor-3',
      page: '3',
    });
    const req = http.expectOne((r) => r.url === searchUrl);
    const params = req.request.params;
    expect(params.getAll('action')).toEqual(['PREVENT', 'REVIEW']);
    expect(params.getAll('state')).toEqual(['open']);
    expect(params.getAll('country')).toEqual(['GB']);
    expect([params.get('scoreMin'), params.get('scoreMax')]).toEqual(['50', '79']);
    expect(params.get('sort')).toBe('lastSeen');
    expect(params.get('after')).toBe('cursor-3');
    req.flush({ ...faceted, next: undefined });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="search-total"]')?.textContent).toContain('41–42');
    expect(el.querySelector('[data-testid="search-page"]')?.textContent).toContain('Page 3 of 3');
    expect(el.querySelector<HTMLButtonElement>('[data-testid="search-next"]')!.disabled).toBe(true);
  });

  it('lists everyone by a filter alone, without text', async () => {
    const { fixture, http } = setup(undefined, { label: 'FRAUDSTER' });
    const req = http.expectOne((r) => r.url === searchUrl);
    expect(req.request.params.has('q')).toBe(false);
    expect(req.request.params.getAll('label')).toEqual(['FRAUDSTER']);
    req.flush(faceted);
    await fixture.whenStable();
  });

  it('pages forward with the cursor and back to the page before', async () => {
    const { fixture, http, el } = setup('ada');
    http.expectOne((r) => r.url === searchUrl).flush(faceted);
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="search-next"]')!.click();
    TestBed.tick();
    const second = http.expectOne((r) => r.url === searchUrl);
    expect(second.request.params.get('after')).toBe('cursor-2');
    second.flush({ ...faceted, next: 'cursor-3' });
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/?q=ada&after=cursor-2&page=2');
    expect(el.querySelector('[data-testid="search-total"]')?.textContent).toContain('21–22');

    el.querySelector<HTMLButtonElement>('[data-testid="search-next"]')!.click();
    TestBed.tick();
    http.expectOne((r) => r.url === searchUrl && r.params.get('after') === 'cursor-3').flush(faceted);
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="search-prev"]')!.click();
    TestBed.tick();
    http.expectOne((r) => r.url === searchUrl && r.params.get('after') === 'cursor-2').flush(faceted);
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/?q=ada&after=cursor-2&page=2');
  });

  it('suggests identifiers while typing, with their kind, and a pick searches for that identifier', async () => {
    const { fixture, http, el } = setup();
    const input = el.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    input.focus();
    for (const text of ['d', 'de', 'dev-']) {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      TestBed.tick();
    }
    http.expectNone((r) => r.url === suggestUrl);
    await new Promise((resolve) => setTimeout(resolve, SUGGEST_DEBOUNCE_MS + 30));
    TestBed.tick();
    const req = http.expectOne((r) => r.url === suggestUrl);
    expect(req.request.params.get('prefix')).toBe('dev-');
    const answer: Suggestions = {
      suggestions: [
        { kind: 'device', value: 'dev-8a1f', customerId: 'c-1', name: 'Ada Lovelace', score: 91, action: 'PREVENT' },
        { kind: 'order', value: 'dev-order-7', customerId: 'c-2', name: 'Adam Smith' },
      ],
    };
    req.flush(answer);
    await fixture.whenStable();
    const options = [...document.querySelectorAll<HTMLElement>('[data-testid="search-suggestion"]')];
    const words = (o: HTMLElement) =>
      [...o.querySelectorAll('.suggest-kind, .suggest-value, .suggest-name, .suggest-score')]
        .map((part) => part.textContent?.trim())
        .join(' ');
    expect(options.map(words)).toEqual(['Device dev-8a1f Ada Lovelace 91', 'Order dev-order-7 Adam Smith']);
    options[0].click();
    TestBed.tick();
    // The exact identifier is searched at once (no wait for typing to pause), and kept in the URL.
    const search = http.expectOne((r) => r.url === searchUrl);
    expect(search.request.params.get('q')).toBe('dev-8a1f');
    search.flush(result);
    await fixture.whenStable();
    expect(input.value).toBe('dev-8a1f');
    expect(TestBed.inject(Router).url).toBe('/?q=dev-8a1f');
    expect(document.querySelectorAll('[data-testid="search-suggestion"]').length).toBe(0);
    // The typing pause that follows asks nothing more.
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS + 50));
    TestBed.tick();
    http.expectNone((r) => r.url === searchUrl);
    noSuggestions(http);
    http.verify();
  });

  it('asks for no suggestions for text from the URL or shorter than two characters', async () => {
    const { el, http } = setup('dev-1');
    http.expectOne((r) => r.url === searchUrl).flush(result);
    const input = el.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    input.value = 'd';
    input.dispatchEvent(new Event('input'));
    await new Promise((resolve) => setTimeout(resolve, SUGGEST_DEBOUNCE_MS + 30));
    TestBed.tick();
    http.expectNone((r) => r.url === suggestUrl);
  });

  it('counts review states and score bands from the API, and shows orders, spend and linked customers', async () => {
    const { fixture, http, el } = setup('ada');
    http
      .expectOne((r) => r.url === searchUrl)
      .flush({
        ...faceted,
        hits: [
          { ...result.hits[0], orders: 1234, spend: [{ currency: 'GBP', minor: 304600 }], linkedCustomers: 3 },
          { ...result.hits[1], linkedCustomers: 1999, linkedCustomersTruncated: true },
        ],
        facets: {
          ...faceted.facets,
          state: [
            { value: 'none', count: 40 },
            { value: 'open', count: 5 },
          ],
          band: [{ value: 'high', count: 7 }],
        },
      });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="facet-state-open"]')?.textContent).toContain('5');
    expect(el.querySelector('[data-testid="facet-state-none"]')?.textContent).toContain('40');
    expect(el.querySelector('[data-testid="facet-state-claimed"] .count')?.textContent).toBe('0');
    expect(el.querySelector('[data-testid="facet-band-high"] .count')?.textContent).toBe('7');
    expect(el.querySelector('[data-testid="facet-band-low"] .count')?.textContent).toBe('0');
    const orders = el.querySelectorAll('[data-testid="search-orders"]');
    expect(orders[0].textContent?.trim()).toBe(new Intl.NumberFormat('en-US').format(1234));
    expect(orders[1].textContent?.trim()).toBe('');
    expect(el.querySelector('[data-testid="search-spend"]')?.textContent).toContain('3,046.00');
    const linked = el.querySelectorAll('[data-testid="search-linked"]');
    expect(linked[0].textContent?.trim()).toBe('3');
    // The graph's budget stopped the count: at least that many.
    expect(linked[1].textContent?.trim()).toBe(`${(1999).toLocaleString()}+`);
  });

  it('saves the search under a name, says when the screen is a saved search, and deletes it', async () => {
    const { fixture, http, el } = setup('ada', { action: 'PREVENT', band: 'high' });
    http.expectOne((r) => r.url === searchUrl).flush(result);
    const saved = TestBed.inject(SavedSearches);
    saved.tenant.set('acme');
    TestBed.tick();
    http.expectOne(savedUrl).flush({ savedSearches: [] });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="search-saved-as"]')).toBeNull();

    el.querySelector<HTMLButtonElement>('[data-testid="search-save"]')!.click();
    TestBed.tick();
    const name = el.querySelector<HTMLInputElement>('[data-testid="save-name"]')!;
    expect(name.value).toBe('“ada” · PREVENT · high score');
    name.value = 'High-risk Adas';
    el.querySelector<HTMLButtonElement>('[data-testid="save-confirm"]')!.click();
    TestBed.tick();
    const post = http.expectOne((r) => r.url === savedUrl && r.method === 'POST');
    const body = post.request.body as { id: string; name: string; query: object };
    expect(body.name).toBe('High-risk Adas');
    expect(body.query).toEqual({ q: 'ada', action: ['PREVENT'], band: 'high' });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = { ...body, createdAt: '2026-12-01T10:00:00Z' };
    post.flush(stored, { status: 201, statusText: 'Created' });
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne((r) => r.url === savedUrl && r.method === 'GET').flush({ savedSearches: [stored] });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="save-name"]')).toBeNull();
    expect(el.querySelector('[data-testid="search-saved-as"]')?.textContent).toContain('High-risk Adas');

    el.querySelector<HTMLButtonElement>('[data-testid="search-unsave"]')!.click();
    TestBed.tick();
    http
      .expectOne((r) => r.url === `${savedUrl}/${body.id}` && r.method === 'DELETE')
      .flush(null, { status: 204, statusText: 'No Content' });
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne((r) => r.url === savedUrl && r.method === 'GET').flush({ savedSearches: [] });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="search-saved-as"]')).toBeNull();
    expect(el.querySelector('[data-testid="search-save"]')).not.toBeNull();
    http.verify();
  });

  it('keeps the save form open with the server’s reason when saving fails, and resends the same id', async () => {
    const { fixture, http, el } = setup('ada');
    http.expectOne((r) => r.url === searchUrl).flush(result);
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="search-save"]')!.click();
    TestBed.tick();
    el.querySelector<HTMLButtonElement>('[data-testid="save-confirm"]')!.click();
    TestBed.tick();
    const first = http.expectOne((r) => r.url === savedUrl && r.method === 'POST');
    first.flush(
      { error: 'Service Unavailable', message: 'The reviews store is unavailable; try again shortly', requestId: 'r' },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="save-error"]')?.textContent).toContain('reviews store is unavailable');
    el.querySelector<HTMLButtonElement>('[data-testid="save-confirm"]')!.click();
    TestBed.tick();
    const second = http.expectOne((r) => r.url === savedUrl && r.method === 'POST');
    expect((second.request.body as { id: string }).id).toBe((first.request.body as { id: string }).id);
  });

  it('sorts from the first page, and sends relevance only with text', async () => {
    const { fixture, http } = setup(undefined, { country: 'GB', sort: 'relevance' });
    const req = http.expectOne((r) => r.url === searchUrl);
    expect(req.request.params.has('sort')).toBe(false);
    req.flush(faceted);
    await fixture.whenStable();
  });
});
