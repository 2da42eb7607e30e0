import { TestBed } from '@angular/core/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import type { QueueItem } from '@redoubt/contracts/api';
import { appConfig } from '../app.config';
import { QueuePage, ageText } from './queue-page';

const base = '/api/tenants/acme/queue';
const item = (id: string, sla: QueueItem['sla'], reason: string): QueueItem => ({
  customerId: id,
  name: `Name ${id}`,
  status: 'open',
  version: 1,
  score: 70,
  action: 'REVIEW',
  label: null,
  queuedAt: '2026-11-20T09:00:00Z',
  ageMinutes: 200,
  sla,
  slaDueAt: '2026-11-21T09:00:00Z',
  assignee: null,
  claimExpiresAt: null,
  why: 'score 70 says REVIEW',
  risk: { hops: 2, componentShare: 0.5, componentCustomers: 4, rank: 0.6, reason },
});

async function setup() {
  TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(QueuePage);
  fixture.componentRef.setInput('tenant', 'acme');
  TestBed.tick();
  const http = TestBed.inject(HttpTestingController);
  const router = TestBed.inject(Router);
  const navigations: unknown[][] = [];
  router.navigate = (commands: unknown[], extras?: unknown) => {
    navigations.push([commands, extras]);
    return Promise.resolve(true);
  };
  const first = http.expectOne((r) => r.url === base);
  expect(first.request.params.get('sort')).toBe('risk');
  first.flush({
    items: [
      item('c-1', 'breached', '2 hops from a FRAUDSTER (c-9) through device d-91'),
      item('c-2', 'ok', 'no links'),
    ],
    total: 2,
    slaHours: 24,
  });
  await fixture.whenStable();
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  return { fixture, http, el: fixture.nativeElement as HTMLElement, navigations, settle };
}

describe('QueuePage', () => {
  it('lists items by network risk with the reason in words and SLA colouring', async () => {
    const { el } = await setup();
    const rows = el.querySelectorAll('[data-testid="queue-item"]');
    expect(rows.length).toBe(2);
    expect(rows[0]!.className).toContain('sla-breached');
    expect(rows[0]!.textContent).toContain('past SLA');
    expect(rows[0]!.querySelector('[data-testid="queue-risk"]')!.textContent).toContain('through device d-91');
    expect(rows[1]!.className).toContain('sla-ok');
  });

  it('claims an item and opens it with the queue sort, so the next item follows the decision', async () => {
    const { el, http, navigations, settle } = await setup();
    el.querySelector<HTMLButtonElement>('[data-testid="queue-claim"]')!.click();
    TestBed.tick();
    http.expectOne({ method: 'POST', url: `${base}/c-1/claim` }).flush({});
    await settle();
    expect(navigations).toEqual([[['/t', 'acme', 'customers', 'c-1'], { queryParams: { queue: 'risk' } }]]);
  });

  it('next claims by the current sort and says when nothing is left', async () => {
    const { el, http, settle } = await setup();
    el.querySelector<HTMLButtonElement>('[data-testid="queue-next"]')!.click();
    TestBed.tick();
    const next = http.expectOne({ method: 'POST', url: `${base}/next` });
    expect(next.request.body).toEqual({ sort: 'risk' });
    next.flush({ item: null });
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne((r) => r.url === base).flush({ items: [], total: 0, slaHours: 24 });
    await settle();
    expect(el.textContent).toContain('Nothing left to claim.');
  });

  it('writes ages for people', () => {
    expect(ageText(5)).toBe('5 min');
    expect(ageText(200)).toBe('3 h 20 min');
    expect(ageText(60 * 50)).toBe('2 d 2 h');
  });
});
