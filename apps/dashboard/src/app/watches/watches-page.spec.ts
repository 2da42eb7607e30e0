import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { SharedMarkList, WatchList } from '@redoubt/contracts/watches';
import { WatchesPage, targetText } from './watches-page';

const watches: WatchList = {
  watches: [
    {
      id: 'w-1',
      target: { type: 'customer', customerId: 'ann' },
      nodeId: 'c:ann',
      note: null,
      owner: 'ada@example.com',
      createdAt: '2026-10-01T12:00:00.000Z',
      hitCount: 2,
      hits: [
        {
          id: '2',
          customerId: 'dan',
          kind: 'device',
          value: 'dev-home',
          linkedAt: '2026-10-01T12:20:00.000Z',
          at: '2026-10-01T12:20:01.000Z',
        },
      ],
    },
  ],
};
const marks: SharedMarkList = {
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
};

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(WatchesPage);
  fixture.componentRef.setInput('tenant', 'acme');
  TestBed.tick();
  return { http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

async function settle() {
  await new Promise((resolve) => setTimeout(resolve));
  TestBed.tick();
}

describe('WatchesPage', () => {
  it('says what each watch pins', () => {
    expect(targetText({ type: 'component', customerId: 'ann' })).toBe('component around ann');
    expect(targetText({ type: 'identifier', kind: 'email', value: 'm@x.test' })).toBe('email m@x.test');
  });

  it('lists the watches with the links that set them off, and the shared-infrastructure marks', async () => {
    const { http, el } = setup();
    http.expectOne('/api/tenants/acme/watches').flush(watches);
    http.expectOne('/api/tenants/acme/shared-infrastructure').flush(marks);
    await settle();
    expect(el.querySelector('[data-testid="watch-target"]')?.textContent).toContain('customer ann');
    expect(el.querySelector('[data-testid="watch-hit-count"]')?.textContent).toContain('2 new links');
    expect(el.querySelector('[data-testid="watch-hit"]')?.textContent).toContain('device dev-home');
    expect(el.querySelector('[data-testid="shared-mark"]')?.textContent).toContain('payment gateway');
  });

  it('unpins and unmarks with DELETE, then reads the lists again', async () => {
    const { http, el } = setup();
    http.expectOne('/api/tenants/acme/watches').flush(watches);
    http.expectOne('/api/tenants/acme/shared-infrastructure').flush(marks);
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="unpin"]')!.click();
    await settle();
    http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/tenants/acme/watches/w-1').flush(null);
    await settle();
    http.expectOne('/api/tenants/acme/watches').flush({ watches: [] });
    await settle();
    expect(el.querySelector('[data-testid="watches-message"]')?.textContent).toContain('Unpinned customer ann');
    el.querySelector<HTMLButtonElement>('[data-testid="unmark"]')!.click();
    await settle();
    http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/tenants/acme/shared-infrastructure/m-1').flush(null);
    await settle();
    http.expectOne('/api/tenants/acme/shared-infrastructure').flush({ marks: [] });
    await settle();
    expect(el.querySelector('[data-testid="watches-message"]')?.textContent).toContain(
      'ip 10.0.0.1 is traversed again',
    );
  });
});
