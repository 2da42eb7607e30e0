import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { DirectoryEntry, DirectoryListing, Me } from '@redoubt/contracts/api';
import { Session } from '../session/session';
import { AccessPage } from './access-page';

const tenants = [
  { id: 'acme', name: 'Acme Payments' },
  { id: 'globex', name: 'Globex' },
];

const users: DirectoryEntry[] = [
  {
    email: 'ada.analyst@demo.redoubt.dev',
    sub: 'demo-analyst',
    kind: 'user',
    platformAdmin: false,
    grants: [
      { tenant: 'acme', role: 'merchant' },
      { tenant: 'globex', role: 'analyst' },
    ],
    disabled: false,
  },
  {
    email: 'gone@acme.test',
    sub: null,
    kind: 'user',
    platformAdmin: false,
    grants: [{ tenant: 'acme', role: 'lead' }],
    disabled: true,
  },
];

const listing: DirectoryListing = { users, tenants };

function setup(options: { tenant?: string; me?: Partial<Me> } = { tenant: 'acme' }) {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const http = TestBed.inject(HttpTestingController);
  const session = TestBed.inject(Session);
  if (options.me) {
    void session.load();
    http.expectOne('/api/me').flush({
      sub: 's',
      email: 'me@bank.test',
      platformAdmin: false,
      tenants: [],
      demo: false,
      ...options.me,
    } satisfies Me);
  }
  const fixture = TestBed.createComponent(AccessPage);
  if (options.tenant) fixture.componentRef.setInput('tenant', options.tenant);
  TestBed.tick();
  return { fixture, http, el: fixture.nativeElement as HTMLElement };
}

const usersUrl = '/api/admin/users';

/**
 * Lets a write's promise settle and the list reload it triggers start. Not whenStable(): that
 * waits for the reload, which only the test can answer.
 */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve));
  TestBed.tick();
}

