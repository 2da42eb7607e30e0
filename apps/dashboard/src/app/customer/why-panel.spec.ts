import { TestBed } from '@angular/core/testing';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { ScoreWhy } from '@redoubt/contracts/api';
import { WhyPanel } from './why-panel';
import { networkLines, reasonLines, ruleWords } from './why-words';

const url = '/api/tenants/acme/customers/c-1/why';

const network = (over: Partial<ScoreWhy['network']> = {}): ScoreWhy['network'] => ({
  fraudstersWithinTwoHops: 0,
  nearby: [],
  customersWithinTwoHops: 0,
  truncated: false,
  nearestFraudsterHops: null,
  reason: 'no links to other customers',
  componentCustomers: 1,
  componentShare: 0,
  ...over,
});

const why: ScoreWhy = {
  scores: [
    {
      eventId: 'e-2',
      at: '2026-11-01T10:00:00Z',
      score: 88,
      action: 'PREVENT',
      source: 'model-v3',
      rules: [{ name: 'shared_device_with_fraudster', score: 40 }, { name: 'ipVelocity' }],
      warnings: [{ class: 'email', msg: 'Disposable email domain' }],
    },
    { eventId: 'e-1', at: '2026-10-01T10:00:00Z', score: 20, action: 'ALLOW', rules: [], warnings: [] },
  ],
  scanned: 12,
  complete: true,
  network: network({
    fraudstersWithinTwoHops: 3,
    nearby: [
      { customerId: 'cat', kind: 'device', value: 'dev-cd' },
      { customerId: 'eve', kind: 'ip', value: '81.2.69.160' },
    ],
    customersWithinTwoHops: 7,
    nearestFraudsterHops: 2,
    reason: '2 hops from a FRAUDSTER (cat) through device dev-cd',
    componentCustomers: 20,
    componentShare: 0.25,
  }),
};

describe('why the score in words', () => {
  it('turns rule names into words', () => {
    expect(ruleWords('shared_device_with_fraudster')).toBe('Shared device with fraudster');
    expect(ruleWords('ipVelocity')).toBe('Ip velocity');
    expect(ruleWords('AVS-mismatch')).toBe('AVS mismatch');
  });

  it('gives each rule and warning of a score event a sentence', () => {
    expect(reasonLines(why.scores[0])).toEqual([
      'Rule “Shared device with fraudster” fired (+40 to the score).',
      'Rule “Ip velocity” fired.',
      'Warning (email): Disposable email domain',
    ]);
    expect(reasonLines(why.scores[1])).toEqual([]);
  });

  it('says how many FRAUDSTERs share an identifier, through what, and the network share', () => {
    expect(networkLines(why.network)).toEqual([
      '3 customers labelled FRAUDSTER share an identifier with this customer: cat (device dev-cd), eve (IP address 81.2.69.160) and 1 more.',
      '25% of the 20 customers in its network are FRAUDSTERs.',
    ]);
  });

  it('says when none is near, where the nearest is, and when the count is a floor', () => {
    expect(
      networkLines(
        network({
          customersWithinTwoHops: 4,
          truncated: true,
          nearestFraudsterHops: 4,
          reason: '4 hops from a FRAUDSTER (cat) through device dev-ab',
          componentCustomers: 5,
          componentShare: 0.2,
        }),
      ),
    ).toEqual([
      'None of the at least 4 customers sharing an identifier with this customer is labelled FRAUDSTER.',
      'The nearest FRAUDSTER is 4 hops away: 4 hops from a FRAUDSTER (cat) through device dev-ab.',
      '20% of the 5 customers in its network are FRAUDSTERs.',
    ]);
    expect(networkLines(network())).toEqual(['No other customer shares an identifier with this customer.']);
    expect(networkLines(network({ customersWithinTwoHops: 2, componentCustomers: 3 }))).toEqual([
      'None of the 2 customers sharing an identifier with this customer is labelled FRAUDSTER.',
      'No FRAUDSTER is within reach in the graph.',
      'Its network of 3 customers holds no FRAUDSTER.',
    ]);
    expect(networkLines(network({ nearestFraudsterHops: 0 }))[0]).toBe('This customer is labelled FRAUDSTER.');
  });
});

describe('WhyPanel', () => {
  function setup() {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(WhyPanel);
    fixture.componentRef.setInput('tenant', 'acme');
    fixture.componentRef.setInput('customerId', 'c-1');
    TestBed.tick();
    return { fixture, http: TestBed.inject(HttpTestingController), el: fixture.nativeElement as HTMLElement };
  }

  it('lists each score with its reasons, then the network signals', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(url).flush(why);
    await fixture.whenStable();
    const scores = el.querySelectorAll('[data-testid="why-score"]');
    expect(scores.length).toBe(2);
    expect(scores[0].textContent).toContain('PREVENT');
    expect(scores[0].textContent).toContain('88');
    expect(scores[0].textContent).toContain('model-v3');
    expect([...el.querySelectorAll('[data-testid="why-reason"]')].map((li) => li.textContent?.trim())).toEqual([
      'Rule “Shared device with fraudster” fired (+40 to the score).',
      'Rule “Ip velocity” fired.',
      'Warning (email): Disposable email domain',
    ]);
    expect(scores[1].textContent).toContain('No rules or warnings came with this score.');
    expect(el.querySelector('[data-testid="why-network"]')?.textContent).toContain(
      '3 customers labelled FRAUDSTER share an identifier',
    );
    http.verify();
  });

  it('says when no score event was found, and whether older events were left unread', async () => {
    const { fixture, http, el } = setup();
    http.expectOne(url).flush({ ...why, scores: [], scanned: 800, complete: false });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="why-no-scores"]')?.textContent).toContain(
      'No score event among the latest 800 events.',
    );
  });

  it('shows the server message when the answer fails, and tries again', async () => {
    const { fixture, http, el } = setup();
    http
      .expectOne(url)
      .flush(
        { error: 'Service Unavailable', message: 'Profile store is not reachable', requestId: 'r-9' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="why-error"]')?.textContent).toContain('Profile store is not reachable');
    el.querySelector<HTMLButtonElement>('button')!.click();
    TestBed.tick();
    http.expectOne(url).flush(why);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="why-error"]')).toBeNull();
    expect(el.querySelectorAll('[data-testid="why-score"]').length).toBe(2);
  });
});
