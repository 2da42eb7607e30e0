import { TestBed } from '@angular/core/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ReviewHistory, ReviewState } from '@redoubt/contracts/api';
import { appConfig } from '../app.config';
import { ReviewPanel, describeConflict } from './review-panel';

const url = '/api/tenants/acme/customers/c-1/reviews';
const state: ReviewState = {
  customerId: 'c-1',
  status: 'claimed',
  version: 3,
  action: 'REVIEW',
  label: null,
  assignee: { sub: 's-ana', email: 'ana@acme.test' },
  claimExpiresAt: null,
  queuedAt: '2026-11-20T09:00:00Z',
  queueReason: 'score 60 says REVIEW',
  updatedAt: null,
  updatedBy: null,
};
const history: ReviewHistory = {
  state,
  reviews: [],
  settings: {
    slaHours: 24,
    claimIdleMinutes: 30,
    undoMinutes: 10,
    reasons: [{ id: 'confirmed-fraud', text: 'Confirmed fraud' }],
  },
};

async function setup() {
  TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(ReviewPanel);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('customerId', 'c-1');
  const decided: ReviewState[] = [];
  fixture.componentInstance.decided.subscribe((s) => decided.push(s));
  TestBed.tick();
  const http = TestBed.inject(HttpTestingController);
  http.expectOne({ method: 'GET', url }).flush(history);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  const key = async (k: string) => {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    await fixture.whenStable();
  };
  return { fixture, http, el, settle, key, decided };
}

describe('ReviewPanel', () => {
  it('p asks for a confirmation, Enter sends PREVENT with If-Match and an Idempotency-Key', async () => {
    const { http, el, key, settle, decided } = await setup();
    await key('p');
    expect(el.querySelector('[data-testid="review-confirm"]')?.textContent).toContain('PREVENT');
    http.expectNone({ method: 'POST', url });
    await key('Enter');
    TestBed.tick();
    const req = http.expectOne({ method: 'POST', url });
    expect(req.request.body).toEqual({ action: 'PREVENT' });
    expect(req.request.headers.get('If-Match')).toBe('"3"');
    expect(req.request.headers.get('Idempotency-Key')).toBeTruthy();
    const after: ReviewState = { ...state, status: 'decided', version: 4, action: 'PREVENT' };
    req.flush({ state: after, review: {} }, { status: 201, statusText: 'Created' });
    // The history reloads after a save; whenStable waits for it, so answer it first.
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne({ method: 'GET', url }).flush({ ...history, state: after });
    await settle();
    expect(decided.map((s) => s.action)).toEqual(['PREVENT']);
  });

  it('Escape cancels a shortcut; keys typed in a field are not shortcuts', async () => {
    const { http, el, key, fixture } = await setup();
    await key('a');
    expect(el.querySelector('[data-testid="review-confirm"]')).not.toBeNull();
    await key('Escape');
    expect(el.querySelector('[data-testid="review-confirm"]')).toBeNull();
    const input = el.querySelector('input')!;
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', bubbles: true }));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="review-confirm"]')).toBeNull();
    http.expectNone({ method: 'POST', url });
  });

  it('on a 412 shows who changed what and re-applies on the new version with a new key', async () => {
    const { http, el, key, settle } = await setup();
    await key('r');
    await key('Enter');
    TestBed.tick();
    const first = http.expectOne({ method: 'POST', url });
    const now: ReviewState = {
      ...state,
      status: 'decided',
      version: 4,
      label: 'FRAUDSTER',
      updatedBy: { sub: 's-ben', email: 'ben@acme.test' },
    };
    first.flush(
      { error: 'Precondition Failed', message: 'changed', requestId: 'r', current: { state: now, lastReview: null } },
      { status: 412, statusText: 'Precondition Failed' },
    );
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    http.expectOne({ method: 'GET', url }).flush({ ...history, state: now });
    await settle();
    const banner = el.querySelector('[data-testid="review-conflict"]')!.textContent!;
    expect(banner).toContain('ben@acme.test');
    expect(banner).toContain('label none → FRAUDSTER');
    el.querySelector<HTMLButtonElement>('[data-testid="review-reapply"]')!.click();
    TestBed.tick();
    const again = http.expectOne({ method: 'POST', url });
    expect(again.request.headers.get('If-Match')).toBe('"4"');
    expect(again.request.body).toEqual({ action: 'REVIEW' });
    expect(again.request.headers.get('Idempotency-Key')).not.toBe(first.request.headers.get('Idempotency-Key'));
  });

  it('describes a conflict in words', () => {
    expect(
      describeConflict(
        { state: { ...state, version: 9, action: 'ALLOW', updatedBy: { sub: 'x', email: 'x@y' } }, lastReview: null },
        state,
      ),
    ).toBe('x@y changed this customer (version 9): decision REVIEW → ALLOW');
  });
});
