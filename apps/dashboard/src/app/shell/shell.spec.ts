import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
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
  role: 'analyst',
  tenants: [
    { id: 'acme', name: 'Acme Payments' },
    { id: 'globex', name: 'Globex' },
  ],
  demo: true,
};

async function signIn(me: Me | { status: number; body: object }): Promise<RouterTestingHarness> {
  TestBed.configureTestingModule({
    providers: [
      provideRouter(routes, withComponentInputBinding(), withRouterConfig({ paramsInheritanceStrategy: 'always' })),
      provideHttpClient(),
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
  it('shows an analyst Search and Queue but not Audit', async () => {
    const harness = await signIn(analyst);
    await harness.navigateByUrl('/t/acme/search');
    expect(navLabels(harness.routeNativeElement!.ownerDocument.body)).toEqual(['Search', 'Queue']);
  });

  it('shows a lead the audit log', async () => {
    const harness = await signIn({ ...analyst, role: 'lead', demo: false });
    await harness.navigateByUrl('/t/acme/search');
    expect(navLabels(document.body)).toEqual(['Search', 'Queue', 'Audit', 'Overview']);
  });

  it('sends a merchant to Overview and offers nothing else, even when typing another URL', async () => {
    const harness = await signIn({ ...analyst, role: 'merchant' });
    await harness.navigateByUrl('/');
    expect(harness.routeNativeElement?.textContent).toContain('Overview: no figures');
    expect(navLabels(document.body)).toEqual(['Overview']);
    await harness.navigateByUrl('/t/acme/customers/c-1');
    expect(harness.routeNativeElement?.textContent).toContain('Overview: no figures');
    expect(navLabels(document.body)).toEqual(['Overview']);
  });

  it('sends an admin to Access and keeps them off the customer screens', async () => {
    const harness = await signIn({ ...analyst, role: 'admin' });
    const router = TestBed.inject(Router);
    await harness.navigateByUrl('/');
    expect(router.url).toBe('/t/acme/access');
    expect(navLabels(document.body)).toEqual(['Access']);
    for (const url of [
      '/t/acme/search',
      '/t/acme/queue',
      '/t/acme/audit',
      '/t/acme/overview',
      '/t/acme/customers/c-1',
    ]) {
      await harness.navigateByUrl(url);
      expect(router.url).toBe('/t/acme/access');
    }
  });

  it('offers Access to nobody but admins', async () => {
    const harness = await signIn({ ...analyst, role: 'lead' });
    await harness.navigateByUrl('/t/acme/access');
    expect(TestBed.inject(Router).url).toBe('/t/acme/search');
    expect(navLabels(document.body)).not.toContain('Access');
  });

  it('shows the user, the tenant and the demo badge with a switch-user link', async () => {
    const harness = await signIn(analyst);
    await harness.navigateByUrl('/t/globex/queue');
    await new Promise((resolve) => setTimeout(resolve));
    await harness.fixture.whenStable();
    const body = document.body;
    expect(body.querySelector('[data-testid="user-menu"]')?.textContent).toContain('ana@acme.test');
    expect(body.querySelector('[data-testid="tenant-select"]')?.textContent).toContain('Globex');
    expect(body.textContent).toContain('Demo');
    expect(body.querySelector('a[href="/demo/login"]')?.textContent).toContain('Switch user');
    expect(harness.routeNativeElement?.textContent).toContain('Queue: no reviews assigned yet');
  });

  it('refuses a tenant the user has no grant for', async () => {
    const harness = await signIn(analyst);
    await harness.navigateByUrl('/t/initech/search');
    expect(document.body.textContent).toContain('No access to “initech”');
    expect(TestBed.inject(Router).url).toBe('/no-access');
  });

  it('explains a failed sign-in with the server message', async () => {
    const harness = await signIn({
      status: 401,
      body: { error: 'Unauthorized', message: 'Missing IAP assertion', requestId: 'req-1' },
    });
    await harness.navigateByUrl('/');
    expect(document.body.querySelector('[data-testid="access-error"]')?.textContent).toContain(
      'Missing IAP assertion (request req-1)',
    );
  });

  it('switches tenant on the same screen, and from a customer (ids are per tenant) to the home screen', async () => {
    const harness = await signIn(analyst);
    const router = TestBed.inject(Router);
    const pick = async (name: string) => {
      const loader = TestbedHarnessEnvironment.documentRootLoader(harness.fixture);
      const select = await loader.getHarness(MatSelectHarness.with({ selector: '[data-testid="tenant-select"]' }));
      await select.open();
      await select.clickOptions({ text: name });
      await harness.fixture.whenStable();
    };

    await harness.navigateByUrl('/t/acme/queue');
    await pick('Globex');
    expect(router.url).toBe('/t/globex/queue');

    await harness.navigateByUrl('/t/globex/customers/c-9');
    TestBed.inject(HttpTestingController)
      .match(() => true)
      .forEach((r) => r.flush({}, { status: 404, statusText: 'Not Found' }));
    await pick('Acme Payments');
    expect(router.url).toBe('/t/acme/search');
  });
});
