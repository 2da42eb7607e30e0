// GET /api/live over real HTTP (app.listen on port 0, streaming fetch) on real embedded stores:
// the tenant check, links ingested through the API reaching the watchers of that network,
// presence, Last-Event-ID resume and reload, a slow client dropped with its buffer bounded, the
// per-person cap, and a clean shutdown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { LiveEvent } from '@redoubt/contracts/live';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';

const TENANT = 'acme-shop';
const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
const customer = (id: string, email: string, minute = 0): RedoubtEvent => ({
  eventId: `${id}-customer-${email}`,
  type: 'customer',
  customerId: id,
  timestamp: at(minute),
  customer: { name: id, email, country: 'GB' },
});

interface Received {
  id?: string;
  event: string;
  data: LiveEvent;
}

/** A streaming client: parses frames as they arrive; next() waits for one that matches. */
class Client {
  readonly events: Received[] = [];
  readonly status: number;
  readonly body: string | undefined;
  ended = false;
  #waiters: (() => void)[] = [];
  readonly #controller: AbortController;

  private constructor(response: Response, controller: AbortController, body?: string) {
    this.status = response.status;
    this.#controller = controller;
    this.body = body;
    if (response.status === 200 && response.body) void this.#read(response.body);
  }

  static async open(base: string, query: string, headers: Record<string, string>): Promise<Client> {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/live?${query}`, { headers, signal: controller.signal });
    if (response.status !== 200) return new Client(response, controller, await response.text());
    return new Client(response, controller);
  }

  async #read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          const data = fields.get('data');
          if (data === undefined) continue;
          this.events.push({ id: fields.get('id'), event: fields.get('event') ?? 'message', data: JSON.parse(data) });
        }
        this.#wake();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.#wake();
  }

  #wake() {
    for (const w of this.#waiters.splice(0)) w();
  }

  async next(match: (e: Received) => boolean, timeoutMs = 5_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended; got ${JSON.stringify(this.events.map((e) => e.data))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.events.map((e) => e.data))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async untilEnded(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('stream did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close() {
    this.#controller.abort();
  }
}

const isLink = (customerId: string) => (e: Received) => e.data.type === 'link' && e.data.customerId === customerId;

describe('GET /api/live', () => {
  let t: IngestApp;
  let base: string;
  const clients: Client[] = [];
  const open = async (query: string, headers: Record<string, string>) => {
    const client = await Client.open(base, query, headers);
    clients.push(client);
    return client;
  };
  const ingest = async (events: RedoubtEvent[]) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/tenants/${TENANT}/events`,
      headers: { ...(await t.service()), 'content-type': 'application/x-ndjson' },
      payload: events.map((e) => JSON.stringify(e)).join('\n'),
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().accepted, events.length, response.body);
  };
  const waitFor = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  before(async () => {
    t = await ingestApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await ingest([customer('c-ann', 'ann@example.com'), customer('c-far', 'far@example.com')]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('is tenant-checked: a tenant not granted is 404, a merchant 403, a bad query 400 naming the field', async () => {
    const analyst = await t.analyst(TENANT);
    const other = await open('tenant=globex-travel&watch=c-ann', analyst);
    assert.equal(other.status, 404, other.body);
    const merchant = await open(
      `tenant=${TENANT}&watch=c-ann`,
      await t.headers({ email: 'm@shop.test', role: 'merchant', tenant: TENANT }),
    );
    assert.equal(merchant.status, 403, merchant.body);
    const noWatch = await open(`tenant=${TENANT}`, analyst);
    assert.equal(noWatch.status, 400);
    assert.match(noWatch.body ?? '', /watch/);
    const badDepth = await open(`tenant=${TENANT}&watch=c-ann&depth=9`, analyst);
    assert.equal(badDepth.status, 400);
    assert.match(badDepth.body ?? '', /depth/);
  });

  it('sends new links in the watched network (not elsewhere), and who else has the customer open', async () => {
    const ann = await open(`tenant=${TENANT}&watch=c-ann`, await t.analyst(TENANT));
    assert.equal(ann.status, 200, ann.body);
    // c-bob shares ann's email: a new link into her network. c-zed is elsewhere.
    await ingest([customer('c-zed', 'zed@example.com'), customer('c-bob', 'ann@example.com')]);
    const link = await ann.next(isLink('c-bob'));
    assert.deepEqual(
      { kind: link.data.type === 'link' && link.data.kind, value: link.data.type === 'link' && link.data.value },
      { kind: 'email', value: 'ann@example.com' },
    );
    assert.ok(link.id, 'a link event carries an id to resume from');
    assert.equal(ann.events.filter(isLink('c-zed')).length, 0);

    const bob = await open(
      `tenant=${TENANT}&watch=c-ann`,
      await t.headers({ email: 'bea@redoubt.test', role: 'lead', tenant: TENANT }),
    );
    const seen = await ann.next((e) => e.data.type === 'presence' && e.data.viewers.includes('bea@redoubt.test'));
    assert.deepEqual(seen.data, { type: 'presence', customerId: 'c-ann', viewers: ['bea@redoubt.test'] });
    await bob.next((e) => e.data.type === 'presence' && e.data.viewers.includes('ana@redoubt.test'));
    bob.close();
    await ann.next((e) => e.data.type === 'presence' && e.data.viewers.length === 0);
    ann.close();
  });

  it('resumes after Last-Event-ID with what was missed; an id it cannot resume from gets reload', async () => {
    const headers = await t.analyst(TENANT);
    const first = await open(`tenant=${TENANT}&watch=c-far`, headers);
    await ingest([customer('c-f1', 'far@example.com')]);
    const last = await first.next(isLink('c-f1'));
    first.close();
    await waitFor(() => t.app.liveStreams.streamCount === 0, 'the stream to close');
    await ingest([customer('c-f2', 'far@example.com'), customer('c-f3', 'far@example.com', 1)]);

    const again = await open(`tenant=${TENANT}&watch=c-far`, { ...headers, 'last-event-id': last.id! });
    await again.next(isLink('c-f3'));
    assert.deepEqual(
      again.events.filter((e) => e.data.type === 'link').map((e) => e.data.type === 'link' && e.data.customerId),
      ['c-f2', 'c-f3'],
    );
    again.close();

    const stale = await open(`tenant=${TENANT}&watch=c-far`, { ...headers, 'last-event-id': '00000000.1' });
    const reload = await stale.next((e) => e.event === 'reload');
    assert.equal(reload.data.type, 'reload');
    assert.equal(stale.events.filter((e) => e.data.type === 'link').length, 0);
    stale.close();
    await waitFor(() => t.app.liveStreams.streamCount === 0, 'the streams to close');
  });

  it('drops a client that stops reading once its buffer is full; a reading client keeps up', async () => {
    const hub = t.app.liveStreams;
    const bound = hub.options.maxBufferBytes;
    hub.options.maxBufferBytes = 32 * 1024;
    const headers = await t.analyst(TENANT);
    const fast = await open(`tenant=${TENANT}&watch=c-ann`, headers);
    // The slow client reads the head, then nothing more.
    const slow = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${base}/api/live?tenant=${TENANT}&watch=c-ann`, { headers }, (res) => {
        res.pause();
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(slow.statusCode, 200);
    slow.on('error', () => {});
    await waitFor(() => hub.streamCount === 2, 'both streams');
    const droppedBefore = hub.dropped;
    const pad = 'x'.repeat(400);
    let sent = 0;
    // Published straight on the bus (as ingest does), in slices smaller than the bound; the
    // reading client gets each slice before the next, the other one never reads.
    while (hub.dropped === droppedBefore && sent < 100_000) {
      for (let i = 0; i < 40; i++, sent++) {
        t.app.live.publish({
          type: 'link',
          tenant: TENANT,
          customerId: 'c-ann',
          kind: 'device',
          value: `${pad}${sent}`,
          at: at(5),
        });
      }
      const lastSent = `${pad}${sent - 1}`;
      await fast.next((e) => e.data.type === 'link' && e.data.value === lastSent);
    }
    assert.equal(hub.dropped, droppedBefore + 1, 'the slow client is dropped');
    // The server closed its side (the paused client would only see it by reading).
    await waitFor(() => hub.streamCount === 1, 'the slow stream to close on the server');
    slow.destroy();
    t.app.live.publish({ type: 'link', tenant: TENANT, customerId: 'c-ann', kind: 'device', value: 'last', at: at(5) });
    await fast.next((e) => e.data.type === 'link' && e.data.value === 'last', 20_000);
    assert.equal(fast.events.filter((e) => e.data.type === 'link' && e.data.value.startsWith(pad)).length, sent);
    fast.close();
    hub.options.maxBufferBytes = bound;
    await waitFor(() => hub.streamCount === 0, 'the streams to close');
  });

  it('caps the streams one person holds open (429), and frees a place when one closes', async () => {
    const hub = t.app.liveStreams;
    const cap = hub.options.maxPerPrincipal;
    hub.options.maxPerPrincipal = 2;
    try {
      const headers = await t.analyst(TENANT);
      const a = await open(`tenant=${TENANT}&watch=c-ann`, headers);
      const b = await open(`tenant=${TENANT}&watch=c-far`, headers);
      assert.deepEqual([a.status, b.status], [200, 200]);
      const c = await open(`tenant=${TENANT}&watch=c-ann`, headers);
      assert.equal(c.status, 429);
      assert.match(JSON.parse(c.body!).message, /At most 2 live streams per person/);
      // Someone else is not counted against this person.
      const other = await open(
        `tenant=${TENANT}&watch=c-ann`,
        await t.headers({ email: 'bea@redoubt.test', role: 'lead', tenant: TENANT }),
      );
      assert.equal(other.status, 200);
      a.close();
      await waitFor(() => hub.streamCount === 2, 'a stream to close');
      const d = await open(`tenant=${TENANT}&watch=c-ann`, headers);
      assert.equal(d.status, 200);
      for (const x of [b, d, other]) x.close();
      await waitFor(() => hub.streamCount === 0, 'the streams to close');
    } finally {
      hub.options.maxPerPrincipal = cap;
    }
  });

  it('open streams are not requests waiting for the loop: load shedding does not count them in flight', async () => {
    const before = t.app.loadShedding.state().inFlight;
    const streams = [];
    for (const email of ['s1@redoubt.test', 's2@redoubt.test', 's3@redoubt.test']) {
      streams.push(
        await open(`tenant=${TENANT}&watch=c-ann`, await t.headers({ email, role: 'analyst', tenant: TENANT })),
      );
    }
    assert.deepEqual(
      streams.map((s) => s.status),
      [200, 200, 200],
    );
    assert.equal(t.app.loadShedding.state().inFlight, before);
    for (const s of streams) s.close();
    await waitFor(() => t.app.liveStreams.streamCount === 0, 'the streams to close');
    assert.equal(t.app.loadShedding.state().inFlight, before);
  });
});

describe('GET /api/live at shutdown', () => {
  it('ends every stream with bye and lets app.close() finish', async () => {
    const t = await ingestApp();
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const client = await Client.open(base, `tenant=${TENANT}&watch=c-ann`, await t.analyst(TENANT));
      assert.equal(client.status, 200);
      const started = Date.now();
      await t.app.close();
      assert.ok(Date.now() - started < 3_000, 'close did not wait on the open stream');
      await client.next((e) => e.event === 'bye');
      await client.untilEnded();
    } finally {
      await t.close();
    }
  });
});
