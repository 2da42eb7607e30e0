import { TestBed } from '@angular/core/testing';
import {
  HttpErrorResponse,
  HttpResponse,
  provideHttpClient,
  withInterceptors,
  type HttpInterceptorFn,
} from '@angular/common/http';
import { of, throwError } from 'rxjs';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter, withComponentInputBinding, withRouterConfig } from '@angular/router';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { Me } from '@redoubt/contracts/api';
import { routes } from '../app.routes';
import { Session } from '../session/session';

const analyst: Me = {
  sub: 'demo:ana',
  email: 'ana@acme.test',
  platformAdmin: false,
  tenants: [
    { id: 'acme', name: 'Acme Payments', role: 'analyst' },
    { id: 'globex', name: 'Globex', role: 'analyst' },
  ],
  demo: true,
};

/** The same person holding `role` in every tenant. */
const everywhere = (role: Me['tenants'][number]['role'], extra: Partial<Me> = {}): Me => ({
  ...analyst,
  tenants: analyst.tenants.map((t) => ({ ...t, role })),
  ...extra,
});

/** The demo sessions' seeding banner asks for the demo status: answered at once, seeding done. */
const demoReady: HttpInterceptorFn = (request, next) =>
  request.url === '/api/demo/status'
    ? of(
        new HttpResponse({
          status: 200,
          body: {
            state: 'ready',
            customersTarget: 0,
            customersLoaded: 0,
            eventsLoaded: 0,
            progress: 1,
            trickle: false,
          },
        }),
      )
    : next(request);

/** The Overview page's figures are not what the shell is about: answered at once, as unavailable. */
const overviewUnavailable: HttpInterceptorFn = (request, next) =>
  /^\/api\/tenants\/[^/]+\/overview/.test(request.url)
    ? throwError(() => new HttpErrorResponse({ status: 503, statusText: 'Service Unavailable', url: request.url }))
    : next(request);

/** Saved searches are the search screen's (search/saved-searches.ts): answered at once, none saved. */
const noSavedSearches: HttpInterceptorFn = (request, next) =>
  /^\/api\/tenants\/[^/]+\/saved-searches$/.test(request.url)
    ? of(new HttpResponse({ status: 200, body: { savedSearches: [] } }))
    : next(request);

async function signIn(me: Me | { status: number; body: object }): Promise<RouterTestingHarness> {
  TestBed.configureTestingModule({
    providers: [
      provideRouter(routes, withComponentInputBinding(), withRouterConfig({ paramsInheritanceStrategy: 'always' })),
      provideHttpClient(withInterceptors([demoReady, overviewUnavailable, noSavedSearches])),
      provideHttpClientTesting(),
    ],
  });
  const loading = TestBed.inject(Session)
    .load()
    .catch(() => undefined);
  const request = TestBed.inject(HttpTestingController).expectOne('/api/me');
  if ('status' in me) request.flush(me.body, { status: me.status, statusText: 'Unauthorized' });
  else request.flush(me);
  await loading;
  return RouterTestingHarness.create();
}

function navLabels(root: Element): string[] {
  return [...root.querySelectorAll('[data-testid^="nav-"] [matListItemTitle]')].map((a) => a.textContent?.trim() ?? '');
}

