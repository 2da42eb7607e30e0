// The team figures route through HTTP on a real PGlite database, with signed test identities: an
// analyst's review shows in the lead's figures; leads of the tenant only; range refusals name their
// field; each read is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TeamQuality } from '@redoubt/contracts/audit';
import { routeApp } from '../../test/support/route-app.ts';
import type { RouteApp } from '../../test/support/route-app.ts';
import { MAX_QUALITY_DAYS, qualityRange } from './quality.ts';

const T = '/api/tenants/acme-shop';
// TypeBox checks only the formats it is told about (as the dashboard's http/parse.ts does).
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));

describe('team figures route', () => {
  let t: RouteApp;
  let app: FastifyInstance;
  let ann: Record<string, string>;
  let lead: Record<string, string>;
  let otherLead: Record<string, string>;
  const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });

  before(async () => {
    t = await routeApp({
      prefix: 'redoubt-quality-',
      tenants: { 'acme-shop': 'Acme Shop', globex: 'Globex' },
      seed: (store) =>
        store.enqueue('acme-shop', [{ customerId: 'cust-1', reason: 'score', at: Date.now() - 5 * 60_000 }]),
    });
    app = t.app;
    const store = t.store;
    ann = await t.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
    lead = await t.headers({ email: 'lea@redoubt.test', role: 'lead', tenant: 'acme-shop' });
    otherLead = await t.headers({ email: 'gus@redoubt.test', role: 'lead', tenant: 'globex' });
    // The analyst's decision through the store (the review route's own suite covers writing it;
    // the e2e journey covers both through the dashboard).
    await store.review(
      'acme-shop',
      { sub: 'accounts.google.com:ann', email: 'ann@redoubt.test', role: 'analyst' },
      'cust-1',
      1,
      { action: 'PREVENT', label: 'FRAUDSTER' },
      { key: 'k1', route: 'test' },
    );
  });
  after(() => t?.close());

  it("shows the lead the analyst's decision, timed from the queue, in the schema's shape", async () => {
    const res = await get(`${T}/quality?tz=Europe/London`, lead);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(Value.Check(TeamQuality, body), JSON.stringify([...Value.Errors(TeamQuality, body)][0]));
    assert.equal(body.tz, 'Europe/London');
    assert.equal(body.days.length, 8);
    const [only] = body.analysts;
    assert.equal(body.analysts.length, 1);
    assert.equal(only.analyst, 'ann@redoubt.test');
    assert.deepEqual([only.totals.decisions, only.totals.timed, only.totals.labels], [1, 1, 1]);
    const median: number = only.totals.medianSeconds ?? -1;
    assert.ok(median >= 299 && median < 330, String(median));
    assert.equal(body.team.totals.decisions, 1);
  });

  it('is for leads of that tenant only', async () => {
    assert.equal((await get(`${T}/quality`, ann)).statusCode, 403);
    assert.equal((await get(`${T}/quality`, otherLead)).statusCode, 404);
    const theirs = await get('/api/tenants/globex/quality', otherLead);
    assert.equal(theirs.statusCode, 200);
    assert.deepEqual(theirs.json().analysts, []);
  });

  it('refuses bad ranges with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', '/from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '/querystring/from'],
      ['from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z', '/querystring/to'],
      ['tz=Mars/Olympus', '/querystring/tz'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`${T}/quality?${query}`, lead);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.ok(JSON.stringify(res.json().details ?? res.json().message).includes(field), `${query}: ${res.body}`);
    }
    // 1 January to 3 April is 92 days: the longest range.
    assert.equal(MAX_QUALITY_DAYS, 92);
    assert.doesNotThrow(() => qualityRange({ from: '2026-01-01T00:00:00Z', to: '2026-04-03T00:00:00Z' }));
    assert.throws(() => qualityRange({ from: '2026-01-01T00:00:00Z', to: '2026-04-03T00:00:01Z' }), /92 days/);
    assert.deepEqual(qualityRange({}, 1_000 * 86_400_000), {
      from: 993 * 86_400_000,
      to: 1_000 * 86_400_000,
      tz: 'UTC',
    });
  });

  it('audits each read as the lead, with the range', async () => {
    await get(`${T}/quality?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z`, lead);
    const res = await get(`${T}/audit?action=quality.read&limit=1`, lead);
    const [row] = res.json().rows;
    assert.equal(row.actor.email, 'lea@redoubt.test');
    assert.equal(row.actor.role, 'lead');
    assert.deepEqual(row.after, { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z', tz: 'UTC' });
  });
});
