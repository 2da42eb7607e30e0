import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { Watch, WatchList } from '@redoubt/contracts/watches';
import { PinButton } from './pin-button';

const url = '/api/tenants/acme/watches';
const watch = (type: 'customer' | 'component', id = 'w-1'): Watch => ({
  id,
  target: { type, customerId: 'c-1' },
  nodeId: 'c:c-1',
  note: null,
  owner: 'ada@example.com',
  createdAt: '2026-10-01T12:00:00.000Z',
  hitCount: 0,
  hits: [],
});

function setup() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(PinButton);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('customerId', 'c-1');
  TestBed.tick();
  return { http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

async function settle() {
  await new Promise((resolve) => setTimeout(resolve));
  TestBed.tick();
}

describe('PinButton', () => {
  it('pins the customer with POST …/watches, then shows it pinned', async () => {
    const { http, el } = setup();
    http.expectOne(url).flush({ watches: [] } satisfies WatchList);
    await settle();
    const pin = el.querySelector<HTMLButtonElement>('[data-testid="pin-customer"]')!;
    expect(pin.getAttribute('aria-pressed')).toBe('false');
    pin.click();
    await settle();
    const post = http.expectOne((r) => r.method === 'POST' && r.url === url);
    expect(post.request.body).toEqual({ target: { type: 'customer', customerId: 'c-1' } });
    post.flush(watch('customer'), { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne((r) => r.method === 'GET' && r.url === url).flush({ watches: [watch('customer')] });
    await settle();
    expect(el.querySelector('[data-testid="pin-customer"]')?.getAttribute('aria-pressed')).toBe('true');
    expect(el.querySelector('[data-testid="pin-component"]')?.getAttribute('aria-pressed')).toBe('false');
    expect(el.querySelector('[data-testid="pin-message"]')?.textContent).toContain('new links into this customer');
  });

  it('unpins a pinned component with DELETE of that watch', async () => {
    const { http, el } = setup();
    http.expectOne(url).flush({ watches: [watch('component', 'w-9')] });
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="pin-component"]')!.click();
    await settle();
    http
      .expectOne((r) => r.method === 'DELETE' && r.url === `${url}/w-9`)
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    http.expectOne((r) => r.method === 'GET' && r.url === url).flush({ watches: [] });
    await settle();
    expect(el.querySelector('[data-testid="pin-component"]')?.getAttribute('aria-pressed')).toBe('false');
  });
});
