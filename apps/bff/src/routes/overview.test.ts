// GET /api/tenants/:tenant/overview (+ .csv) on real embedded stores: a merchant sees its own
// figures, another organisation's overview answers exactly like a tenant that does not exist, and
// bad ranges, intervals and zones are 400s naming the field.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { Overview } from '@redoubt/contracts/overview';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';
import { csvCell } from '../views/overview.ts';

const DAY0 = Date.UTC(2026, 10, 2);
const at = (hour: number) => new Date(DAY0 + hour * 3_600_000 + 60_000).toISOString();
const ev = (id: string, hour: number, body: Partial<RedoubtEvent>): RedoubtEvent =>
  ({ eventId: id, customerId: 'c1', timestamp: at(hour), ...body }) as RedoubtEvent;

const acmeEvents: RedoubtEvent[] = [
  ev('a1', 0, { type: 'customer', customer: { name: 'Ann', country: 'GB' } }),
  ev('a2', 1, { type: 'paymentMethod', paymentMethod: { instrumentId: 'tok1', methodType: 'wallet' } }),
  ev('a3', 2, { type: 'order', order: { orderId: 'o1', price: 5000, currency: 'GBP' } }),
  ev('a4', 2, {
    type: 'transaction',
    transaction: {
      transactionId: 't1',
      instrumentId: 'tok1',
      amount: 5000,
      currency: 'GBP',
      type: 'auth',
      success: true,
    },
  }),
  ev('a5', 3, {
    type: 'score',
    score: { score: 95, action: 'PREVENT', source: 'model', rules: [{ name: '=shared card' }] },
  }),
  ev('a6', 30, { type: 'order', order: { orderId: 'o2', price: 700, currency: 'GBP' } }),
  ev('a7', 30, { type: 'score', score: { score: 10, action: 'ALLOW', source: 'model' } }),
  ev('a8', 31, { type: 'label', label: { label: 'FRAUDSTER' } }),
];
const globexEvents: RedoubtEvent[] = [
  ev('g1', 2, { type: 'order', order: { orderId: 'x', price: 99999, currency: 'EUR' } }),
];

