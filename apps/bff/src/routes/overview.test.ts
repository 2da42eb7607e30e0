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
    assert.equal(o.series.length, 2);
    assert.deepEqual(
      o.series.map((s) => [s.local, s.figures.orders, s.figures.orderValue]),
      [
        ['2026-11-02T00:00+00:00', 1, 5000],
        ['2026-11-03T00:00+00:00', 1, 700],
      ],
    );
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
    assert.deepEqual(
      o.series.map((s) => [s.local, s.figures.orders]),
      [
        ['2026-11-01T19:00-05:00', 1],
        ['2026-11-02T00:00-05:00', 0],
        ['2026-11-03T00:00-05:00', 1],
      ],
    );
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
