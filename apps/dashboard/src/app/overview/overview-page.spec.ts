import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { Overview, OverviewFigures } from '@redoubt/contracts/overview';
import { OverviewPage } from './overview-page';
import { chartSummary, countChange, decisionChart, kpis, rangeOf, rateChange, volumeChart } from './overview-figures';
import { DARK } from '../shell/theme-colours.testing';

function figures(over: Partial<OverviewFigures> = {}): OverviewFigures {
  return {
    orders: 0,
    orderValue: 0,
    transactions: 0,
    transactionValue: 0,
    decisions: { ALLOW: 0, REVIEW: 0, PREVENT: 0 },
    rates: { ALLOW: null, REVIEW: null, PREVENT: null },
    preventedValue: 0,
    fraudstersFound: 0,
    genuine: 0,
    fraudRate: null,
    chargebacks: 0,
    chargebackValue: 0,
    ...over,
  };
}

const overview: Overview = {
  tenant: 'acme-shop',
  from: '2026-11-02T00:00:00.000Z',
  to: '2026-11-04T00:00:00.000Z',
  interval: 'day',
  tz: 'UTC',
  series: {
    start: ['2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z'],
    local: ['2026-11-02T00:00+00:00', '2026-11-03T00:00+00:00'],
    orders: [3, 1],
    orderValue: [7000, 2000],
    transactions: [2, 0],
    transactionValue: [5000, 0],
    decisions: { ALLOW: [2, 1], REVIEW: [0, 0], PREVENT: [1, 0] },
    rates: { ALLOW: [2 / 3, 1], REVIEW: [0, 0], PREVENT: [1 / 3, 0] },
    preventedValue: [12345, 0],
    fraudstersFound: [0, 0],
    genuine: [0, 0],
    fraudRate: [null, null],
    chargebacks: [1, 0],
    chargebackValue: [900, 0],
  },
  totals: figures({
    orders: 4,
    transactions: 2,
    decisions: { ALLOW: 3, REVIEW: 0, PREVENT: 1 },
    rates: { ALLOW: 0.75, REVIEW: 0, PREVENT: 0.25 },
    preventedValue: 12345,
    chargebacks: 1,
  }),
  previous: {
    from: '2026-10-31T00:00:00.000Z',
    to: '2026-11-02T00:00:00.000Z',
    totals: figures({
      orders: 2,
      decisions: { ALLOW: 2, REVIEW: 0, PREVENT: 0 },
      rates: { ALLOW: 1, REVIEW: 0, PREVENT: 0 },
    }),
  },
  byPaymentMethod: [
    { key: 'card', transactions: 2, transactionValue: 5000, orders: 0, orderValue: 0, prevented: 0, chargebacks: 1 },
  ],
  byCountry: [
    { key: 'GB', transactions: 2, transactionValue: 5000, orders: 4, orderValue: 9000, prevented: 1, chargebacks: 0 },
  ],
  preventReasons: [{ reason: 'shared_card', count: 1 }],
  riskiest: {
    byScore: [
      { customerId: 'c-9', score: 97, action: 'PREVENT', label: null, hops: 2, networkShare: 0.5, networkRisk: 0.6 },
    ],
    byNetwork: [],
  },
};

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(OverviewPage);
  fixture.componentRef.setInput('tenant', 'acme-shop');
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

const url = '/api/tenants/acme-shop/overview';

