// Watches and shared-infrastructure marks through HTTP on the real stores: PGlite and PostgreSQL
// (TEST_DATABASE_URL) through the same migrations, the real ingest path (profile store, search
// index, graph, live bus), signed test identities. Pinning is idempotent and audited; links ingested
// through the API into a pinned customer, identifier or component are stored as hits, queue their
// customer with the link as the reason and reach the owner's live stream; a marked identifier is
// left out of the network and the paths, hits only identifier watches, and unmarking restores it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { LiveEvent } from '@redoubt/contracts/live';
import type { Network } from '@redoubt/contracts/api';
import type { SharedMark, Watch, WatchList } from '@redoubt/contracts/watches';
import type { Database } from '../db/database.ts';
import { onPgliteAndPostgres, routeApp } from '../../test/support/route-app.ts';
import type { OpenDatabase, RouteApp } from '../../test/support/route-app.ts';

const T = '/api/tenants/acme-shop';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
let n = 0;
const base = (customerId: string, minute: number) => ({ eventId: `w${n++}`, customerId, timestamp: at(minute) });
const device = (customerId: string, deviceId: string, minute = 20): RedoubtEvent => ({
  ...base(customerId, minute),
  type: 'device',
  device: { deviceId },
});
const card = (customerId: string, instrumentId: string, minute = 20): RedoubtEvent => ({
  ...base(customerId, minute),
  type: 'paymentMethod',
  paymentMethod: { instrumentId, methodType: 'card' },
});
const email = (customerId: string, address: string, minute = 20): RedoubtEvent => ({
  ...base(customerId, minute),
  type: 'customer',
  customer: { name: customerId, email: address },
});

// Ann and Bob share a device; Cat and Dot share a card; Ivy is alone.
const seed: RedoubtEvent[] = [
  email('ann', 'ann@example.com', 0),
  email('bob', 'bob@example.com', 1),
  email('cat', 'cat@example.com', 2),
  email('dot', 'dot@example.com', 3),
  email('ivy', 'ivy@example.com', 4),
  device('ann', 'dev-home', 5),
  device('bob', 'dev-home', 6),
  card('cat', 'tok_ring', 7),
  card('dot', 'tok_ring', 8),
];

