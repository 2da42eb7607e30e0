// Saved searches through HTTP on the real store: PGlite and PostgreSQL (TEST_DATABASE_URL) through
// the same migrations, signed test identities. Personal (each analyst lists and deletes only their
// own), tenant-checked, schema-checked, idempotent (the client's id), audited once per change.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SavedSearch, SavedSearchList } from '@redoubt/contracts/api';
import type { Database } from '../db/database.ts';
import { onPgliteAndPostgres, routeApp } from '../../test/support/route-app.ts';
import type { OpenDatabase, RouteApp } from '../../test/support/route-app.ts';

const T = '/api/tenants/acme-shop';
const URL_ = `${T}/saved-searches`;

function suite(name: string, open: OpenDatabase, skip: { skip?: string }) {
  describe(`saved searches (${name})`, skip, () => {
    let t: RouteApp;
    let app: FastifyInstance;
    let db: Database;
    let ann: Record<string, string>;
    let ben: Record<string, string>;
    let globex: Record<string, string>;
    let merchant: Record<string, string>;
    const send = (method: 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
      app.inject({
        method,
        url,
        headers: payload ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(payload && { payload }),
      });
    const list = async (headers: Record<string, string>) => {
      const response = await app.inject({ method: 'GET', url: URL_, headers });
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as SavedSearchList).savedSearches;
    };
    const audits = async () =>
      (
        await db.query<{ action: string; object_id: string; actor_email: string }>(
          "SELECT action, object_id, actor_email FROM audit_log WHERE object_type = 'saved_search' ORDER BY seq",
        )
      ).rows.map((r) => `${r.action} ${r.object_id} ${r.actor_email}`);

    before(async () => {
      t = await routeApp({ prefix: 'redoubt-saved-', open });
      app = t.app;
      db = t.db;
      ann = await t.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
      ben = await t.headers({ email: 'ben@redoubt.test', role: 'lead', tenant: 'acme-shop' });
      globex = await t.headers({ email: 'gil@redoubt.test', role: 'analyst', tenant: 'globex-travel' });
      merchant = await t.headers({ email: 'max@merchant.test', role: 'merchant', tenant: 'acme-shop' });
    });
    after(() => t?.close());

    const risky = {
      id: randomUUID(),
      name: 'Risky GB devices',
      query: { q: 'dev-', action: ['PREVENT', 'REVIEW'], country: ['GB'], band: 'high', sort: 'score' },
    };

    it('saves a search, once for a resend, audited, and lists it for its owner only', async () => {
      const first = await send('POST', URL_, ann, risky);
      assert.equal(first.statusCode, 201, first.body);
      const saved = first.json() as SavedSearch;
      assert.deepEqual({ id: saved.id, name: saved.name, query: saved.query }, risky);
      assert.ok(Date.parse(saved.createdAt) > 0);
      const again = await send('POST', URL_, ann, risky);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json(), saved);

      const open = { id: randomUUID(), name: 'Open reviews', query: { state: ['open'] } };
      assert.equal((await send('POST', URL_, ann, open)).statusCode, 201);
      assert.deepEqual(
        (await list(ann)).map((s) => s.name),
        ['Open reviews', 'Risky GB devices'],
        'newest first',
      );
      assert.deepEqual(await list(ben), [], 'saved searches are personal');
      assert.deepEqual(await audits(), [
        `saved_search.create ${risky.id} ann@redoubt.test`,
        `saved_search.create ${open.id} ann@redoubt.test`,
      ]);
    });

    it('refuses the id of another search, bad input, other tenants and merchants', async () => {
      const taken = await send('POST', URL_, ann, { ...risky, name: 'Something else' });
      assert.equal(taken.statusCode, 409, taken.body);
      assert.match(taken.json().message, /different saved search already has this id/);
      // Another analyst reusing the id learns nothing about what it holds, and gets no copy.
      assert.equal((await send('POST', URL_, ben, risky)).statusCode, 409);
      for (const [payload, field] of [
        [{ ...risky, id: 'not-a-uuid' }, '/body/id'],
        [{ ...risky, id: randomUUID(), name: '' }, '/body/name'],
        [{ ...risky, id: randomUUID(), name: '   ' }, '/body/name'],
        [{ ...risky, id: randomUUID(), query: { band: 'extreme' } }, '/body/query/band'],
        [{ ...risky, id: randomUUID(), query: { country: ['gb'] } }, '/body/query/country/0'],
        [{ ...risky, id: randomUUID(), query: { after: 'cursor' } }, '/body/query/after'],
      ] as const) {
        const bad = await send('POST', URL_, ann, payload);
        assert.equal(bad.statusCode, 400, `${field}: ${bad.body}`);
        assert.equal(bad.json().details[0].field, field, bad.body);
      }
      // The tenant does not exist for another tenant's analyst; merchants see no customer searches.
      assert.equal((await app.inject({ method: 'GET', url: URL_, headers: globex })).statusCode, 404);
      assert.equal((await send('POST', URL_, globex, { ...risky, id: randomUUID() })).statusCode, 404);
      assert.equal((await send('DELETE', `${URL_}/${risky.id}`, globex)).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: URL_, headers: merchant })).statusCode, 403);
      assert.equal((await send('DELETE', `${URL_}/not-a-uuid`, ann)).statusCode, 400);
      assert.equal((await list(ann)).length, 2, 'nothing refused was stored');
    });

    it("deletes only the owner's search, idempotently, audited once", async () => {
      assert.equal((await send('DELETE', `${URL_}/${risky.id}`, ben)).statusCode, 204);
      assert.ok(
        (await list(ann)).some((s) => s.id === risky.id),
        "a colleague's delete leaves it",
      );
      assert.equal((await send('DELETE', `${URL_}/${risky.id}`, ann)).statusCode, 204);
      assert.equal((await send('DELETE', `${URL_}/${risky.id}`, ann)).statusCode, 204, 'already gone: the same answer');
      assert.deepEqual(
        (await list(ann)).map((s) => s.name),
        ['Open reviews'],
      );
      assert.deepEqual((await audits()).slice(2), [`saved_search.delete ${risky.id} ann@redoubt.test`]);
      // Row-level security: the rows of acme are invisible inside globex's transaction.
      const leaked = await db.withTenant('globex-travel', (tx) => tx.query('SELECT id FROM saved_searches'));
      assert.deepEqual(leaked.rows, []);
    });
  });
}

await onPgliteAndPostgres(suite, 'redoubt_saved');