describe('OverviewPage', () => {
  it('asks for the last 7 days by day and shows KPI cards with the change vs the previous period', async () => {
    const { fixture, http, el } = setup();
    const req = http.expectOne((r) => r.url === url);
    expect(req.request.params.get('interval')).toBe('day');
    expect(req.request.params.get('tz')).toBeTruthy();
    const days = (Date.parse(req.request.params.get('to')!) - Date.parse(req.request.params.get('from')!)) / 86_400_000;
    expect(days).toBeGreaterThan(6);
    expect(days).toBeLessThanOrEqual(8);
    req.flush(overview);
    await fixture.whenStable();

    const orders = el.querySelector('[data-testid="kpi-orders"]')!;
    expect(orders.textContent).toContain('4');
    expect(orders.textContent).toContain('+100% vs previous period');
    expect(el.querySelector('[data-testid="kpi-prevent"]')!.textContent).toContain('25.0%');
    expect(el.querySelector('[data-testid="kpi-prevent"]')!.textContent).toContain('+25.0 pts');
    expect(el.querySelector('[data-testid="kpi-prevented"]')!.textContent).toContain('123.45');
    expect(el.querySelector('[data-testid="overview-volume-chart"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="overview-by-country"]')!.textContent).toContain('GB');
    expect(el.querySelector('[data-testid="overview-reasons"]')!.textContent).toContain('shared_card');
    expect(el.querySelector('[data-testid="overview-riskiest-score"]')!.textContent).toContain('c-9');
    const csv = el.querySelector<HTMLAnchorElement>('[data-testid="overview-csv"]')!;
    expect(csv.getAttribute('href')).toMatch(/^\/api\/tenants\/acme-shop\/overview\.csv\?from=.*&interval=day/);
    // Read-only: no analyst control (no review, label or queue buttons, no links to customers).
    expect(el.querySelector('a[href*="/customers/"]')).toBeNull();
    expect(el.textContent).not.toMatch(/Claim|Label as|Decide/);
    http.verify();
  });

  it('says so when the server answers the old per-bucket series instead of the columnar one', async () => {
    const { fixture, http, el } = setup();
    const perBucket = overview.series.start.map((start, i) => ({
      start,
      local: overview.series.local[i],
      figures: {},
    }));
    http.expectOne((r) => r.url === url).flush({ ...overview, series: perBucket });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="overview-error"]')!.textContent).toContain('not in the expected shape');
    expect(el.querySelector('[data-testid="overview-kpis"]')).toBeNull();
    http.verify();
  });

  it('asks again with the hourly interval when 24 h is chosen, and shows the server error', async () => {
    const { fixture, http, el } = setup();
    http.expectOne((r) => r.url === url).flush(overview);
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="range-24h"] button')!.click();
    TestBed.tick();
    const req = http.expectOne((r) => r.url === url);
    expect(req.request.params.get('interval')).toBe('hour');
    req.flush(
      { error: 'Bad Request', message: '/querystring/to is too far', requestId: 'r-1' },
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="overview-error"]')!.textContent).toContain('/querystring/to is too far');
    http.verify();
  });
});

describe('overview charts', () => {
  it('plot the columnar series as it comes: labels from the local starts, one array per figure', () => {
    const volume = volumeChart(overview);
    expect(volume.xAxis.data).toEqual(['2026-11-02', '2026-11-03']);
    expect(volume.series.map((s) => [s.name, s.data])).toEqual([
      ['Orders', [3, 1]],
      ['Transactions', [2, 0]],
    ]);
    const decisions = decisionChart({ ...overview, interval: 'hour' });
    expect(decisions.xAxis.data).toEqual(['11-02 00:00', '11-03 00:00']);
    expect(decisions.series.map((s) => s.data)).toEqual([
      [2, 1],
      [0, 0],
      [1, 0],
    ]);
    expect(chartSummary(overview)).toMatch(/^2 day buckets: 4 orders, 2 transactions/);
  });

  it('draw in the colours of the theme they are given', () => {
    expect(decisionChart(overview, DARK).series.map((s) => s.color)).toEqual([DARK.allow, DARK.review, DARK.prevent]);
    expect(volumeChart(overview, DARK).series.map((s) => s.color)).toEqual([DARK.primary, DARK.tertiary]);
    expect(volumeChart(overview, DARK)['legend']).toMatchObject({ textStyle: { color: DARK.text } });
  });
});

describe('overview figures', () => {
  it('computes changes as percentages for counts and points for rates', () => {
    expect(countChange(15, 10).text).toBe('+50% vs previous period');
    expect(countChange(5, 10).text).toBe('−50% vs previous period');
    expect(countChange(3, 0).text).toBe('new vs previous period');
    expect(rateChange(0.2, 0.25).text).toBe('−5.0 pts vs previous period');
    expect(rateChange(null, 0.25).text).toBe('');
    const cards = kpis(overview.totals, overview.previous.totals);
    expect(cards.find((k) => k.id === 'prevent')!.tone).toBe('bad');
    expect(cards.find((k) => k.id === 'orders')!.tone).toBe('good');
  });

  it('ends ranges on the next whole hour and starts day ranges at a local midnight', () => {
    const now = Date.UTC(2026, 10, 5, 10, 20);
    const day = rangeOf('24h', now, 'UTC');
    expect(day.to).toBe('2026-11-05T11:00:00.000Z');
    expect(day.from).toBe('2026-11-04T11:00:00.000Z');
    const week = rangeOf('7d', now, 'UTC');
    expect(new Date(week.from).getHours()).toBe(0);
  });
});