/** Reads server-sent events from a real HTTP stream (`ids[i]`: the id of `events[i]`, if any). */
async function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  assert.equal(response.status, 200);
  const events: LiveEvent[] = [];
  const ids: (string | undefined)[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          const data = lines.find((l) => l.startsWith('data:'));
          buffer = buffer.slice(end + 2);
          if (!data) continue;
          events.push(JSON.parse(data.slice(5)) as LiveEvent);
          ids.push(
            lines
              .find((l) => l.startsWith('id:'))
              ?.slice(3)
              .trim(),
          );
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, ids, close: () => controller.abort() };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function suite(name: string, open: OpenDatabase, skip: { skip?: string }) {
  describe(`watches and shared infrastructure (${name})`, skip, () => {
    let t: RouteApp;
    let app: FastifyInstance;
    let db: Database;
    let ann: Record<string, string>;
    let ben: Record<string, string>;
    let globex: Record<string, string>;
    let service: Record<string, string>;
    let baseUrl: string;
    const send = (method: 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
      app.inject({
        method,
        url,
        headers: payload ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(payload && { payload }),
      });
    const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });
    const ingest = async (events: RedoubtEvent[]) => {
      const response = await app.inject({
        method: 'POST',
        url: `${T}/events`,
        headers: { ...service, 'content-type': 'application/x-ndjson' },
        payload: events.map((e) => JSON.stringify(e)).join('\n'),
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().accepted, events.length, response.body);
      await app.watchMatcher.idle();
    };
    const audits = async (action: string) =>
      (
        await db.query<{ object_id: string; actor_email: string }>(
          'SELECT object_id, actor_email FROM audit_log WHERE action = $1 ORDER BY seq',
          [action],
        )
      ).rows;
    const watchesOf = async (headers: Record<string, string>) => {
      const response = await get(`${T}/watches`, headers);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as WatchList).watches;
    };
    const queued = async () => {
      const response = await get(`${T}/queue?sort=age`, ann);
      assert.equal(response.statusCode, 200, response.body);
      return new Map(
        (response.json().items as { customerId: string; why: string[] | string }[]).map((i) => [i.customerId, i]),
      );
    };
    const nodes = async (customerId: string) => {
      const response = await get(`${T}/customers/${customerId}/network?depth=3`, ann);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as Network).nodes.map((node) => node.id).sort();
    };

    before(async () => {
      t = await routeApp({ prefix: 'redoubt-watches-', open });
      app = t.app;
      db = t.db;
      await app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      ann = await t.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
      ben = await t.headers({ email: 'ben@redoubt.test', role: 'lead', tenant: 'acme-shop' });
      globex = await t.headers({ email: 'gil@redoubt.test', role: 'analyst', tenant: 'globex-travel' });
      service = await t.headers({ email: 'bot@merchant.test', role: 'service', tenant: ['acme-shop'] });
      await ingest(seed);
    });
    after(() => t?.close());

    it('pins a customer, an identifier and a component: idempotent, audited, personal, tenant-checked', async () => {
      const first = await send('POST', `${T}/watches`, ann, { target: { type: 'customer', customerId: 'ann' } });
      assert.equal(first.statusCode, 201, first.body);
      const again = await send('POST', `${T}/watches`, ann, { target: { type: 'customer', customerId: 'ann' } });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().id, first.json().id);
      const identifier = await send('POST', `${T}/watches`, ann, {
        target: { type: 'identifier', kind: 'Email', value: ' Mule@Example.COM ' },
        note: 'the mule mailbox',
      });
      assert.equal(identifier.statusCode, 201, identifier.body);
      assert.equal((identifier.json() as Watch).nodeId, 'email:mule@example.com');
      const component = await send('POST', `${T}/watches`, ann, { target: { type: 'component', customerId: 'cat' } });
      assert.equal(component.statusCode, 201, component.body);

      assert.equal(
        (await send('POST', `${T}/watches`, ann, { target: { type: 'customer', customerId: 'nobody' } })).statusCode,
        404,
      );
      assert.equal(
        (await send('POST', `${T}/watches`, ann, { target: { type: 'customer', customerId: 'ann', extra: 1 } }))
          .statusCode,
        400,
      );
      // Another tenant's analyst: the tenant does not exist for them.
      assert.equal((await get(`${T}/watches`, globex)).statusCode, 404);
      assert.equal(
        (await send('POST', `${T}/watches`, globex, { target: { type: 'customer', customerId: 'ann' } })).statusCode,
        404,
      );

      const mine = await watchesOf(ann);
      assert.deepEqual(mine.map((w) => w.nodeId).sort(), ['c:ann', 'c:cat', 'email:mule@example.com']);
      assert.deepEqual(await watchesOf(ben), [], 'watches are personal');
      assert.deepEqual(
        (await audits('watch.add')).map((r) => r.object_id),
        ['ann', 'email:mule@example.com', 'cat'],
        'one audit row per watch created, none for the repeat',
      );
    });

    it('new links into what is pinned are hits: stored, queued with the link, sent to the owner live', async () => {
      const stream = await openStream(`${baseUrl}/api/live?tenant=acme-shop&watch=ivy`, ann);
      const colleague = await openStream(`${baseUrl}/api/live?tenant=acme-shop&watch=ivy`, ben);
      try {
        await until(() => stream.events.some((e) => e.type === 'presence'), 'the stream to open');
        await ingest([
          device('dan', 'dev-home'), // joins Ann through her device
          email('eve', 'MULE@example.com'), // the pinned mailbox
          card('fay', 'tok_ring'), // into Cat's component
          device('gus', 'dev-lonely'), // nothing pinned
          card('ann', 'tok_new'), // Ann herself, a new card
        ]);
        await until(() => stream.events.filter((e) => e.type === 'watch').length >= 4, 'four watch events');
        const hits = stream.events.filter((e) => e.type === 'watch');
        assert.deepEqual(
          hits.map((e) => (e.type === 'watch' ? `${e.targetType} ${e.customerId} ${e.kind}:${e.value}` : '')).sort(),
          [
            'component fay card:tok_ring',
            'customer ann card:tok_new',
            'customer dan device:dev-home',
            'identifier eve email:mule@example.com',
          ],
        );
        assert.equal(
          colleague.events.filter((e) => e.type === 'watch').length,
          0,
          'only the owner hears of their watch',
        );
      } finally {
        stream.close();
        colleague.close();
      }

      const byTarget = new Map((await watchesOf(ann)).map((w) => [w.nodeId, w]));
      assert.deepEqual(
        byTarget.get('c:ann')!.hits.map((h) => `${h.customerId} ${h.kind}:${h.value}`),
        ['ann card:tok_new', 'dan device:dev-home'],
      );
      assert.equal(byTarget.get('c:ann')!.hitCount, 2);
      assert.deepEqual(
        byTarget.get('email:mule@example.com')!.hits.map((h) => h.customerId),
        ['eve'],
      );
      assert.deepEqual(
        byTarget.get('c:cat')!.hits.map((h) => h.customerId),
        ['fay'],
      );

      const queue = await queued();
      for (const id of ['dan', 'eve', 'fay']) assert.ok(queue.has(id), `${id} is queued`);
      assert.ok(!queue.has('gus'), 'a link into nothing pinned queues nobody');
      assert.match(JSON.stringify(queue.get('dan')), /device dev-home into a watched customer \(c:ann\)/);
    });

    it('marks shared infrastructure: audited, idempotent, left out of networks, paths and customer watches', async () => {
      assert.deepEqual(
        await nodes('dan'),
        [
          'c:ann',
          'c:bob',
          'c:dan',
          'card:tok_new',
          'device:dev-home',
          'email:ann@example.com',
          'email:bob@example.com',
        ].sort(),
      );
      assert.equal((await get(`${T}/customers/dan/path/bob`, ann)).statusCode, 200);

      const mark = await send('POST', `${T}/shared-infrastructure`, ann, {
        kind: 'device',
        value: ' dev-home ',
        reason: 'the shop floor tablet',
      });
      assert.equal(mark.statusCode, 201, mark.body);
      const body = mark.json() as SharedMark;
      assert.equal(body.nodeId, 'device:dev-home');
      const again = await send('POST', `${T}/shared-infrastructure`, ben, {
        kind: 'device',
        value: 'dev-home',
        reason: 'another reason',
      });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().id, body.id);
      assert.equal((await get(`${T}/shared-infrastructure`, globex)).statusCode, 404);
      const listed = await get(`${T}/shared-infrastructure`, ben);
      assert.deepEqual(
        (listed.json().marks as SharedMark[]).map((m) => [m.nodeId, m.reason, m.by]),
        [['device:dev-home', 'the shop floor tablet', 'ann@redoubt.test']],
      );

      assert.deepEqual(await nodes('dan'), ['c:dan']);
      assert.equal((await get(`${T}/customers/dan/path/bob`, ann)).statusCode, 404, 'no path through it');

      // A link through the marked device no longer hits Ann's customer watch.
      const before = (await watchesOf(ann)).find((w) => w.nodeId === 'c:ann')!.hitCount;
      await ingest([device('hal', 'dev-home')]);
      assert.equal((await watchesOf(ann)).find((w) => w.nodeId === 'c:ann')!.hitCount, before);

      const unmark = await send('DELETE', `${T}/shared-infrastructure/${body.id}`, ann);
      assert.equal(unmark.statusCode, 204, unmark.body);
      assert.equal((await send('DELETE', `${T}/shared-infrastructure/${body.id}`, ann)).statusCode, 204);
      assert.ok((await nodes('dan')).includes('c:hal'), 'traversed again once unmarked');
      assert.deepEqual([(await audits('shared.mark')).length, (await audits('shared.unmark')).length], [1, 1]);
    });

    it('unpins: only the owner, idempotent, audited; no hits afterwards', async () => {
      const watch = (await watchesOf(ann)).find((w) => w.nodeId === 'c:cat')!;
      assert.equal((await send('DELETE', `${T}/watches/${watch.id}`, ben)).statusCode, 204);
      assert.ok(
        (await watchesOf(ann)).some((w) => w.id === watch.id),
        "a colleague cannot unpin Ann's watch",
      );
      assert.equal((await send('DELETE', `${T}/watches/${watch.id}`, ann)).statusCode, 204);
      assert.equal((await send('DELETE', `${T}/watches/${watch.id}`, ann)).statusCode, 204);
      assert.deepEqual(
        (await audits('watch.remove')).map((r) => [r.object_id, r.actor_email]),
        [['cat', 'ann@redoubt.test']],
      );
      await ingest([card('kim', 'tok_ring')]);
      const rows = await db.withTenant('acme-shop', (tx) =>
        tx.query<{ n: string }>("SELECT count(*) AS n FROM watch_hits WHERE customer_id = 'kim'"),
      );
      assert.equal(Number(rows.rows[0]!.n), 0);
    });

    it('a watch event missed while reconnecting comes back after Last-Event-ID, to its owner only', async () => {
      const pinned = await send('POST', `${T}/watches`, ann, {
        target: { type: 'identifier', kind: 'device', value: 'dev-resume' },
      });
      assert.equal(pinned.statusCode, 201, pinned.body);
      const watchHits = (s: { events: LiveEvent[] }) =>
        s.events.flatMap((e) => (e.type === 'watch' ? [e.customerId] : []));
      const url = `${baseUrl}/api/live?tenant=acme-shop&watch=ivy`;
      const first = await openStream(url, ann);
      await until(() => first.events.some((e) => e.type === 'presence'), 'the stream to open');
      await ingest([device('hal', 'dev-resume')]);
      await until(() => watchHits(first).length === 1, 'the first watch event');
      const lastId = first.ids[first.events.findIndex((e) => e.type === 'watch')];
      assert.match(lastId ?? '', /^[0-9a-f]{8}\.\d+$/, 'a watch event carries an id to resume from');
      first.close();
      await until(() => app.liveStreams.streamCount === 0, 'the stream to close');

      // Missed while away: Ida's link into the pinned device.
      await ingest([device('ida', 'dev-resume')]);
      const again = await openStream(url, { ...ann, 'last-event-id': lastId! });
      const colleague = await openStream(url, { ...ben, 'last-event-id': lastId! });
      try {
        await until(() => watchHits(again).length === 1, 'the missed watch event');
        assert.deepEqual(watchHits(again), ['ida'], 'what was missed, not what was seen');
        await until(() => colleague.events.some((e) => e.type === 'presence'), 'the colleague stream');
        assert.deepEqual(watchHits(colleague), [], "a colleague's resume does not replay Ann's watch");
      } finally {
        again.close();
        colleague.close();
      }
      // An id from before the window (or another run) gets reload, never a partial replay.
      const stale = await openStream(url, { ...ann, 'last-event-id': '00000000.1' });
      try {
        await until(() => stale.events.some((e) => e.type === 'reload'), 'reload');
        assert.deepEqual(watchHits(stale), []);
      } finally {
        stale.close();
      }
    });
  });
}

await onPgliteAndPostgres(suite, 'redoubt_watches');
