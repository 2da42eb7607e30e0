// Two BFF replicas as two processes (issue 17, docs/scale-out.md): `node apps/bff/src/server.ts`
// started twice from its environment alone, on one PostgreSQL database, the Bigtable emulator and
// Google's Pub/Sub emulator, each replica with its own data folder (graph snapshot) and its own
// Pub/Sub subscription (REDOUBT_REPLICA). Search: both processes share one embedded SQLite index
// file (each data folder's search.db links to it), since no Elasticsearch server can run on this
// machine. Identities are IAP assertions signed here and verified by the production verifier
// against a JWK set this test serves over https (its certificate trusted via NODE_EXTRA_CA_CERTS);
// users are granted in the database's users table (SqlUserDirectory, as `npm run admin` does).
// Proves: A's ingest in B's network and B's /api/live stream; a review on B in A's queue and
// stream; B killed (SIGKILL) while A ingests and started again ends with the same customers,
// identifiers and links as A (graph sizes read from each process's metrics listener).
// Needs PostgreSQL and both emulators: skipped locally when one is missing, a failure in strict mode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { RedoubtEvent } from '@redoubt/contracts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { openDatabase, migrate } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { loadConfig } from '../../src/config.ts';
import { testIdentities, TEST_AUDIENCE, TEST_ISSUER } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { freshPostgresDatabase, needs, postgresReachable } from '../support/backends.ts';
import { bigtableEmulatorAvailable, startBigtableEmulator } from '../support/bigtable-emulator.ts';
import { pubsubEmulatorAvailable, startPubSubEmulator } from '../support/pubsub-emulator.ts';
import { ServerLog } from '../support/server-log.ts';

const TENANT = 'acme-shop';
const T = `/api/tenants/${TENANT}`;
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER = join(ROOT, 'apps/bff/src/server.ts');

const requirements = [
  needs('PostgreSQL', await postgresReachable(), 'TEST_DATABASE_URL or a local server'),
  needs('the Bigtable emulator', bigtableEmulatorAvailable(), 'BIGTABLE_EMULATOR_HOST or cbtemulator'),
  needs('the Pub/Sub emulator', pubsubEmulatorAvailable(), 'PUBSUB_EMULATOR_HOST or cloud-pubsub-emulator'),
];
const skip = requirements.find((r) => r.skip)?.skip;

