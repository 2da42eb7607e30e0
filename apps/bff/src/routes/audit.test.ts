// The audit routes through HTTP on a real PGlite database, with signed test identities: leads of
// the tenant only, filters and their refusals, the streamed exports, verify, and reads audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { routeApp } from '../../test/support/route-app.ts';
import type { RouteApp } from '../../test/support/route-app.ts';

const T = '/api/tenants/acme-shop';

describe('audit routes', () => {
  let t: RouteApp;
  let app: FastifyInstance;
  let ann: Record<string, string>;
  let lead: Record<string, string>;
  let otherLead: Record<string, string>;
  const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });

  before(async () => {
    t = await routeApp({ prefix: 'redoubt-audit-', tenants: { 'acme-shop': 'Acme Shop', globex: 'Globex' } });
    app = t.app;
    ann = await t.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
    lead = await t.headers({ email: 'lea@redoubt.test', role: 'lead', tenant: 'acme-shop' });
    otherLead = await t.headers({ email: 'gus@redoubt.test', role: 'lead', tenant: 'globex' });
    for (const body of ['=1+1', 'plain']) {
      const res = await app.inject({
        method: 'POST',
        url: `${T}/customers/cust-1/notes`,
        headers: { ...ann, 'content-type': 'application/json' },
        payload: { id: crypto.randomUUID(), body },
      });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(() => t?.close());

  it("lists the analyst's actions for the lead, newest first, with before and after", async () => {
    const res = await get(`${T}/audit?actor=ann@redoubt.test&customer=cust-1&limit=1`, lead);
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json();
    assert.equal(page.rows.length, 1);
    assert.equal(page.rows[0].action, 'note.add');
    assert.equal(page.rows[0].after.body, 'plain');
    assert.equal(page.rows[0].before, null);
    const next = await get(`${T}/audit?actor=ann@redoubt.test&customer=cust-1&limit=1&after=${page.next}`, lead);
    assert.equal(next.json().rows[0].after.body, '=1+1');
    // A link to one row: that position first.
    const one = await get(`${T}/audit?position=1&limit=5`, lead);
    assert.deepEqual(
      one.json().rows.map((r: { position: number }) => r.position),
      [1],
    );
  });

  it('is for leads of that tenant only', async () => {
    assert.equal((await get(`${T}/audit`, ann)).statusCode, 403);
    assert.equal((await get(`${T}/audit.csv`, ann)).statusCode, 403);
    assert.equal((await get(`${T}/audit/verify`, ann)).statusCode, 403);
    assert.equal((await get(`${T}/audit`, otherLead)).statusCode, 404);
  });

  it('refuses bad filters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['outcome=maybe', '/outcome'],
      ['from=yesterday', '/from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '/querystring/from'],
      ['limit=0', '/limit'],
      ['position=0', '/position'],
      ['after=made-up', '/querystring/after'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`${T}/audit?${query}`, lead);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.ok(JSON.stringify(res.json().details ?? res.json().message).includes(field), `${query}: ${res.body}`);
    }
  });

  it('streams CSV with formula cells inert, and JSON lines', async () => {
    const csv = await get(`${T}/audit.csv?action=note.add`, lead);
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.match(csv.headers['content-disposition'] as string, /attachment; filename="acme-shop-audit-/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[1]!.includes(`""body"":""plain""`), lines[1]);
    // The formula sits inside the JSON cell, which starts with {: inert (cells that start with one are
    // prefixed: the contract suite, test/contracts/audit-log.contract.ts).
    assert.ok(lines[2]!.includes(`,"{""id""`) && lines[2]!.includes(`""body"":""=1+1""`), lines[2]);
    const jsonl = await get(`${T}/audit.jsonl?actor=ann@redoubt.test`, lead);
    assert.equal(jsonl.statusCode, 200);
    const rows = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r) => r.after.body),
      ['plain', '=1+1'],
    );
  });

  it('verifies the chain, and every read of the log is audited', async () => {
    const res = await get(`${T}/audit/verify`, lead);
    assert.equal(res.statusCode, 200, res.body);
    const v = res.json();
    assert.equal(v.ok, true);
    assert.ok(v.checked >= 5);
    const reads = await get(`${T}/audit?actor=lea@redoubt.test&limit=200`, lead);
    const actions = reads.json().rows.map((r: { action: string }) => r.action);
    for (const a of ['audit.read', 'audit.export', 'audit.verify'])
      assert.ok(actions.includes(a), `${a} in ${actions}`);
    assert.ok(reads.json().rows.every((r: { actor: { role: string } }) => r.actor.role === 'lead'));
  });
});
