import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { DemoStatus } from '@redoubt/contracts/api';
import { DEMO_POLL_MS, DemoBanner } from './demo-banner';

const seeding: DemoStatus = {
  state: 'seeding',
  customersTarget: 1000,
  customersLoaded: 250,
  eventsLoaded: 4000,
  progress: 0.25,
  trickle: false,
};

function setup() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(DemoBanner);
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

describe('DemoBanner', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the seeding progress, asks again, and goes away once ready', async () => {
    const { fixture, http, el } = setup();
    http.expectOne('/api/demo/status').flush(seeding);
    await vi.advanceTimersByTimeAsync(0);
    TestBed.tick();
    expect(el.querySelector('[data-testid="demo-seeding"]')?.textContent).toContain('250 of 1,000 customers');
    expect(el.textContent).toContain('25%');

    await vi.advanceTimersByTimeAsync(DEMO_POLL_MS);
    TestBed.tick();
    http.expectOne('/api/demo/status').flush({ ...seeding, state: 'ready', customersLoaded: 1000, progress: 1 });
    await vi.advanceTimersByTimeAsync(0);
    TestBed.tick();
    expect(el.querySelector('[data-testid="demo-seeding"]')).toBeNull();

    await vi.advanceTimersByTimeAsync(DEMO_POLL_MS * 3);
    TestBed.tick();
    http.expectNone('/api/demo/status');
    fixture.destroy();
  });

  it('says nothing when the demo is off, and says so when seeding failed', async () => {
    const { http, el } = setup();
    http.expectOne('/api/demo/status').flush({ ...seeding, state: 'failed', error: 'disk full' });
    await vi.advanceTimersByTimeAsync(0);
    TestBed.tick();
    expect(el.querySelector('[data-testid="demo-failed"]')?.textContent).toContain('disk full');
    expect(el.querySelector('[data-testid="demo-seeding"]')).toBeNull();
  });
});