function type(el: HTMLElement, testId: string, value: string, event = 'input'): void {
  const field = el.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid="${testId}"]`)!;
  field.value = value;
  field.dispatchEvent(new Event(event));
  TestBed.tick();
}

describe('AccessPage', () => {
  it('lists every user with the role held in each organisation, and the status', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush(listing);
    await fixture.whenStable();

    const rows = el.querySelectorAll('[data-testid="access-user"]');
    expect(rows.length).toBe(2);
    expect(rows[0].textContent).toContain('ada.analyst@demo.redoubt.dev');
    const grants = [...rows[0].querySelectorAll('[data-testid="access-grant"]')].map(
      (g) => `${g.querySelector('.where')?.textContent?.trim()} ${g.querySelector('.what')?.textContent?.trim()}`,
    );
    expect(grants).toEqual(['Acme Payments merchant', 'Globex analyst']);
    expect(rows[0].querySelectorAll('[data-testid="access-revoke"]').length).toBe(2);
    expect(rows[1].textContent).toContain('disabled');
    // Disabling is the platform administrator's: a tenant's administrator gets no such button.
    expect(el.querySelector('[data-testid="access-disable"]')).toBeNull();
    http.verify();
  });

  it('says so when the directory is empty', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush({ users: [], tenants });
    await fixture.whenStable();
    expect(el.textContent).toContain('No users yet');
    expect(el.querySelectorAll('[data-testid="access-user"]').length).toBe(0);
  });

  it("shows the server's message when the list cannot load", async () => {
    const { fixture, http, el } = setup();
    http
      .expectOne(usersUrl)
      .flush(
        { error: 'Forbidden', message: 'Admins only', requestId: 'req-3' },
        { status: 403, statusText: 'Forbidden' },
      );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="access-load-error"]')?.textContent).toContain('Admins only (request req-3)');
  });

  it('grants the chosen role in the chosen organisation, then reloads the list', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush(listing);
    await fixture.whenStable();
    // On /t/acme/access the form starts on acme; an administrator of several may pick another.
    expect(el.querySelector<HTMLSelectElement>('[data-testid="grant-tenant"]')!.value).toBe('acme');

    type(el, 'grant-email', '  new.lead@acme.test ');
    type(el, 'grant-role', 'lead', 'change');
    type(el, 'grant-tenant', 'globex', 'change');
    el.querySelector<HTMLButtonElement>('[data-testid="grant-submit"]')!.click();
    TestBed.tick();

    const req = http.expectOne('/api/admin/grants');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ email: 'new.lead@acme.test', tenant: 'globex', role: 'lead' });
    const granted: DirectoryEntry = {
      email: 'new.lead@acme.test',
      sub: null,
      kind: 'user',
      platformAdmin: false,
      grants: [{ tenant: 'globex', role: 'lead' }],
      disabled: false,
    };
    req.flush(granted);
    await settle();
    http.expectOne(usersUrl).flush({ users: [...users, granted], tenants });
    await fixture.whenStable();

    expect(el.querySelectorAll('[data-testid="access-user"]').length).toBe(3);
    expect(el.querySelector('[data-testid="access-done"]')?.textContent).toContain(
      'new.lead@acme.test is now lead in Globex',
    );
    expect(el.querySelector<HTMLInputElement>('[data-testid="grant-email"]')!.value).toBe('');
    http.verify();
  });

  it("shows the server's message when a grant is refused, keeping the typed email", async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush(listing);
    await fixture.whenStable();

    type(el, 'grant-email', 'x@acme.test');
    el.querySelector<HTMLButtonElement>('[data-testid="grant-submit"]')!.click();
    TestBed.tick();
    http
      .expectOne('/api/admin/grants')
      .flush(
        { error: 'Conflict', message: 'x@acme.test is a service principal', requestId: 'req-7' },
        { status: 409, statusText: 'Conflict' },
      );
    await settle();

    expect(el.querySelector('[data-testid="access-write-error"]')?.textContent).toContain(
      'x@acme.test is a service principal (request req-7)',
    );
    expect(el.querySelector<HTMLInputElement>('[data-testid="grant-email"]')!.value).toBe('x@acme.test');
    http.expectNone(usersUrl);
  });

  it("revokes one organisation's role and leaves the other", async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush(listing);
    await fixture.whenStable();

    const acmeGrant = el.querySelector('[data-testid="access-grant"][data-tenant="acme"]')!;
    acmeGrant.querySelector<HTMLButtonElement>('[data-testid="access-revoke"]')!.click();
    TestBed.tick();
    const req = http.expectOne('/api/admin/revocations');
    expect(req.request.body).toEqual({ email: 'ada.analyst@demo.redoubt.dev', tenant: 'acme' });
    const after = { ...users[0], grants: [{ tenant: 'globex', role: 'analyst' as const }] };
    req.flush(after);
    await settle();
    http.expectOne(usersUrl).flush({ users: [after, users[1]], tenants });
    await fixture.whenStable();

    expect(el.querySelector('[data-testid="access-done"]')?.textContent).toContain(
      'ada.analyst@demo.redoubt.dev is no longer merchant in Acme Payments',
    );
    const first = el.querySelector('[data-testid="access-user"]')!;
    expect(first.querySelectorAll('[data-testid="access-grant"]').length).toBe(1);
    expect(first.textContent).toContain('Globex');
  });

  it('gives the platform administrator every organisation and the disable button', async () => {
    const { fixture, http, el } = setup({ me: { email: 'root@bank.test', platformAdmin: true } });
    http.expectOne(usersUrl).flush(listing);
    await fixture.whenStable();

    const options = [...el.querySelectorAll<HTMLOptionElement>('[data-testid="grant-tenant"] option')].map(
      (o) => o.value,
    );
    expect(options).toEqual(['acme', 'globex']);
    expect(el.querySelector('[data-testid="access-scope"]')?.textContent).toContain('Platform administrator');
    const disable = el.querySelectorAll<HTMLButtonElement>('[data-testid="access-disable"]');
    expect([...disable].map((b) => b.textContent?.trim())).toEqual(['Disable', 'Enable']);
    disable[0].click();
    TestBed.tick();
    const req = http.expectOne('/api/admin/user-status');
    expect(req.request.body).toEqual({ email: 'ada.analyst@demo.redoubt.dev', disabled: true });
  });
});
