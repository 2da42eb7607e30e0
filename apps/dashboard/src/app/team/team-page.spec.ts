import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideRouter } from '@angular/router';
import type { QualityFigures, TeamQuality } from '@redoubt/contracts/audit';
import { TeamPage } from './team-page';
import { decisionsChart, formatDuration, lastDays, rangeQuery, teamCards } from './team-figures';

function figures(over: Partial<QualityFigures> = {}): QualityFigures {
  return {
    decisions: 0,
    timed: 0,
    medianSeconds: null,
    p90Seconds: null,
    claimsExpired: 0,
    labels: 0,
    overturned: 0,
    reviewedTwice: 0,
    agreed: 0,
    agreementRate: null,
    ...over,
  };
}

const ann = figures({
  decisions: 3,
  timed: 3,
  medianSeconds: 1_200,
  p90Seconds: 1_680,
  labels: 2,
  overturned: 1,
  reviewedTwice: 2,
  agreed: 1,
  agreementRate: 0.5,
});
const quality: TeamQuality = {
  tenant: 'acme-shop',
  from: '2026-11-02T00:00:00.000Z',
  to: '2026-11-04T00:00:00.000Z',
  tz: 'UTC',
  days: ['2026-11-02', '2026-11-03'],
  team: {
    totals: figures({ ...ann, claimsExpired: 1 }),
    days: [{ day: '2026-11-03', figures: ann }],
  },
  analysts: [{ analyst: 'ann@example.com', totals: ann, days: [{ day: '2026-11-03', figures: ann }] }],
  generatedAt: '2026-11-04T00:00:00.000Z',
};

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
  const fixture = TestBed.createComponent(TeamPage);
  fixture.componentRef.setInput('tenant', 'acme-shop');
  TestBed.tick();
  return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
}

const url = '/api/tenants/acme-shop/quality';
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

describe('TeamPage', () => {
  it("asks for the last 7 days in the browser's zone and shows the team's cards, charts and each analyst", async () => {
    const { fixture, http, el } = setup();
    const req = http.expectOne((r) => r.url === url);
    expect(req.request.params.get('tz')).toBeTruthy();
    expect(days(req.request.params.get('from')!, req.request.params.get('to')!)).toBe(7);
    req.flush(quality);
    await fixture.whenStable();

    expect(el.querySelector('[data-testid="team-kpi-decisions"]')!.textContent).toContain('3');
    expect(el.querySelector('[data-testid="team-kpi-median"]')!.textContent).toContain('20 min');
    expect(el.querySelector('[data-testid="team-kpi-p90"]')!.textContent).toContain('28 min');
    expect(el.querySelector('[data-testid="team-kpi-expired"]')!.textContent).toContain('1');
    expect(el.querySelector('[data-testid="team-kpi-overturned"]')!.textContent).toContain('of 2 labels');
    expect(el.querySelector('[data-testid="team-kpi-agreement"]')!.textContent).toContain('50%');
    for (const chart of ['decisions', 'time', 'agreement']) {
      expect(el.querySelector(`[data-testid="team-${chart}-chart"]`)).not.toBeNull();
    }
    const row = el.querySelector('[data-testid="team-analyst"]')!;
    expect(row.getAttribute('data-analyst')).toBe('ann@example.com');
    expect(row.textContent).toContain('1 of 2');
    expect(row.textContent).toContain('50% of 2');
    http.verify();
  });

  it('asks again for 30 days when chosen, and shows the server error', async () => {
    const { fixture, http, el } = setup();
    http.expectOne((r) => r.url === url).flush(quality);
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="team-last-30"] button')!.click();
    TestBed.tick();
    const req = http.expectOne((r) => r.url === url);
    expect(days(req.request.params.get('from')!, req.request.params.get('to')!)).toBe(30);
    req.flush(
      { error: 'Forbidden', message: "Only the tenant's leads read its team figures", requestId: 'r-1' },
      { status: 403, statusText: 'Forbidden' },
    );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="team-error"]')!.textContent).toContain("Only the tenant's leads");
    http.verify();
  });

  it('says so when nobody reviewed anyone in the days picked', async () => {
    const { fixture, http, el } = setup();
    http.expectOne((r) => r.url === url).flush({ ...quality, team: { totals: figures(), days: [] }, analysts: [] });
    await fixture.whenStable();
    expect(el.textContent).toContain('No reviews in these days');
    expect(el.querySelector('[data-testid="team-analyst"]')).toBeNull();
  });
});

describe('team figures', () => {
  it('sends whole local days, from the first midnight to the one after the last day', () => {
    const { start, end } = lastDays(7, new Date(2026, 10, 5, 15, 30));
    expect([start.getDate(), end.getDate()]).toEqual([30, 5]);
    const q = rangeQuery(start, end, 'Europe/London');
    expect(new Date(q.from).getHours()).toBe(0);
    expect(days(q.from, q.to)).toBe(7);
    expect(q.tz).toBe('Europe/London');
  });

  it('writes durations in words and lines each analyst up on the days of the axis', () => {
    expect([formatDuration(null), formatDuration(42), formatDuration(1_200), formatDuration(4 * 3600 + 600)]).toEqual([
      '–',
      '42 s',
      '20 min',
      '4 h 10 min',
    ]);
    expect(formatDuration(3 * 86_400 + 7200)).toBe('3 d 2 h');
    const chart = decisionsChart(quality) as { series: { name: string; data: number[] }[] };
    expect(chart.series).toEqual([expect.objectContaining({ name: 'ann@example.com', data: [0, 3] })]);
    expect(teamCards(quality.team.totals).map((c) => c.id)).toEqual([
      'decisions',
      'median',
      'p90',
      'expired',
      'overturned',
      'agreement',
    ]);
  });
});
