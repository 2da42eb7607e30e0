import { TestBed } from '@angular/core/testing';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ClusterPreview } from '@redoubt/contracts/api';
import { appConfig } from '../app.config';
import { ClusterPanel, moneyText } from './cluster-panel';

const base = '/api/tenants/acme/clusters';
const preview: ClusterPreview = {
  label: 'FRAUDSTER',
  changes: [
    { customerId: 'c-1', from: null },
    { customerId: 'c-2', from: 'POTENTIALLY_FRAUDULENT' },
  ],
  unchanged: ['c-3'],
  genuineExcluded: ['c-4'],
  unknown: [],
  components: [{ customers: 10, fraudShareBefore: 0.1, fraudShareAfter: 0.3 }],
  orderValue: { GBP: 123456 },
};

async function setup() {
  TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(ClusterPanel);
  fixture.componentRef.setInput('tenant', 'acme');
  fixture.componentRef.setInput('customerIds', ['c-1', 'c-2', 'c-3', 'c-4']);
  let changed = 0;
  fixture.componentInstance.changed.subscribe(() => changed++);
  TestBed.tick();
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const click = async (id: string) => {
    el.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!.click();
    TestBed.tick();
  };
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  };
  return { http: TestBed.inject(HttpTestingController), el, click, settle, changed: () => changed };
}

describe('ClusterPanel', () => {
  it('previews, applies with an Idempotency-Key, and reverts the batch', async () => {
    const { http, el, click, settle, changed } = await setup();
    await click('cluster-preview');
    const p = http.expectOne({ method: 'POST', url: `${base}/preview` });
    expect(p.request.body).toEqual({
      customerIds: ['c-1', 'c-2', 'c-3', 'c-4'],
      label: 'FRAUDSTER',
      confirmGenuine: [],
    });
    p.flush(preview);
    await settle();
    const text = el.querySelector('[data-testid="cluster-preview-result"]')!.textContent!;
    expect(text).toContain('2 change to Fraudster');
    expect(text).toContain('10% →');
    expect(text).toContain('30%');
    expect(text).toContain('1234.56 GBP');
    expect(text).toContain('c-4');

    await click('cluster-apply');
    const apply = http.expectOne({ method: 'POST', url: base });
    expect(apply.request.headers.get('Idempotency-Key')).toBeTruthy();
    apply.flush({
      batchId: '0f0e0d0c-0000-4000-8000-000000000001',
      applied: ['c-1', 'c-2'],
      skipped: [],
      reverted: false,
    });
    await settle();
    expect(el.querySelector('[data-testid="cluster-applied"]')!.textContent).toContain('Labelled 2 customers');
    expect(changed()).toBe(1);

    await click('cluster-revert');
    const revert = http.expectOne({ method: 'POST', url: `${base}/0f0e0d0c-0000-4000-8000-000000000001/revert` });
    revert.flush({
      batchId: '0f0e0d0c-0000-4000-8000-000000000001',
      applied: ['c-1', 'c-2'],
      skipped: [],
      reverted: true,
    });
    await settle();
    expect(el.querySelector('[data-testid="cluster-applied"]')!.textContent).toContain(
      'Batch reverted: 2 customers restored',
    );
    expect(changed()).toBe(2);
  });

  it('writes money per currency', () => {
    expect(moneyText({ GBP: 1050, EUR: 5 })).toBe('10.50 GBP, 0.05 EUR');
    expect(moneyText({})).toBe('none');
  });
});
