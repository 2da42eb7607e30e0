import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import { AccessPage } from './access-page';
import type { DirectoryUser } from './access-page';

const users: DirectoryUser[] = [
  {
    email: 'ada.analyst@demo.redoubt.dev',
    sub: 'demo-analyst',
    kind: 'user',
    role: 'analyst',
    tenants: ['acme', 'globex'],
    disabled: false,
  },
  { email: 'gone@acme.test', sub: null, kind: 'user', role: 'lead', tenants: [], disabled: true },
];

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(AccessPage);
  fixture.componentRef.setInput('tenant', 'acme');
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
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
  it('lists every user with role, tenants and status', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush({ users });
    await fixture.whenStable();

    const rows = el.querySelectorAll('[data-testid="access-user"]');
    expect(rows.length).toBe(2);
    expect(rows[0].textContent).toContain('ada.analyst@demo.redoubt.dev');
    expect(rows[0].textContent).toContain('analyst');
    expect(rows[0].textContent).toContain('acme, globex');
    expect(rows[0].querySelector('[data-testid="access-revoke"]')).not.toBeNull();
    expect(rows[1].textContent).toContain('revoked');
    expect(rows[1].querySelector('[data-testid="access-revoke"]')).toBeNull();
    http.verify();
  });

  it('says so when the directory is empty', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush({ users: [] });
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

  it('grants the chosen role on this tenant, then reloads the list', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush({ users });
    await fixture.whenStable();

    type(el, 'grant-email', '  new.lead@acme.test ');
    type(el, 'grant-role', 'lead', 'change');
    el.querySelector<HTMLButtonElement>('[data-testid="grant-submit"]')!.click();
    TestBed.tick();

    const req = http.expectOne('/api/admin/grants');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ email: 'new.lead@acme.test', role: 'lead', tenant: 'acme' });
    const granted: DirectoryUser = {
      email: 'new.lead@acme.test',
      sub: null,
      kind: 'user',
      role: 'lead',
      tenants: ['acme'],
      disabled: false,
    };
    req.flush(granted);
    await settle();
    http.expectOne(usersUrl).flush({ users: [...users, granted] });
    await fixture.whenStable();

    expect(el.querySelectorAll('[data-testid="access-user"]').length).toBe(3);
    expect(el.querySelector('[data-testid="access-done"]')?.textContent).toContain('new.lead@acme.test is now lead');
    expect(el.querySelector<HTMLInputElement>('[data-testid="grant-email"]')!.value).toBe('');
    http.verify();
  });

  it("shows the server's message when a grant is refused, keeping the typed email", async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush({ users });
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

  it("revokes a user's grant on this tenant", async () => {
    const { fixture, http, el } = setup();
    http.expectOne(usersUrl).flush({ users });
    await fixture.whenStable();

    el.querySelector<HTMLButtonElement>('[data-testid="access-revoke"]')!.click();
    TestBed.tick();
    const req = http.expectOne('/api/admin/revocations');
    expect(req.request.body).toEqual({ email: 'ada.analyst@demo.redoubt.dev', tenant: 'acme' });
    req.flush({ ...users[0], tenants: ['globex'] });
    await settle();
    http.expectOne(usersUrl).flush({ users: [{ ...users[0], tenants: ['globex'] }, users[1]] });
    await fixture.whenStable();

    expect(el.querySelector('[data-testid="access-user"]')?.textContent).not.toContain('acme,');
    expect(el.querySelectorAll('[data-testid="access-revoke"]').length).toBe(0);
  });
});