describe('Shell', () => {
  it('shows an analyst Search, Queue and Overview but not Audit, and opens the Overview', async () => {
    const harness = await signIn(analyst);
    await harness.navigateByUrl('/t/acme/search');
    expect(navLabels(harness.routeNativeElement!.ownerDocument.body)).toEqual([
      'Search',
      'Queue',
      'Watches',
      'Overview',
    ]);
    // Staff read the overview of any tenant they hold (apps/bff/src/access.ts lets them).
    await harness.navigateByUrl('/t/globex/overview');
    expect(TestBed.inject(Router).url).toBe('/t/globex/overview');
    expect(harness.routeNativeElement?.querySelector('h1')?.textContent?.trim()).toBe('Overview');
  });

  it('marks the section on screen in the navigation, whatever the query', async () => {
    const harness = await signIn(analyst);
    const body = document.body;
    const activated = () =>
      [...body.querySelectorAll('[data-testid^="nav-"].mdc-list-item--activated')].map((a) =>
        a.getAttribute('data-testid'),
      );
    await harness.navigateByUrl('/t/acme/search?q=ann&page=2');
    expect(activated()).toEqual(['nav-search']);
    await harness.navigateByUrl('/t/acme/queue');
    expect(activated()).toEqual(['nav-queue']);
  });

  it('shows a lead the audit log', async () => {
    const harness = await signIn(everywhere('lead', { demo: false }));
    await harness.navigateByUrl('/t/acme/search');
    expect(navLabels(document.body)).toEqual(['Search', 'Queue', 'Watches', 'Audit', 'Team', 'Overview']);
  });

  it('sends a merchant to Overview and offers nothing else, even when typing another URL', async () => {
    const harness = await signIn(everywhere('merchant'));
    const router = TestBed.inject(Router);
    const heading = () => harness.routeNativeElement?.querySelector('h1')?.textContent?.trim();
    await harness.navigateByUrl('/');
    expect(router.url).toBe('/t/acme/overview');
    expect(heading()).toBe('Overview');
    expect(navLabels(document.body)).toEqual(['Overview']);
    await harness.navigateByUrl('/t/acme/customers/c-1');
    expect(router.url).toBe('/t/acme/overview');
    expect(heading()).toBe('Overview');
    expect(navLabels(document.body)).toEqual(['Overview']);
  });

  it("sends a tenant's admin to Access and keeps them off the customer screens", async () => {
    const harness = await signIn(everywhere('admin'));
    const router = TestBed.inject(Router);
    await harness.navigateByUrl('/');
    expect(router.url).toBe('/t/acme/access');
    expect(navLabels(document.body)).toEqual(['Access']);
    for (const url of [
      '/t/acme/search',
      '/t/acme/queue',
      '/t/acme/audit',
      '/t/acme/team',
      '/t/acme/overview',
      '/t/acme/customers/c-1',
    ]) {
      await harness.navigateByUrl(url);
      expect(router.url).toBe('/t/acme/access');
    }
  });

  it('offers Access to nobody but admins', async () => {
    const harness = await signIn(everywhere('lead'));
    await harness.navigateByUrl('/t/acme/access');
    expect(TestBed.inject(Router).url).toBe('/t/acme/search');
    expect(navLabels(document.body)).not.toContain('Access');
  });

  it('shows the user, the tenant and the demo badge with a switch-user link', async () => {
    const harness = await signIn(analyst);
    await harness.navigateByUrl('/t/globex/search');
    await new Promise((resolve) => setTimeout(resolve));
    await harness.fixture.whenStable();
    const body = document.body;
    expect(body.querySelector('[data-testid="user-menu"]')?.textContent).toContain('ana@acme.test');
    expect(body.querySelector('[data-testid="tenant-select"]')?.textContent).toContain('Globex');
    expect(body.textContent).toContain('Demo');
    expect(body.querySelector('a[href="/demo/login"]')?.textContent).toContain('Switch user');
    expect(harness.routeNativeElement?.textContent).toContain('Search customers');
  });

  it('refuses a tenant the user has no grant for', async () => {
    const harness = await signIn(analyst);
    await harness.navigateByUrl('/t/initech/search');
    expect(document.body.textContent).toContain('No access to “initech”');
    expect(TestBed.inject(Router).url).toBe('/not-granted');
  });

  it('explains a failed sign-in with the server message', async () => {
    const harness = await signIn({
      status: 401,
      body: { error: 'Unauthorized', message: 'Missing IAP assertion', requestId: 'req-1' },
    });
    await harness.navigateByUrl('/');
    expect(document.body.querySelector('[data-testid="not-granted-error"]')?.textContent).toContain(
      'Missing IAP assertion (request req-1)',
    );
  });

  it('switches tenant on the same screen, and from a customer (ids are per tenant) to the home screen', async () => {
    const harness = await signIn(analyst);
    const router = TestBed.inject(Router);
    const pick = async (name: RegExp) => {
      const loader = TestbedHarnessEnvironment.documentRootLoader(harness.fixture);
      const select = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="tenant-select"]' }));
      await select.open();
      await select.clickOptions({ text: name });
      await harness.fixture.whenStable();
    };

    // Screens that load nothing without a query, so the test answers no request.
    await harness.navigateByUrl('/t/acme/search');
    await pick(/^Globex/);
    expect(router.url).toBe('/t/globex/search');

    await harness.navigateByUrl('/t/globex/customers/c-9');
    TestBed.inject(HttpTestingController)
      .match(() => true)
      .forEach((r) => r.flush({}, { status: 404, statusText: 'Not Found' }));
    await pick(/^Acme Payments/);
    expect(router.url).toBe('/t/acme/search');
  });

  it('uses the role held in each tenant: a merchant here and an analyst there gets each tenant its own screens', async () => {
    const mixed: Me = {
      ...analyst,
      tenants: [
        { id: 'acme', name: 'Acme Payments', role: 'merchant' },
        { id: 'globex', name: 'Globex', role: 'analyst' },
      ],
    };
    const harness = await signIn(mixed);
    const router = TestBed.inject(Router);
    await harness.navigateByUrl('/t/globex/search');
    expect(router.url).toBe('/t/globex/search');
    expect(navLabels(document.body)).toEqual(['Search', 'Queue', 'Watches', 'Overview']);
    // Acme's customers stay closed to the merchant of Acme, whatever role they hold elsewhere.
    for (const url of ['/t/acme/search', '/t/acme/customers/c-1', '/t/acme/queue']) {
      await harness.navigateByUrl(url);
      expect(router.url).toBe('/t/acme/overview');
      expect(navLabels(document.body)).toEqual(['Overview']);
    }
  });

  it("switching to a tenant where the role differs lands on that role's home", async () => {
    const harness = await signIn({
      ...analyst,
      tenants: [
        { id: 'acme', name: 'Acme Payments', role: 'analyst' },
        { id: 'globex', name: 'Globex', role: 'merchant' },
      ],
    });
    const router = TestBed.inject(Router);
    await harness.navigateByUrl('/t/acme/search');
    const loader = TestbedHarnessEnvironment.documentRootLoader(harness.fixture);
    const select = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="tenant-select"]' }));
    await select.open();
    await select.clickOptions({ text: /Globex/ });
    await harness.fixture.whenStable();
    expect(router.url).toBe('/t/globex/overview');
  });

  it("sends the platform administrator (no tenant role) to every tenant's Access, and to no tenant screen", async () => {
    const harness = await signIn({ ...analyst, platformAdmin: true, tenants: [] });
    const router = TestBed.inject(Router);
    await harness.navigateByUrl('/');
    expect(router.url).toBe('/admin/access');
    expect(navLabels(document.body)).toEqual(['Access']);
    await harness.navigateByUrl('/t/acme/search');
    expect(router.url).toBe('/not-granted');
  });

  it("keeps everyone else off the platform administrator's screen", async () => {
    const harness = await signIn(everywhere('admin'));
    await harness.navigateByUrl('/admin/access');
    expect(TestBed.inject(Router).url).toBe('/t/acme/access');
  });

  it('keyboard: / focuses the box, not while typing, ? lists the shortcuts, g q and g s go to the queue and search', async () => {
    const harness = await signIn(analyst);
    const router = TestBed.inject(Router);
    await harness.navigateByUrl('/t/acme/search');
    const press = (key: string, target: EventTarget = document.body) =>
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    // The queue screen's requests stay pending here, so wait for the URL rather than for stability.
    const until = async (url: string) => {
      for (let i = 0; i < 50 && router.url !== url; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      return router.url;
    };
    const box = document.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    press('/');
    expect(document.activeElement).toBe(box);
    // Typing in the box is text, not shortcuts.
    press('g', box);
    press('q', box);
    expect(await until('/t/acme/queue')).toBe('/t/acme/search');
    box.blur();
    press('?');
    await harness.fixture.whenStable();
    expect(document.querySelector('[data-testid="shortcuts-list"]')?.textContent).toContain('Go to the queue');
    press('g');
    press('q');
    expect(await until('/t/acme/queue')).toBe('/t/acme/queue');
    press('g');
    press('s');
    expect(await until('/t/acme/search')).toBe('/t/acme/search');
  });
});
