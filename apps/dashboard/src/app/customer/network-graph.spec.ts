import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { Network } from '@redoubt/contracts/api';
import { NetworkGraph } from './network-graph';

const url = '/api/tenants/acme/customers/c-1/network';
// Empty: jsdom has no canvas for cytoscape to draw on.
const lonely: Network = {
  nodes: [],
  edges: [],
  truncated: false,
  component: { customers: 1, identifiers: 0, fraudsters: 0, share: 0 },
};

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(NetworkGraph);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('customerId', 'c-1');
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

async function settle() {
  await new Promise((resolve) => setTimeout(resolve));
  TestBed.tick();
}

describe('NetworkGraph controls', () => {
  it('asks the BFF again with the depth, the identifier kinds and the date chosen', async () => {
    const { http, el } = setup();
    const first = http.expectOne((r) => r.url === url);
    expect(first.request.params.get('depth')).toBe('3');
    expect(first.request.params.has('kinds')).toBe(false);
    expect(first.request.params.has('asOf')).toBe(false);
    first.flush(lonely);
    await settle();

    const depth = el.querySelector<HTMLSelectElement>('[data-testid="network-depth"]')!;
    depth.value = '2';
    depth.dispatchEvent(new Event('change'));
    await settle();
    const second = http.expectOne((r) => r.url === url);
    expect(second.request.params.get('depth')).toBe('2');
    second.flush(lonely);
    await settle();

    el.querySelector<HTMLButtonElement>('[data-testid="kind-email"]')!.click();
    await settle();
    const third = http.expectOne((r) => r.url === url);
    expect(third.request.params.getAll('kinds')).toEqual(['phone', 'device', 'card', 'ip', 'address']);
    expect(el.querySelector('[data-testid="kind-email"]')?.getAttribute('aria-pressed')).toBe('false');
    third.flush(lonely);
    await settle();

    const slider = el.querySelector<HTMLInputElement>('[data-testid="network-as-of"]')!;
    slider.value = '30';
    slider.dispatchEvent(new Event('change'));
    await settle();
    const fourth = http.expectOne((r) => r.url === url);
    const asOf = Date.parse(fourth.request.params.get('asOf')!);
    expect(Math.abs(Date.now() - 30 * 86_400_000 - asOf)).toBeLessThan(60_000);
    fourth.flush(lonely);
    http.match('/api/tenants/acme/shared-infrastructure').forEach((r) => r.flush({ marks: [] }));
    http.verify();
  });

  it('asks for the node budget chosen, and lists what is excluded as shared infrastructure with the reason', async () => {
    const { http, el } = setup();
    const first = http.expectOne((r) => r.url === url);
    expect(first.request.params.get('maxNodes')).toBe('300');
    first.flush(lonely);
    http.expectOne('/api/tenants/acme/shared-infrastructure').flush({
      marks: [
        {
          id: 'm-1',
          kind: 'ip',
          value: '10.0.0.1',
          nodeId: 'ip:10.0.0.1',
          reason: 'payment gateway',
          by: 'lee@example.com',
          createdAt: '2026-10-01T12:00:00.000Z',
        },
      ],
    });
    await settle();
    expect(el.querySelector('[data-testid="shared-excluded"]')?.textContent).toContain('ip 10.0.0.1: payment gateway');
    const budget = el.querySelector<HTMLSelectElement>('[data-testid="network-budget"]')!;
    budget.value = '1000';
    budget.dispatchEvent(new Event('change'));
    await settle();
    expect(http.expectOne((r) => r.url === url).request.params.get('maxNodes')).toBe('1000');
  });

  it('asks for the path to the nearest fraudster and says where it leads, or why there is none', async () => {
    const { http, el } = setup();
    http.expectOne((r) => r.url === url).flush(lonely);
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="path-to-fraud"]')!.click();
    http.expectOne('/api/tenants/acme/customers/c-1/path-to-fraud').flush({
      hops: 2,
      nodes: [
        { id: 'c:c-1', type: 'customer', key: 'c-1' },
        { id: 'device:d1', type: 'identifier', key: 'd1', kind: 'device' },
        { id: 'c:c-9', type: 'customer', key: 'c-9' },
      ],
    });
    await settle();
    expect(el.querySelector('[data-testid="path-text"]')?.textContent).toContain(
      'Nearest fraudster: c-9, 2 links away',
    );

    el.querySelector<HTMLButtonElement>('[data-testid="path-to-fraud"]')!.click();
    http
      .expectOne('/api/tenants/acme/customers/c-1/path-to-fraud')
      .flush(
        { error: 'Not Found', message: 'No FRAUDSTER within 8 hops of "c-1"', requestId: 'r1' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    expect(el.querySelector('[data-testid="path-text"]')?.textContent).toContain('No FRAUDSTER within 8 hops');
  });

  it('since last review: reads the history, names the latest review, toggles off; says when there is none', async () => {
    const { http, el } = setup();
    http.expectOne((r) => r.url === url).flush(lonely);
    await settle();
    const button = el.querySelector<HTMLButtonElement>('[data-testid="since-review"]')!;
    const review = (at: string, email: string) => ({ at, reviewer: { sub: email, email } });
    button.click();
    http.expectOne('/api/tenants/acme/customers/c-1/reviews').flush({
      reviews: [review('2026-10-03T09:00:00.000Z', 'lee@x.test'), review('2026-10-05T09:00:00.000Z', 'ada@x.test')],
    });
    await settle();
    const text = () => el.querySelector('[data-testid="since-text"]')?.textContent ?? '';
    expect(text()).toContain('0 links new since the last review');
    expect(text()).toContain('ada@x.test');
    expect(button.getAttribute('aria-pressed')).toBe('true');

    button.click();
    await settle();
    expect(el.querySelector('[data-testid="since-text"]')).toBeNull();
    expect(button.getAttribute('aria-pressed')).toBe('false');

    button.click();
    http.expectOne('/api/tenants/acme/customers/c-1/reviews').flush({ reviews: [] });
    await settle();
    expect(text()).toContain('Not reviewed yet');
  });
});
