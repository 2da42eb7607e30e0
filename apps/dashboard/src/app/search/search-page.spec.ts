import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';
import type { SearchResult } from '@redoubt/contracts/api';
import { SEARCH_DEBOUNCE_MS, SearchPage } from './search-page';

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

function setup(q?: string) {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(SearchPage);
  fixture.componentRef.setInput('tenant', 'acme');
  if (q !== undefined) fixture.componentRef.setInput('q', q);
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

const searchUrl = '/api/tenants/acme/customers/search';

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
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="search-result"]').length).toBe(2);
  });
});
