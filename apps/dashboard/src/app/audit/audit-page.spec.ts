import { TestBed } from '@angular/core/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import type { AuditEntry, AuditVerification } from '@redoubt/contracts/audit';
import { appConfig } from '../app.config';
import { AuditPage } from './audit-page';

const base = '/api/tenants/acme/audit';
const hash = (n: number) => n.toString(16).padStart(64, '0');
const entry = (position: number, action: string, before: unknown, after: unknown): AuditEntry => ({
  position,
  at: '2026-12-01T10:00:00.000Z',
  actor: { sub: 's1', email: 'ann@example.com', role: 'analyst' },
  action,
  outcome: 'success',
  target: { type: 'customer', id: 'c-1' },
  before,
  after,
  requestId: 'req-1',
  callerRequestId: null,
  clientIp: '10.0.0.1',
  prevHash: hash(position - 1),
  hash: hash(position),
});
const verified: AuditVerification = {
  tenant: 'acme',
  ok: true,
  checked: 42,
  head: { position: 42, hash: hash(42), at: '2026-12-01T10:05:00.000Z' },
  checkpoint: null,
  broken: null,
  verifiedAt: '2026-12-01T10:06:00.000Z',
};

async function setup(query: Record<string, string> = {}, verification: AuditVerification = verified) {
  TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(AuditPage);
  fixture.componentRef.setInput('tenant', 'acme');
  for (const [k, v] of Object.entries(query)) fixture.componentRef.setInput(k, v);
  TestBed.tick();
  const http = TestBed.inject(HttpTestingController);
  const router = TestBed.inject(Router);
  const navigations: unknown[][] = [];
  router.navigate = (commands: unknown[], extras?: unknown) => {
    navigations.push([commands, extras]);
    return Promise.resolve(true);
  };
  const list = http.expectOne((r) => r.url === base);
  list.flush({
    rows: [
      entry(42, 'review.decide', { status: 'open', label: null }, { status: 'decided', label: 'FRAUDSTER' }),
      entry(41, 'note.add', null, { body: 'called the bank' }),
    ],
    next: 'cursor-2',
  });
  http.expectOne(`${base}/verify`).flush(verification);
  await fixture.whenStable();
  return { fixture, http, list, el: fixture.nativeElement as HTMLElement, navigations };
}

describe('AuditPage', () => {
  it('reads the filters from the URL and lists rows newest first', async () => {
    const { el, list } = await setup({ actor: 'ann@example.com', outcome: 'success' });
    expect(list.request.params.get('actor')).toBe('ann@example.com');
    expect(list.request.params.get('outcome')).toBe('success');
    expect(list.request.params.has('after')).toBe(false);
    const rows = el.querySelectorAll('[data-testid="audit-row"]');
    expect(rows.length).toBe(2);
    expect(rows[0]!.textContent).toContain('review.decide');
    expect(rows[0]!.textContent).toContain('ann@example.com');
  });

  it("shows a row's before and after side by side", async () => {
    const { el, fixture } = await setup();
    el.querySelector<HTMLElement>('[data-testid="audit-row"]')!.click();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="audit-before"]')!.textContent).toContain('"status": "open"');
    expect(el.querySelector('[data-testid="audit-after"]')!.textContent).toContain('"label": "FRAUDSTER"');
  });

  it('puts filters and the next cursor in the URL', async () => {
    const { el, fixture, navigations } = await setup({ action: 'note.add' });
    const actor = el.querySelector<HTMLInputElement>('[data-testid="filter-actor"]')!;
    actor.value = 'ben@example.com';
    actor.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('[data-testid="filter-apply"]')!.click();
    await fixture.whenStable();
    expect(navigations[0]).toEqual([
      ['/t', 'acme', 'audit'],
      { queryParams: { action: 'note.add', actor: 'ben@example.com' } },
    ]);
    el.querySelector<HTMLButtonElement>('[data-testid="audit-older"]')!.click();
    expect(navigations[1]).toEqual([
      ['/t', 'acme', 'audit'],
      { queryParams: { action: 'note.add', after: 'cursor-2' } },
    ]);
  });

  it('downloads CSV and JSONL with the same filters', async () => {
    const { el } = await setup({ actor: 'ann@example.com' });
    expect(el.querySelector('[data-testid="download-csv"]')!.getAttribute('href')).toBe(
      `${base}.csv?actor=ann%40example.com`,
    );
    expect(el.querySelector('[data-testid="download-jsonl"]')!.getAttribute('href')).toBe(
      `${base}.jsonl?actor=ann%40example.com`,
    );
  });

  it('shows the chain verified up to its head', async () => {
    const { el } = await setup();
    expect(el.querySelector('[data-testid="chain-badge"]')!.textContent).toContain('Chain verified up to row 42');
  });

  it('shows a broken chain with a link to the row', async () => {
    const { el, fixture, navigations } = await setup(
      {},
      {
        ...verified,
        ok: false,
        checked: 6,
        head: { position: 6, hash: hash(6), at: '2026-12-01T10:00:00.000Z' },
        broken: { position: 7, reason: 'content', detail: "the row's content does not match its hash" },
      },
    );
    expect(el.querySelector('[data-testid="chain-badge"]')!.textContent).toContain('Chain broken at row 7');
    el.querySelector<HTMLButtonElement>('[data-testid="chain-break-link"]')!.click();
    await fixture.whenStable();
    expect(navigations[0]).toEqual([['/t', 'acme', 'audit'], { queryParams: { position: '7' } }]);
  });
});
