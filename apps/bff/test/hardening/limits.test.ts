// Bounded work on the shared event loop (docs/decisions/0005-tenant-isolation.md): every read has
// a per-principal rate limit (graph traversals the tightest), bodies are limited per route (a
// note is not 8 MiB; ingestion keeps 8 MiB), an all-bad NDJSON batch lists at most
// MAX_LISTED_ERRORS errors and counts the rest, and every id ingestion accepts can be opened.
// Real embedded stores under a temporary folder, signed test identities.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { MAX_ID_LENGTH, MAX_LISTED_ERRORS } from '@redoubt/contracts';
import { buildApp } from '../../src/app.ts';
import { PATH_NODE_BUDGET } from '../../src/routes/customers.ts';
import type { ReviewStore } from '../../src/ports/review-store.ts';
import { testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { partial } from '../support/partial.ts';
import { baseConfig } from '../auth/fake-services.ts';

const T = '/api/tenants/acme-shop';

describe('limits', () => {
  let dir: string;
  let ids: TestIdentities;
  let app: FastifyInstance;
  let service: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-limits-'));
    ids = await testIdentities();
    const reviews = partial<ReviewStore>('reviews', {
      listTenants: async () => [{ id: 'acme-shop', name: 'Acme' }],
      addNote: async () => {
        throw new Error('a note past the body limit must never reach the store');
      },
      ping: async () => {},
    });
    app = await buildApp({
      config: ids.configure({ ...baseConfig, dataDir: dir }),
      // Profiles, search, graphs and ingestion are the real embedded ones, opened under dir.
      services: { db: partial('db'), users: ids.directory, reviews },
      auth: { ...ids.auth, limits: { graphPerMinute: 3, readsPerMinute: 4 } },
      logger: false,
    });
    service = await ids.headers({ email: 'bot@merchant.test', role: 'service', tenant: 'acme-shop' });
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ingest = (body: string, type = 'application/x-ndjson') =>
    app.inject({ method: 'POST', url: `${T}/events`, headers: { ...service, 'content-type': type }, payload: body });
  const customerEvent = (id: string, n = 0) =>
    JSON.stringify({
      eventId: `e-${n}-${id.slice(0, 40)}`,
      type: 'customer',
      customerId: id,
      timestamp: '2026-10-01T12:00:00Z',
      customer: { name: `Customer ${n}`, email: `c${n}@example.com` },
    });

  test('network and path are limited per principal (graph bucket), others unaffected', async () => {
    const ana = await ids.headers({ email: 'ana@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const statuses: number[] = [];
    for (const url of [`${T}/customers/c-1/network`, `${T}/customers/c-1/path/c-2`, `${T}/customers/c-1/network`]) {
      statuses.push((await app.inject({ url, headers: ana })).statusCode);
    }
    const limited = await app.inject({ url: `${T}/customers/c-1/path/c-2`, headers: ana });
    assert.ok(
      statuses.every((s) => s !== 429),
      `first three answered: ${statuses.join(',')}`,
    );
    assert.equal(limited.statusCode, 429, limited.body);
    assert.ok(limited.headers['retry-after'], 'says when to retry');
    const bob = await ids.headers({ email: 'bob@bank.test', role: 'analyst', tenant: 'acme-shop' });
    assert.notEqual((await app.inject({ url: `${T}/customers/c-1/network`, headers: bob })).statusCode, 429);
  });

  test('a path search has a node budget: through a hub it gives up at the budget, and the cap is validated', async () => {
    const event = (customerId: string, n: string, body: object) =>
      JSON.stringify({ eventId: `path-${customerId}-${n}`, customerId, timestamp: '2026-10-01T12:00:00Z', ...body });
    const device = (deviceId: string, ipAddress?: string) => ({
      type: 'device',
      device: { deviceId, ...(ipAddress && { ipAddress }) },
    });
    const card = (instrumentId: string) => ({
      type: 'paymentMethod',
      paymentMethod: { instrumentId, methodType: 'card' },
    });
    // p-a and p-z are 4 hops apart (card, then device), and each sits on an IP shared by 300 others.
    const lines = [
      event('p-a', 'ip', device('dev-pa', '10.9.0.1')),
      event('p-a', 'card', card('tok-pa-pm')),
      event('p-m', 'card', card('tok-pa-pm')),
      event('p-m', 'dev', device('dev-pm-pz')),
      event('p-z', 'dev', device('dev-pm-pz')),
      event('p-z', 'ip', device('dev-pz', '10.9.0.2')),
    ];
    for (let i = 0; i < 300; i++) {
      lines.push(event(`hub-a-${i}`, 'ip', device(`dev-ha-${i}`, '10.9.0.1')));
      lines.push(event(`hub-z-${i}`, 'ip', device(`dev-hz-${i}`, '10.9.0.2')));
    }
    const stored = await ingest(lines.join('\n'));
    assert.equal(stored.statusCode, 200, stored.body.slice(0, 300));
    const fay = await ids.headers({ email: 'fay@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const found = await app.inject({ url: `${T}/customers/p-a/path/p-z`, headers: fay });
    assert.equal(found.statusCode, 200, found.body);
    assert.equal(found.json().hops, 4);
    const starved = await app.inject({ url: `${T}/customers/p-a/path/p-z?maxNodes=50`, headers: fay });
    assert.equal(starved.statusCode, 404, 'the search stopped at 50 nodes, before crossing a hub');
    const greedy = await app.inject({
      url: `${T}/customers/p-a/path/p-z?maxNodes=${PATH_NODE_BUDGET + 1}`,
      headers: fay,
    });
    assert.equal(greedy.statusCode, 400);
    assert.match(greedy.body, /maxNodes/);
  });

  test('the timeline and every other read are limited per principal too', async () => {
    const cy = await ids.headers({ email: 'cy@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await app.inject({ url: `${T}/customers/c-1/timeline`, headers: cy })).statusCode);
    }
    assert.deepEqual(
      statuses.map((s) => s === 429),
      [false, false, false, false, true],
    );
  });

  test('an all-bad NDJSON batch lists the first errors and counts the rest', async () => {
    const lines = Array.from({ length: 1_000 }, (_, i) => JSON.stringify({ eventId: `bad-${i}`, type: 'nope' }));
    const res = await ingest(lines.join('\n'));
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.rejected, 1_000);
    assert.equal(body.errors.length, MAX_LISTED_ERRORS);
    assert.equal(body.details.length, MAX_LISTED_ERRORS);
    assert.equal(body.omittedErrors, 1_000 - MAX_LISTED_ERRORS);
    assert.equal(body.errors[0].line, 1);
    assert.match(body.message, /900 more not listed/);
  });

  test('a note is not 8 MiB: 413 past the default body limit, while ingestion takes megabytes', async () => {
    const ana = await ids.headers({ email: 'dee@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const note = await app.inject({
      method: 'POST',
      url: `${T}/customers/c-1/notes`,
      headers: { ...ana, 'content-type': 'application/json' },
      payload: JSON.stringify({ id: randomUUID(), body: 'x'.repeat(200 * 1024) }),
    });
    assert.equal(note.statusCode, 413, note.body);
    // About 2 MiB of NDJSON (10,000 events) is still one ingest request.
    const batch = Array.from({ length: 10_000 }, (_, i) => customerEvent(`big-${i}`, i) + ' '.repeat(100));
    const big = await ingest(batch.join('\n'));
    assert.ok(Buffer.byteLength(batch.join('\n')) > 1024 * 1024);
    assert.equal(big.statusCode, 200, big.body.slice(0, 300));
    assert.equal(big.json().accepted, 10_000);
  });

  test('a cluster selection at its largest fits its route (more than the 64 KiB default)', async () => {
    const lee = await ids.headers({ email: 'lee@bank.test', role: 'lead', tenant: 'acme-shop' });
    const longId = (i: number) => `c-${String(i).padStart(4, '0')}-${'x'.repeat(MAX_ID_LENGTH - 7)}`;
    const selection = {
      customerIds: Array.from({ length: 500 }, (_, i) => longId(i)),
      confirmGenuine: Array.from({ length: 500 }, (_, i) => longId(i)),
      label: 'FRAUD',
    };
    const payload = JSON.stringify(selection);
    assert.ok(Buffer.byteLength(payload) > 64 * 1024);
    const res = await app.inject({
      method: 'POST',
      url: `${T}/clusters/preview`,
      headers: { ...lee, 'content-type': 'application/json' },
      payload,
    });
    assert.notEqual(res.statusCode, 413, res.body);
    assert.ok(res.statusCode < 500, res.body);
  });

  test(`an id of ${MAX_ID_LENGTH} characters is stored and its page opens, also percent-encoded`, async () => {
    const id = `c:${'a'.repeat(60)}@${'b'.repeat(MAX_ID_LENGTH - 63)}`;
    assert.equal(id.length, MAX_ID_LENGTH);
    const stored = await ingest(customerEvent(id, 77), 'application/json');
    assert.equal(stored.statusCode, 200, stored.body);
    assert.equal(stored.json().accepted, 1);
    const eve = await ids.headers({ email: 'eve@bank.test', role: 'analyst', tenant: 'acme-shop' });
    const page = await app.inject({ url: `${T}/customers/${id}`, headers: eve });
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json().id, id);
    const encoded = await app.inject({
      url: `${T}/customers/${encodeURIComponent(id).replace(/a/g, '%61')}`,
      headers: eve,
    });
    assert.equal(encoded.statusCode, 200, encoded.body);
    // One character more is refused at ingest, naming the field.
    const tooLong = await ingest(customerEvent(`${id}x`, 78), 'application/json');
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /customerId/);
  });
});
