import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { CustomerProfile, Network, ReviewHistory, ScoreWhy } from '@redoubt/contracts/api';
import { CustomerPage, counterName } from './customer-page';

const base = '/api/tenants/acme/customers/c-1';
const profile: CustomerProfile = {
  id: 'c-1',
  name: 'Ada Lovelace',
  email: 'ada@example.test',
  country: 'GB',
  action: 'REVIEW',
  label: 'POTENTIALLY_FRAUDULENT',
  score: 64,
  identifiers: { device: ['dev-1', 'dev-2'], ip: ['203.0.113.7'] },
  // No scores and an empty network: jsdom has no canvas for echarts or cytoscape to draw on.
  scores: [],
  counters: { orderValueGBP: 120 },
};
const lonely: Network = {
  nodes: [],
  edges: [],
  truncated: false,
  component: { customers: 1, identifiers: 3, fraudsters: 0, share: 0 },
};

const unreviewed: ReviewHistory = {
  state: {
    customerId: 'c-1',
    status: 'open',
    version: 1,
    action: 'REVIEW',
    label: null,
    assignee: null,
    claimExpiresAt: null,
    queuedAt: null,
    queueReason: null,
    updatedAt: null,
    updatedBy: null,
  },
  reviews: [],
  settings: { slaHours: 24, claimIdleMinutes: 30, undoMinutes: 10, reasons: [] },
};

/** Why this score: its own card, from GET …/why (a customer with no score events, alone). */
const nothingToExplain: ScoreWhy = {
  scores: [],
  scanned: 0,
  complete: true,
  network: {
    fraudstersWithinTwoHops: 0,
    nearby: [],
    customersWithinTwoHops: 0,
    truncated: false,
    nearestFraudsterHops: null,
    reason: 'no links to other customers',
    componentCustomers: 1,
    componentShare: 0,
  },
};

/** The pin button's watches and the network's shared-infrastructure list (none of either). */
function flushWatchTools(http: HttpTestingController) {
  http.expectOne('/api/tenants/acme/watches').flush({ watches: [] });
  http.expectOne('/api/tenants/acme/shared-infrastructure').flush({ marks: [] });
}

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(CustomerPage);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('id', 'c-1');
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

describe('CustomerPage', () => {
  it('shows the profile, identifiers by kind, then loads the network and notes for it', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(base).flush(profile);
    // Not whenStable: the network and notes requests it triggers stay pending until flushed below.
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    expect(el.querySelector('[data-testid="customer-name"]')?.textContent).toBe('Ada Lovelace');
    expect(el.textContent).toContain('Potentially fraudulent');
    expect(el.textContent).toContain('Order value');
    // 120 minor units of GBP, in the analyst's locale: £1.20, never the raw 120.
    expect(el.querySelector('[data-testid="counter-orderValueGBP"]')?.textContent?.trim()).toBe(
      new Intl.NumberFormat(undefined, { style: 'currency', currency: 'GBP' }).format(1.2),
    );
    expect([...el.querySelectorAll('[data-testid="identifier"]')].map((li) => li.textContent)).toEqual([
      'dev-1',
      'dev-2',
      '203.0.113.7',
    ]);
    expect(el.textContent).toContain('IP address');

    const network = http.expectOne((r) => r.url === `${base}/network`);
    expect(network.request.params.get('depth')).toBe('3');
    expect(network.request.params.get('maxNodes')).toBe('300');
    network.flush(lonely);
    http.expectOne(`${base}/notes`).flush({ notes: [] });
    http.expectOne(`${base}/reviews`).flush(unreviewed);
    http.expectOne(`${base}/why`).flush(nothingToExplain);
    flushWatchTools(http);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="review-status"]')?.textContent).toContain('open');
    expect(el.querySelector('[data-testid="network-canvas"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="network-stats"]')?.textContent).toContain('3');
    expect(el.querySelector('[data-testid="network-truncated"]')).toBeNull();
    expect(el.textContent).toContain('No scores recorded yet.');
    expect(el.querySelector('[data-testid="why"]')?.textContent).toContain('No score events recorded');
    http.verify();
  });

  it('loads the timeline only when the Activity tab opens', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(base).flush(profile);
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne((r) => r.url === `${base}/network`).flush(lonely);
    http.expectOne(`${base}/notes`).flush({ notes: [] });
    http.expectOne(`${base}/reviews`).flush(unreviewed);
    http.expectOne(`${base}/why`).flush(nothingToExplain);
    flushWatchTools(http);
    await fixture.whenStable();
    http.expectNone((r) => r.url === `${base}/timeline`);

    const tab = [...el.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent?.includes('Activity'));
    tab!.click();
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http
      .expectOne((r) => r.url === `${base}/timeline`)
      .flush({
        events: [
          { id: 'e-1', type: 'login', at: '2026-11-01T10:00:00Z', summary: 'Login succeeded by password', data: {} },
        ],
      });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('1 event loaded');
  });

  it('says plainly when the customer does not exist in this tenant', async () => {
    const { fixture, http, el } = setup();
    http
      .expectOne(base)
      .flush(
        { error: 'Not Found', message: 'No customer c-1', requestId: 'r-1' },
        { status: 404, statusText: 'Not Found' },
      );
    await fixture.whenStable();
    expect(el.textContent).toContain('No customer “c-1” in this tenant');
    expect(el.querySelector('[data-testid="customer-name"]')).toBeNull();
    http.verify();
  });

  it('shows the server message for other failures', async () => {
    const { fixture, http, el } = setup();
    http
      .expectOne(base)
      .flush(
        { error: 'Service Unavailable', message: 'Profile store is not reachable', requestId: 'r-2' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="customer-error"]')?.textContent).toContain(
      'Profile store is not reachable (request r-2)',
    );
  });
  it('keeps the current customer on screen while the next one loads', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(base).flush(profile);
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne((r) => r.url === `${base}/network`).flush(lonely);
    http.expectOne(`${base}/notes`).flush({ notes: [] });
    http.expectOne(`${base}/reviews`).flush(unreviewed);
    http.expectOne(`${base}/why`).flush(nothingToExplain);
    flushWatchTools(http);
    await fixture.whenStable();

    fixture.componentRef.setInput('id', 'c-2');
    TestBed.tick();
    const next = http.expectOne('/api/tenants/acme/customers/c-2');
    expect(el.querySelector('[data-testid="customer-name"]')?.textContent).toBe('Ada Lovelace');
    next.flush({ ...profile, id: 'c-2', name: 'Grace Hopper' });
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    expect(el.querySelector('[data-testid="customer-name"]')?.textContent).toBe('Grace Hopper');
  });
});

describe('counterName', () => {
  it('turns camelCase counter keys into words, keeping acronyms', () => {
    expect(counterName('orderValueGBP')).toBe('Order value');
    expect(counterName('refundValueUSDTotal')).toBe('Refund value USD total');
    expect(counterName('paymentMethods')).toBe('Payment methods');
    expect(counterName('orders')).toBe('Orders');
    expect(counterName('IPAddresses')).toBe('IP addresses');
  });
});
