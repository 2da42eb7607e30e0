// GET/PUT …/review-settings through HTTP on a real PGlite review store, with signed test identities:
// who may read and change them, If-Match (428, 412 with the current settings), Idempotency-Key
// replay, the audit row, and a new reason being accepted by the review route right away.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { ReviewSettings } from '@redoubt/contracts/api';
import type { Database } from '../db/database.ts';
import { DEFAULT_REASONS } from '../adapters/review-store/sql-review-store.ts';
import { routeApp } from '../../test/support/route-app.ts';
import type { RouteApp } from '../../test/support/route-app.ts';

const URL = '/api/tenants/acme-shop/review-settings';

const edited: ReviewSettings = {
  slaHours: 12,
  claimIdleMinutes: 20,
  undoMinutes: 5,
  reasons: [
    { id: 'confirmed-fraud', text: 'Confirmed fraud' },
    { id: 'mule-account', text: 'Money mule account' },
  ],
};

describe('review settings routes', () => {
  let t: RouteApp;
  let app: FastifyInstance;
  let db: Database;
  let analyst: Record<string, string>;
  let lead: Record<string, string>;
  let admin: Record<string, string>;
  let merchant: Record<string, string>;
  const put = (headers: Record<string, string>, payload: object) =>
    app.inject({ method: 'PUT', url: URL, headers: { ...headers, 'content-type': 'application/json' }, payload });
  const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: URL, headers });
  const audits = async () =>
    (
      await db.query<{ actor_email: string; actor_role: string; after: { version: number } }>(
        "SELECT actor_email, actor_role, after FROM audit_log WHERE action = 'review.settings' ORDER BY chain_pos",
      )
    ).rows;

  before(async () => {
    t = await routeApp({ prefix: 'redoubt-review-settings-', tenants: { 'acme-shop': 'Acme Shop' } });
    app = t.app;
    db = t.db;
    analyst = await t.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
    lead = await t.headers({ email: 'lea@redoubt.test', role: 'lead', tenant: 'acme-shop' });
    admin = await t.headers({ email: 'ada@redoubt.test', role: 'admin', tenant: 'acme-shop' });
    merchant = await t.headers({ email: 'max@redoubt.test', role: 'merchant', tenant: 'acme-shop' });
  });
  after(() => t?.close());

  it('reads the defaults at version 0 (ETag "0"); merchants may not read them', async () => {
    const read = await get(analyst);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.headers['etag'], '"0"');
    assert.deepEqual(read.json(), {
      settings: { slaHours: 24, claimIdleMinutes: 30, undoMinutes: 10, reasons: DEFAULT_REASONS },
      version: 0,
    });
    assert.equal((await get(merchant)).statusCode, 403);
  });

  it('only leads and the tenant admin change them; analysts get 403 and nothing is written', async () => {
    const refused = await put({ ...analyst, 'if-match': '"0"' }, edited);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal((await get(lead)).json().version, 0);
    assert.equal((await audits()).length, 0);
  });

  it('needs If-Match (428) and refuses a bad body naming the field (400)', async () => {
    assert.equal((await put(lead, edited)).statusCode, 428);
    const duplicate = await put(
      { ...lead, 'if-match': '"0"' },
      { ...edited, reasons: [...edited.reasons, { id: 'mule-account', text: 'Again' }] },
    );
    assert.equal(duplicate.statusCode, 400, duplicate.body);
    assert.equal(duplicate.json().details[0].field, '/body/reasons/2/id');
    const badId = await put({ ...lead, 'if-match': '"0"' }, { ...edited, reasons: [{ id: 'Has Spaces', text: 'x' }] });
    assert.equal(badId.statusCode, 400, badId.body);
    const none = await put({ ...lead, 'if-match': '"0"' }, { ...edited, reasons: [] });
    assert.equal(none.statusCode, 400, none.body);
  });

  it('a lead replaces them: version 1, audited with before and after, and the review route takes the new reason', async () => {
    const saved = await put({ ...lead, 'if-match': '"0"', 'idempotency-key': 'settings-1' }, edited);
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.headers['etag'], '"1"');
    assert.deepEqual(saved.json(), { settings: edited, version: 1 });
    assert.deepEqual((await get(analyst)).json(), { settings: edited, version: 1 });
    const rows = await audits();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.actor_email, 'lea@redoubt.test');
    assert.equal(rows[0]!.actor_role, 'lead');
    assert.equal(rows[0]!.after.version, 1);
    // The reason list analysts pick from is the new one (no cache in the way on this replica).
    const history = await app.inject({
      method: 'GET',
      url: '/api/tenants/acme-shop/customers/anyone/reviews',
      headers: analyst,
    });
    assert.deepEqual(
      history.json().settings.reasons.map((r: { id: string }) => r.id),
      ['confirmed-fraud', 'mule-account'],
    );
  });

  it('a retry with the same key replays the answer; the key with another body is a 422', async () => {
    const again = await put({ ...lead, 'if-match': '"0"', 'idempotency-key': 'settings-1' }, edited);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), { settings: edited, version: 1 });
    const reused = await put(
      { ...lead, 'if-match': '"0"', 'idempotency-key': 'settings-1' },
      { ...edited, slaHours: 6 },
    );
    assert.equal(reused.statusCode, 422, reused.body);
    assert.equal((await audits()).length, 1);
  });

  it('a stale version is a 412 carrying the current settings; the tenant admin then saves on the fresh one', async () => {
    const stale = await put({ ...admin, 'if-match': '"0"' }, { ...edited, slaHours: 48 });
    assert.equal(stale.statusCode, 412, stale.body);
    assert.deepEqual(stale.json().current, { settings: edited, version: 1 });
    const fresh = await put({ ...admin, 'if-match': '"1"' }, { ...edited, slaHours: 48 });
    assert.equal(fresh.statusCode, 200, fresh.body);
    assert.equal(fresh.json().version, 2);
    assert.equal((await get(lead)).json().settings.slaHours, 48);
    const rows = await audits();
    assert.deepEqual(
      rows.map((r) => [r.actor_role, r.after.version]),
      [
        ['lead', 1],
        ['admin', 2],
      ],
    );
  });
});