const now = () => new Date().toISOString();
const customerEvent = (id: string, email: string): RedoubtEvent => ({
  eventId: `${id}-customer-${email}`,
  type: 'customer',
  customerId: id,
  timestamp: now(),
  customer: { name: id, email, country: 'GB' },
});
const scoreEvent = (id: string, score: number, action: 'ALLOW' | 'REVIEW' | 'PREVENT'): RedoubtEvent => ({
  eventId: `${id}-score-${score}`,
  type: 'score',
  customerId: id,
  timestamp: now(),
  score: { score, action, source: 'model' },
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One `node apps/bff/src/server.ts` process: its base URL (from its log) and its metrics URL. */
class Replica {
  readonly #output: ServerLog;
  readonly exited: Promise<number | null>;
  readonly name: string;
  readonly child: ChildProcess;
  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.#output = new ServerLog(child, {
      keep: 200,
      onLine: (line) => {
        const metrics = /"msg":"metrics listening"/.test(line) ? /"url":"([^"]+)"/.exec(line) : null;
        if (metrics) this.metricsUrl = metrics[1]!.replace(/\/metrics$/, '');
      },
    });
  }

  metricsUrl = '';

  get log(): string[] {
    return this.#output.lines;
  }

  get url(): string {
    return this.#output.url;
  }

  /** Spawns the process (handed to `spawned` at once, so after() can end it) and waits until it listens. */
  static async start(name: string, env: Record<string, string>, spawned: (r: Replica) => void): Promise<Replica> {
    const child = spawn(process.execPath, [SERVER], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const replica = new Replica(name, child);
    spawned(replica);
    let gone = false;
    void replica.exited.then(() => (gone = true));
    await until(
      `replica ${name} listening`,
      () => {
        if (gone) throw new Error(`replica ${name} exited`);
        return replica.url !== '' && replica.metricsUrl !== '';
      },
      45_000,
    ).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${replica.log.slice(-30).join('\n')}`);
    });
    return replica;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  /** Graph sizes over every tenant, from the process's own metrics listener. */
  async graph(): Promise<{ customers: number; identifiers: number; links: number }> {
    const text = await (await fetch(`${this.metricsUrl}/metrics`)).text();
    const read = (name: string) => {
      const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text);
      assert.ok(match, `${name} in the metrics of ${this.name}`);
      return Number(match[1]);
    };
    return {
      customers: read('redoubt_graph_customers'),
      identifiers: read('redoubt_graph_identifiers'),
      links: read('redoubt_graph_links'),
    };
  }
}

/** A server-sent-events reader over real HTTP. */
class Stream {
  readonly events: { type: string; customerId?: string; label?: string; viewers?: string[] }[] = [];
  readonly #controller = new AbortController();
  static async open(base: string, query: string, headers: Record<string, string>): Promise<Stream> {
    const stream = new Stream();
    const response = await fetch(`${base}/api/live?${query}`, { headers, signal: stream.#controller.signal });
    assert.equal(response.status, 200, await (response.status === 200 ? '' : response.text()));
    void stream.#read(response.body!);
    return stream;
  }
  async #read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data:'));
          buffer = buffer.slice(end + 2);
          if (data) this.events.push(JSON.parse(data.slice(5)));
        }
      }
    } catch {
      // aborted
    }
  }
  close() {
    this.#controller.abort();
  }
}

describe('two BFF processes on PostgreSQL, Bigtable and Pub/Sub', { skip }, () => {
  let ids: TestIdentities;
  let db: Database;
  let pg: { url: string; drop: () => Promise<void> };
  let bigtable: { host: string; stop: () => Promise<void> };
  let pubsub: { host: string; stop: () => Promise<void> };
  let jwks: Server;
  let root: string;
  const run = randomBytes(3).toString('hex');
  const started: Replica[] = [];
  const env: Record<string, string> = {};

  const replica = async (name: 'a' | 'b'): Promise<Replica> => {
    return Replica.start(
      name,
      {
        ...env,
        REDOUBT_REPLICA: name,
        REDOUBT_DATA_DIR: join(root, name),
        PORT: '0',
        METRICS_PORT: String(await freePort()),
      },
      (r) => started.push(r),
    );
  };
  const call = async (
    r: Replica,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) => {
    const res = await fetch(`${r.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
  };
  const bot = () => ids.headers({ email: 'bot@merchant.test', role: 'service', tenant: [TENANT] });
  const analyst = () => ids.headers({ email: 'ann@redoubt.test', role: 'analyst', tenant: TENANT });
  const colleague = () => ids.headers({ email: 'ben@redoubt.test', role: 'analyst', tenant: TENANT });
  const ingest = async (r: Replica, events: RedoubtEvent[]) => {
    const res = await call(r, `${T}/events`, {
      method: 'POST',
      headers: { ...(await bot()), 'content-type': 'application/x-ndjson' },
      body: events.map((e) => JSON.stringify(e)).join('\n'),
    });
    assert.equal(res.status, 200, res.text);
    return res.json() as { accepted: number };
  };
  const network = async (r: Replica, id: string) => {
    const res = await call(r, `${T}/customers/${id}/network?depth=2`, { headers: await analyst() });
    return res.status === 200 ? (res.json() as { nodes: { id: string; label?: string }[] }) : undefined;
  };

  before(async () => {
    pg = await freshPostgresDatabase('redoubt_processes');
    [bigtable, pubsub] = await Promise.all([startBigtableEmulator(), startPubSubEmulator()]);
    root = await mkdtemp(join(tmpdir(), 'redoubt-processes-'));
    // The JWK set over https with a certificate made for this run (loadConfig takes https only).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(root, 'jwks.key'),
        '-out',
        join(root, 'jwks.crt'),
      ],
      { stdio: 'ignore' },
    );
    const config = loadConfig({ DATABASE_URL: pg.url, REDOUBT_SECRET: randomBytes(32).toString('base64url') });
    db = await openDatabase(config);
    await migrate(db);
    await new SqlReviewStore(db).ensureTenant(TENANT, 'Acme Shop');
    ids = await testIdentities({ directory: new SqlUserDirectory(db) });
    // Granted before either process reads them (their principal cache holds 2 s).
    await Promise.all([bot(), analyst(), colleague()]);
    jwks = createServer(
      { key: await readFile(join(root, 'jwks.key')), cert: await readFile(join(root, 'jwks.crt')) },
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ids.jwks())),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    // One search index file for both processes.
    for (const name of ['a', 'b']) {
      await mkdir(join(root, name), { recursive: true });
      await symlink(join(root, 'search.db'), join(root, name, 'search.db'));
    }
    Object.assign(env, {
      NODE_EXTRA_CA_CERTS: join(root, 'jwks.crt'),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDOUBT_DASHBOARD_DIR: 'none',
      DATABASE_URL: pg.url,
      BIGTABLE_PROJECT: 'redoubt-test',
      BIGTABLE_INSTANCE: `processes-${run}`,
      BIGTABLE_EMULATOR_HOST: bigtable.host,
      PUBSUB_PROJECT: 'redoubt-test',
      PUBSUB_TOPIC: `changes-${run}`,
      PUBSUB_EMULATOR_HOST: pubsub.host,
      IAP_AUDIENCE: TEST_AUDIENCE,
      IAP_ISSUER: TEST_ISSUER,
      IAP_JWKS_URL: `https://127.0.0.1:${(jwks.address() as AddressInfo).port}/public_key-jwk`,
      REDOUBT_SECRET: ids.secret,
    });
  });
  after(async () => {
    await Promise.all(started.map((r) => r.kill('SIGKILL')));
    if (jwks)
      await new Promise<void>((resolve) => {
        jwks.closeAllConnections();
        jwks.close(() => resolve());
      });
    await db?.close();
    await Promise.all([bigtable?.stop(), pubsub?.stop()]);
    await pg?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("events ingested through A appear in B's network and live stream; a review on B reaches A", async () => {
    // One after the other, as a rollout would add a replica.
    const a = await replica('a');
    const b = await replica('b');
    for (const r of [a, b]) {
      const ready = await call(r, '/api/health/ready');
      assert.equal(ready.status, 200, ready.text);
      const checks = (ready.json() as { checks: { name: string; status: string }[] }).checks;
      assert.ok(
        checks.some((c) => c.name === 'feed' && c.status === 'up'),
        ready.text,
      );
    }
    await ingest(a, [customerEvent('ann', 'ann@x.test')]);
    await until("ann in B's network", () => network(b, 'ann'));
    const onB = await Stream.open(b.url, `tenant=${TENANT}&watch=ann`, await colleague());
    const onA = await Stream.open(a.url, `tenant=${TENANT}&watch=ann`, await analyst());
    try {
      // Bob shares Ann's email: a new link into the network B's analyst watches.
      await ingest(a, [customerEvent('bob', 'ann@x.test'), scoreEvent('bob', 70, 'REVIEW')]);
      await until("bob in B's network of ann", async () =>
        (await network(b, 'ann'))?.nodes.some((n) => n.id === 'c:bob'),
      );
      await until("the link on B's stream", () => onB.events.some((e) => e.type === 'link' && e.customerId === 'bob'));

      // Bob is in the queue on A (score says REVIEW); an analyst on B decides him.
      const queued = await call(a, `${T}/queue`, { headers: await analyst() });
      assert.equal(queued.status, 200, queued.text);
      assert.ok(queued.text.includes('"bob"'), `bob in A's queue: ${queued.text}`);
      const history = await call(b, `${T}/customers/bob/reviews`, { headers: await analyst() });
      assert.equal(history.status, 200, history.text);
      const decided = await call(b, `${T}/customers/bob/reviews`, {
        method: 'POST',
        headers: {
          ...(await analyst()),
          'if-match': history.headers.get('etag')!,
          'idempotency-key': `r-${run}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ action: 'PREVENT', label: 'FRAUDSTER', reason: 'linked-to-fraud' }),
      });
      assert.equal(decided.status, 201, decided.text);
      await until("the review on A's stream", () =>
        onA.events.some((e) => e.type === 'review' && e.customerId === 'bob'),
      );
      const bobOnA = (await network(a, 'ann'))?.nodes.find((n) => n.id === 'c:bob');
      assert.equal(bobOnA?.label, 'FRAUDSTER');
      const queueOnA = await call(a, `${T}/queue`, { headers: await analyst() });
      assert.equal(queueOnA.status, 200, queueOnA.text);
      assert.ok(!queueOnA.text.includes('"bob"'), 'decided: out of the open queue on A too');
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('B killed (SIGKILL) and started again while A ingests catches up with nothing missing or doubled', async () => {
    const a = started[0]!;
    let b = started[1]!;
    let sending = true;
    let sent = 0;
    const sender = (async () => {
      for (let batch = 0; sending && batch < 400; batch++) {
        const events: RedoubtEvent[] = [];
        for (let i = 0; i < 20; i++) {
          const id = `k${batch}-${i}`;
          // Every fifth customer shares an email with the batch's first: links within batches.
          events.push(customerEvent(id, i % 5 === 0 ? `shared${batch}@x.test` : `${id}@x.test`));
        }
        sent += (await ingest(a, events)).accepted;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await until('a few batches', () => sent >= 200);
    await b.kill('SIGKILL');
    await until('more batches while B is down', () => sent >= 600);
    b = await replica('b');
    await until('more batches after B is back', () => sent >= 1_000, 30_000);
    sending = false;
    await sender;
    const expected = await a.graph();
    await until(
      'B caught up with A',
      async () => JSON.stringify(await b.graph()) === JSON.stringify(expected),
      45_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: A ${JSON.stringify(expected)}, B ${JSON.stringify(await b.graph())}`);
    });
    // Nothing doubled: the same customers, identifiers and links as A; nothing missing: every
    // customer A accepted is in B's graph.
    assert.deepEqual(await b.graph(), expected);
    assert.ok(expected.customers >= sent, `${expected.customers} customers for ${sent} sent`);
    for (const id of ['k0-0', 'k10-3', `k${Math.floor(sent / 20) - 1}-4`]) {
      assert.ok(await network(b, id), `${id} on B`);
    }
  });
});
