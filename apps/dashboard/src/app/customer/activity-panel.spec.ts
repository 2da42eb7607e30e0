import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { Timeline, TimelineEvent } from '@redoubt/contracts/api';
import { ActivityPanel, TIMELINE_PAGE_SIZE, eventAmount } from './activity-panel';

const url = '/api/tenants/acme/customers/c-1/timeline';

function event(n: number, type = n % 2 ? 'order' : 'login'): TimelineEvent {
  const at = new Date(Date.UTC(2026, 10, 30, 12) - n * 3_600_000).toISOString();
  return type === 'order'
    ? {
        id: `e-${n}`,
        type,
        at,
        summary: `Order o-${n} 30.46 GBP`,
        data: { type, order: { orderId: `o-${n}`, price: 3046, currency: 'GBP' } },
      }
    : { id: `e-${n}`, type, at, summary: `Login succeeded by password (${n})`, data: { type } };
}
const page = (from: number, count: number, next?: string): Timeline => ({
  events: Array.from({ length: count }, (_, i) => event(from + i)),
  ...(next && { next }),
});

async function setup() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(ActivityPanel);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('customerId', 'c-1');
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

async function settle(fixture: { whenStable(): Promise<unknown> }) {
  await new Promise((resolve) => setTimeout(resolve));
  TestBed.tick();
  await fixture.whenStable();
}

describe('ActivityPanel', () => {
  it('loads the newest page first, then the next with the before cursor, appending in order', async () => {
    const { fixture, http, el } = await setup();
    const first = http.expectOne((r) => r.url === url);
    expect(first.request.params.get('limit')).toBe(String(TIMELINE_PAGE_SIZE));
    expect(first.request.params.has('before')).toBe(false);
    first.flush(page(0, 3, 'cursor-1'));
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('3 events loaded');
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('older events not loaded yet');

    el.querySelector<HTMLButtonElement>('[data-testid="activity-more"]')!.click();
    const second = http.expectOne((r) => r.url === url);
    expect(second.request.params.get('before')).toBe('cursor-1');
    second.flush(page(3, 2));
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('5 events loaded');
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('the whole history');
    expect(el.querySelector('[data-testid="activity-more"]')).toBeNull();
    http.verify();
  });

  it('filters by type over what is loaded', async () => {
    const { fixture, http, el } = await setup();
    http.expectOne((r) => r.url === url).flush(page(0, 6));
    await settle(fixture);
    el.querySelector<HTMLButtonElement>('[data-testid="activity-type-order"]')!.click();
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-type-order"]')?.getAttribute('aria-pressed')).toBe('true');
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('3 events of the 6 loaded');
    el.querySelector<HTMLButtonElement>('[data-testid="activity-type-order"]')!.click();
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('6 events loaded');
  });

  it('says when the customer has no events, and shows the server’s error with a retry', async () => {
    const { fixture, http, el } = await setup();
    http
      .expectOne((r) => r.url === url)
      .flush(
        { error: 'Service Unavailable', message: 'profile store unavailable', requestId: 'r-1' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-error"]')?.textContent).toContain('profile store unavailable');
    el.querySelector<HTMLButtonElement>('[data-testid="activity-error"] button')!.click();
    http.expectOne((r) => r.url === url && !r.params.has('before')).flush({ events: [] });
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-empty"]')?.textContent).toContain('No events recorded');
  });

  it('starts over for another customer and drops a late answer for the previous one', async () => {
    const { fixture, http, el } = await setup();
    const late = http.expectOne((r) => r.url === url);
    fixture.componentRef.setInput('customerId', 'c-2');
    TestBed.tick();
    const other = http.expectOne('/api/tenants/acme/customers/c-2/timeline?limit=20');
    late.flush(page(0, 4));
    other.flush(page(10, 1));
    await settle(fixture);
    expect(el.querySelector('[data-testid="activity-count"]')?.textContent).toContain('1 event loaded');
  });
});

describe('eventAmount', () => {
  it('formats an order’s price and a transaction’s amount in their currency', () => {
    expect(eventAmount(event(1), 'en-GB')).toBe('£30.46');
    const transaction: TimelineEvent = {
      id: 't',
      type: 'transaction',
      at: '2026-11-01T00:00:00Z',
      summary: '',
      data: { transaction: { amount: 1500, currency: 'JPY' } },
    };
    expect(eventAmount(transaction, 'en-US')).toBe('¥1,500');
    expect(eventAmount(event(2), 'en-GB')).toBeUndefined();
  });
});
