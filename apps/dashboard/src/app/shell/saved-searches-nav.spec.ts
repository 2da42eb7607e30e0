import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';
import type { SavedSearchList } from '@redoubt/contracts/api';
import { SavedSearchesNav } from './saved-searches-nav';

@Component({ template: '' })
class Blank {}

const list: SavedSearchList = {
  savedSearches: [
    {
      id: '6f1c2b0e-55a1-4f7e-9c53-1f0a6a0f6a01',
      name: 'High-risk GB devices',
      query: { q: 'dev-', action: ['PREVENT', 'REVIEW'], country: ['GB'], band: 'high', sort: 'score' },
      createdAt: '2026-12-01T10:00:00Z',
    },
    {
      id: '6f1c2b0e-55a1-4f7e-9c53-1f0a6a0f6a02',
      name: 'Open reviews',
      query: { state: ['open'] },
      createdAt: '2026-11-30T10:00:00Z',
    },
  ],
};

function setup(tenant: string) {
  TestBed.configureTestingModule({
    providers: [
      provideRouter([{ path: 't/:tenant/search', component: Blank }]),
      provideHttpClient(),
      provideHttpClientTesting(),
    ],
  });
  const fixture = TestBed.createComponent(SavedSearchesNav);
  fixture.componentRef.setInput('tenant', tenant);
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

describe('SavedSearchesNav', () => {
  it("lists the tenant's saved searches, each opening the search screen as saved", async () => {
    const { fixture, http, el } = setup('acme');
    http.expectOne('/api/tenants/acme/saved-searches').flush(list);
    await fixture.whenStable();
    const links = [...el.querySelectorAll<HTMLAnchorElement>('[data-testid="saved-search"]')];
    expect(links.map((a) => a.querySelector('[matListItemTitle]')?.textContent?.trim())).toEqual([
      'High-risk GB devices',
      'Open reviews',
    ]);
    expect(links[0].getAttribute('href')).toBe(
      '/t/acme/search?q=dev-&action=PREVENT,REVIEW&country=GB&band=high&sort=score',
    );
    expect(links[1].getAttribute('href')).toBe('/t/acme/search?state=open');
    expect(el.querySelector('h2')?.textContent).toContain('Saved searches');

    links[1].click();
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/t/acme/search?state=open');
    http.verify();
  });

  it('shows nothing while there are none, and follows the tenant', async () => {
    const { fixture, http, el } = setup('acme');
    http.expectOne('/api/tenants/acme/saved-searches').flush({ savedSearches: [] });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="saved-searches"]')).toBeNull();
    fixture.componentRef.setInput('tenant', 'globex');
    TestBed.tick();
    http.expectOne('/api/tenants/globex/saved-searches').flush(list);
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="saved-search"]').length).toBe(2);
  });
});