describe('GET /api/tenants/:tenant/overview', () => {
  let t: IngestApp;
  let merchant: Record<string, string>;
  const range = `from=${new Date(DAY0).toISOString()}&to=${new Date(DAY0 + 2 * 86_400_000).toISOString()}`;

  before(async () => {
    t = await ingestApp();
    const send = async (tenant: string, events: RedoubtEvent[]) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/tenants/${tenant}/events`,
        headers: { ...(await t.service()), 'content-type': 'application/x-ndjson' },
        payload: events.map((e) => JSON.stringify(e)).join('\n'),
      });
      assert.equal(response.statusCode, 200, response.body);
    };
    await send('acme-shop', acmeEvents);
    await send('acme-shop', acmeEvents); // a resend counts nothing twice
    await send('globex-travel', globexEvents);
    merchant = await t.headers({ email: 'shop@acme.test', role: 'merchant', tenant: 'acme-shop' });
  });
  after(async () => t.close());

  const get = async (url: string, headers = merchant) => t.app.inject({ method: 'GET', url, headers });

  it("gives acme's merchant acme's figures by day, with the previous period and breakdowns", async () => {
    const response = await get(`/api/tenants/acme-shop/overview?${range}&interval=day&tz=UTC`);
    assert.equal(response.statusCode, 200, response.body);
    const o = response.json<Overview>();
    // Columnar: the times once, then one array per figure.
    assert.deepEqual(o.series.start, ['2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z']);
    assert.deepEqual(o.series.local, ['2026-11-02T00:00+00:00', '2026-11-03T00:00+00:00']);
    assert.deepEqual(o.series.orders, [1, 1]);
    assert.deepEqual(o.series.orderValue, [5000, 700]);
    assert.deepEqual(o.series.decisions, { ALLOW: [0, 1], REVIEW: [0, 0], PREVENT: [1, 0] });
    assert.deepEqual(o.series.rates, { ALLOW: [0, 1], REVIEW: [0, 0], PREVENT: [1, 0] });
    assert.deepEqual(o.series.fraudRate, [null, 1]);
    assert.deepEqual(o.series.preventedValue, [5000, 0]);
    assert.equal(o.totals.orders, 2);
    assert.equal(o.totals.transactions, 1);
    assert.deepEqual(o.totals.decisions, { ALLOW: 1, REVIEW: 0, PREVENT: 1 });
    assert.equal(o.totals.rates.PREVENT, 0.5);
    assert.equal(o.totals.preventedValue, 5000);
    assert.equal(o.totals.fraudstersFound, 1);
    assert.equal(o.totals.fraudRate, 1);
    assert.equal(o.previous.totals.orders, 0);
    assert.equal(o.previous.to, o.from);
    assert.deepEqual(
      o.byPaymentMethod.map((b) => [b.key, b.transactions, b.transactionValue]),
      [['wallet', 1, 5000]],
    );
    assert.deepEqual(
      o.byCountry.map((b) => [b.key, b.orders, b.prevented]),
      [['GB', 2, 1]],
    );
    assert.deepEqual(o.preventReasons, [{ reason: '=shared card', count: 1 }]);
    assert.equal(o.riskiest.byScore[0]?.customerId, 'c1');
    assert.equal(o.riskiest.byScore[0]?.score, 10);
  });

  it('follows the merchant time zone: hourly buckets in New York days', async () => {
    const response = await get(`/api/tenants/acme-shop/overview?${range}&interval=day&tz=America/New_York`);
    assert.equal(response.statusCode, 200, response.body);
    const o = response.json<Overview>();
    // 02:01Z on 2 November is the evening of 1 November in New York; 06:01Z on the 3rd is 01:01 on the 3rd.
    assert.deepEqual(o.series.local, ['2026-11-01T19:00-05:00', '2026-11-02T00:00-05:00', '2026-11-03T00:00-05:00']);
    assert.deepEqual(o.series.orders, [1, 0, 1]);
  });

  it("answers acme's merchant asking for globex exactly like a tenant that does not exist", async () => {
    for (const path of ['overview', 'overview.csv']) {
      const other = await get(`/api/tenants/globex-travel/${path}?${range}`);
      const none = await get(`/api/tenants/no-such-org/${path}?${range}`);
      assert.equal(other.statusCode, 404);
      assert.equal(none.statusCode, 404);
      const strip = (body: string) => ({ ...JSON.parse(body), requestId: undefined });
      assert.deepEqual(strip(other.body), strip(none.body));
      assert.doesNotMatch(other.body, /99999/);
    }
    // Staff of globex see globex.
    const analyst = await t.analyst('globex-travel');
    const response = await get(`/api/tenants/globex-travel/overview?${range}`, analyst);
    assert.equal(response.json<Overview>().totals.orderValue, 99999);
  });

  it('refuses bad ranges, intervals and zones with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['interval=month', '/querystring/interval'],
      ['tz=Mars/Olympus', '/querystring/tz'],
      ['from=yesterday', '/querystring/from'],
      [`from=2026-11-05T00:00:00Z&to=2026-11-01T00:00:00Z`, '/querystring/from'],
      [`from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z&interval=hour`, '/querystring/to'],
      [`from=2020-01-01T00:00:00Z&to=2026-11-01T00:00:00Z&interval=week`, '/querystring/to'],
    ];
    for (const [query, field] of cases) {
      const response = await get(`/api/tenants/acme-shop/overview?${query}`);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      const fields = (response.json().details ?? []).map((d: { field: string }) => d.field);
      assert.ok(
        fields.some((f: string) => f === field || f.startsWith(field)),
        `${query}: ${response.body}`,
      );
    }
  });

  it('streams the series as CSV with formula cells neutralised', async () => {
    const response = await get(`/api/tenants/acme-shop/overview.csv?${range}&interval=day`);
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^text\/csv/);
    assert.match(String(response.headers['content-disposition']), /attachment; filename="acme-shop-overview-/);
    const rows = response.body.trim().split('\r\n');
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^start,local,orders,order_value,/);
    assert.match(rows[1]!, /^2026-11-02T00:00:00.000Z,2026-11-02T00:00\+00:00,1,5000,1,5000,0,0,1,0,0,1,5000,/);
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('@sum'), "'@sum");
    assert.equal(csvCell(-3), '-3');
  });
});

// The CSV did not change when the JSON series became columnar: these are the exact files the
// per-bucket version wrote for the same events (rates to full precision, empty when nothing to divide).
describe('GET …/overview.csv is byte for byte the file it was', () => {
  let t: IngestApp;
  let merchant: Record<string, string>;
  const range = `from=${new Date(DAY0 - 86_400_000).toISOString()}&to=${new Date(DAY0 + 2 * 86_400_000).toISOString()}`;
  const score = (id: string, hour: number, action: 'ALLOW' | 'REVIEW' | 'PREVENT', rules: string[] = []) =>
    ev(id, hour, {
      type: 'score',
      score: {
        score: 50,
        action,
        source: 'model',
        ...(rules.length ? { rules: rules.map((name) => ({ name })) } : {}),
      },
    });

  before(async () => {
    t = await ingestApp(['acme-shop']);
    for (const events of [
      acmeEvents,
      [
        score('b1', 3, 'ALLOW'),
        score('b2', 3, 'REVIEW'),
        score('b3', 4, 'ALLOW'),
        score('b4', 30, 'REVIEW'),
        score('b5', 30, 'ALLOW'),
        score('b6', 31, 'PREVENT', ['velocity']),
        score('b9', 5, 'ALLOW'),
        score('b10', 31, 'REVIEW'),
        score('b11', 31, 'REVIEW'),
        ev('b7', 31, { type: 'label', label: { label: 'GENUINE' } }),
        ev('b8', 31, { type: 'label', label: { label: 'GENUINE' } }),
      ],
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/tenants/acme-shop/events',
        headers: { ...(await t.service()), 'content-type': 'application/x-ndjson' },
        payload: events.map((e) => JSON.stringify(e)).join('\n'),
      });
      assert.equal(response.statusCode, 200, response.body);
    }
    merchant = await t.headers({ email: 'shop@acme.test', role: 'merchant', tenant: 'acme-shop' });
  });
  after(async () => t.close());

  const csv = async (query: string) => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/tenants/acme-shop/overview.csv?${range}&${query}`,
      headers: merchant,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response;
  };
  const HEADER =
    'start,local,orders,order_value,transactions,transaction_value,allow,review,prevent,allow_rate,review_rate,prevent_rate,prevented_value,fraudsters_found,genuine,chargebacks,chargeback_value';

  it('by day in Kolkata (+05:30) and by week in New York', async () => {
    const kolkata = await csv('interval=day&tz=Asia/Kolkata');
    assert.equal(
      String(kolkata.headers['content-disposition']),
      'attachment; filename="acme-shop-overview-2026-11-01-day.csv"',
    );
    assert.equal(
      kolkata.body,
      [
        HEADER,
        '2026-11-01T00:00:00.000Z,2026-11-01T05:30+05:30,0,0,0,0,0,0,0,,,,0,0,0,0,0',
        '2026-11-01T19:00:00.000Z,2026-11-02T00:30+05:30,1,5000,1,5000,3,1,1,0.6,0.2,0.2,5000,0,0,0,0',
        '2026-11-02T19:00:00.000Z,2026-11-03T00:30+05:30,1,700,0,0,2,3,1,0.3333333333333333,0.5,0.16666666666666666,700,1,2,0,0',
        '2026-11-03T19:00:00.000Z,2026-11-04T00:30+05:30,0,0,0,0,0,0,0,,,,0,0,0,0,0',
        '',
      ].join('\r\n'),
    );
    const newYork = await csv('interval=week&tz=America/New_York');
    assert.equal(
      newYork.body,
      [
        HEADER,
        '2026-11-01T00:00:00.000Z,2026-10-31T20:00-04:00,1,5000,1,5000,2,1,1,0.5,0.25,0.25,5000,0,0,0,0',
        '2026-11-02T05:00:00.000Z,2026-11-02T00:00-05:00,1,700,0,0,3,3,1,0.42857142857142855,0.42857142857142855,0.14285714285714285,700,1,2,0,0',
        '',
      ].join('\r\n'),
    );
  });

  it('by hour: one row per entry of the JSON series, the same figures', async () => {
    const query = 'interval=hour&tz=Asia/Kathmandu';
    const rows = (await csv(query)).body.trim().split('\r\n').slice(1);
    const json = await t.app.inject({
      method: 'GET',
      url: `/api/tenants/acme-shop/overview?${range}&${query}`,
      headers: merchant,
    });
    const s = json.json<Overview>().series;
    assert.equal(rows.length, 72);
    assert.equal(s.start.length, 72);
    rows.forEach((row, i) => {
      const cell = (v: number | null) => (v === null ? '' : String(v));
      const expected = [
        s.start[i],
        s.local[i],
        s.orders[i],
        s.orderValue[i],
        s.transactions[i],
        s.transactionValue[i],
        s.decisions.ALLOW[i],
        s.decisions.REVIEW[i],
        s.decisions.PREVENT[i],
        cell(s.rates.ALLOW[i]!),
        cell(s.rates.REVIEW[i]!),
        cell(s.rates.PREVENT[i]!),
        s.preventedValue[i],
        s.fraudstersFound[i],
        s.genuine[i],
        s.chargebacks[i],
        s.chargebackValue[i],
      ].join(',');
      assert.equal(row, expected, `row ${i}`);
    });
    assert.equal(
      rows[27],
      '2026-11-02T03:00:00.000Z,2026-11-02T08:45+05:45,0,0,0,0,1,1,1,0.3333333333333333,0.3333333333333333,0.3333333333333333,5000,0,0,0,0',
    );
  });
});
