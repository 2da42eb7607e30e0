import { TestBed } from '@angular/core/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ReviewSettings } from '@redoubt/contracts/api';
import { appConfig } from '../app.config';
import { ReviewSettingsPanel, reasonId } from './review-settings';

const url = '/api/tenants/acme/review-settings';
const settings: ReviewSettings = {
  slaHours: 24,
  claimIdleMinutes: 30,
  undoMinutes: 10,
  reasons: [
    { id: 'confirmed-fraud', text: 'Confirmed fraud' },
    { id: 'other', text: 'Other' },
  ],
};

async function setup() {
  TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(ReviewSettingsPanel);
  fixture.componentRef.setInput('tenant', 'acme');
  TestBed.tick();
  const http = TestBed.inject(HttpTestingController);
  http.expectOne({ method: 'GET', url }).flush({ settings, version: 3 });
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  await settle();
  const el = fixture.nativeElement as HTMLElement;
  const texts = () => [...el.querySelectorAll<HTMLInputElement>('[data-testid="settings-reason-text"]')];
  const type = (input: HTMLInputElement, value: string) => {
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };
  const click = (testid: string, index = 0) =>
    el.querySelectorAll<HTMLButtonElement>(`[data-testid="${testid}"]`)[index]!.click();
  return { fixture, http, el, texts, type, click, settle };
}

describe('ReviewSettingsPanel', () => {
  it('derives an id for a new reason from its text', () => {
    expect(reasonId('Money mule!')).toBe('money-mule');
    expect(reasonId('  Café  owner ')).toBe('cafe-owner');
  });

  it('shows the reasons; a lead edits, adds and removes, and saves with If-Match and an Idempotency-Key', async () => {
    const { el, http, texts, type, click, settle } = await setup();
    expect(texts().map((i) => i.value)).toEqual(['Confirmed fraud', 'Other']);

    type(texts()[0]!, 'Confirmed fraud (chargeback)');
    click('settings-remove', 1);
    await settle();
    click('settings-add');
    await settle();
    type(texts()[1]!, 'Money mule');
    await settle();
    click('settings-save');
    await settle();

    const put = http.expectOne({ method: 'PUT', url });
    expect(put.request.headers.get('If-Match')).toBe('"3"');
    expect(put.request.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(put.request.body).toEqual({
      ...settings,
      reasons: [
        { id: 'confirmed-fraud', text: 'Confirmed fraud (chargeback)' },
        { id: 'money-mule', text: 'Money mule' },
      ],
    });
    put.flush({ settings: put.request.body, version: 4 });
    await settle();
    expect(el.querySelector('[data-testid="settings-saved"]')!.textContent).toContain('version 4');
  });

  it('on a 412 shows that someone else changed them and loads their list to edit again', async () => {
    const { el, http, texts, type, click, settle } = await setup();
    type(texts()[1]!, 'Something else');
    click('settings-save');
    await settle();
    const theirs: ReviewSettings = { ...settings, reasons: [{ id: 'account-takeover', text: 'Account takeover' }] };
    http
      .expectOne({ method: 'PUT', url })
      .flush(
        { error: 'VERSION_MISMATCH', message: 'changed', requestId: 'r1', current: { settings: theirs, version: 5 } },
        { status: 412, statusText: 'Precondition Failed' },
      );
    await settle();
    expect(el.querySelector('[data-testid="settings-conflict"]')!.textContent).toContain('version 5');
    expect(texts().map((i) => i.value)).toEqual(['Account takeover']);

    click('settings-save');
    await settle();
    expect(http.expectOne({ method: 'PUT', url }).request.headers.get('If-Match')).toBe('"5"');
  });
});
