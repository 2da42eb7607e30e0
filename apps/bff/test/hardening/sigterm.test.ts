// SIGTERM under load (docs/faults.md): `node apps/bff/src/server.ts` from its environment alone
// (IAP assertions signed here, verified against a JWK set served over https), on PGlite in its
// data folder and on PostgreSQL. While analysts write notes and service principals send events,
// and a large batch is in flight, the process gets SIGTERM: readiness answers 503 at once while
// requests are still served (SHUTDOWN_DRAIN_MS), the batch in flight finishes, the live stream
// gets its 'bye' and ends, the process exits 0 after writing the graph snapshot. Started again,
// it restores from that snapshot and every acknowledged note and event is there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedoubtEvent } from '@redoubt/contracts';
import { SqlReviewStore } from '../../src/adapters/review-store/sql-review-store.ts';
import { SqlUserDirectory } from '../../src/adapters/user-directory/sql-user-directory.ts';
import { openDatabase } from '../../src/db/database.ts';
import { testIdentities, TEST_AUDIENCE, TEST_ISSUER } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { freshPostgresDatabase, needs, postgresReachable } from '../support/backends.ts';
import { ServerLog } from '../support/server-log.ts';

const TENANT = 'acme-shop';
const T = `/api/tenants/${TENANT}`;
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER = join(ROOT, 'apps/bff/src/server.ts');
const DRAIN_MS = 3_000;
const WRITERS = 4;
const CUSTOMERS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const customer = (id: string): RedoubtEvent => ({
  eventId: `${id}-customer`,
  type: 'customer',
  customerId: id,
  timestamp: new Date().toISOString(),
  customer: { name: `Customer ${id}`, email: `${id}@example.com` },
});
const ndjson = (events: RedoubtEvent[]) => events.map((e) => JSON.stringify(e)).join('\n');

/** One server process: its URL (from its log), its log lines and its exit. */
class BffProcess {
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  readonly child: ChildProcess;
  readonly #output: ServerLog;
  constructor(child: ChildProcess) {
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.#output = new ServerLog(child);
  }

  get log(): string[] {
    return this.#output.lines;
  }

  get url(): string {
    return this.#output.url;
  }

  static async start(env: Record<string, string>): Promise<BffProcess> {
    const server = new BffProcess(
      spawn(process.execPath, [SERVER], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const until = Date.now() + 90_000;
    while (!server.url) {
      if (server.child.exitCode !== null || Date.now() > until) {
        server.child.kill('SIGKILL');
        throw new Error(`the server did not start:\n${server.log.slice(-30).join('\n')}`);
      }
      await sleep(50);
    }
    return server;
  }

  async call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    const res = await fetch(`${this.url}${path}`, init);
    return { status: res.status, text: await res.text() };
  }
}

type Backend = 'PGlite' | 'PostgreSQL';
const pgAvailable = await postgresReachable();

for (const backend of ['PGlite', 'PostgreSQL'] as Backend[]) {
  describe(
    `SIGTERM under load (${backend})`,
    backend === 'PostgreSQL' ? needs('PostgreSQL', pgAvailable, 'TEST_DATABASE_URL') : {},
    () => {
      let root: string;
      let jwks: Server;
      let ids: TestIdentities;
      let pg: { url: string; drop: () => Promise<void> } | undefined;
      const env: Record<string, string> = {};
      const servers: BffProcess[] = [];
      const analysts: Record<string, string>[] = [];
      const bots: Record<string, string>[] = [];

      before(async () => {
        root = await mkdtemp(join(tmpdir(), 'redoubt-sigterm-'));
        const dataDir = join(root, 'data');
        if (backend === 'PostgreSQL') pg = await freshPostgresDatabase('redoubt_sigterm');
        // Tenant and grants first, as `npm run admin` would with the server stopped (PGlite is one process's).
        const db = await openDatabase({ databaseUrl: pg?.url, dataDir });
        await new SqlReviewStore(db).ensureTenant(TENANT, 'Acme Shop');
        ids = await testIdentities({ directory: new SqlUserDirectory(db) });
        for (let i = 0; i < WRITERS; i++) {
          analysts.push(await ids.headers({ email: `analyst${i}@redoubt.test`, role: 'analyst', tenant: TENANT }));
          bots.push(await ids.headers({ email: `bot${i}@merchant.test`, role: 'service', tenant: TENANT }));
        }
        await db.close();
        // The JWK set over https with a certificate made for this run (loadConfig takes https only).
        execFileSync(
          'openssl',
          [
            ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
            ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
            ...['-keyout', join(root, 'jwks.key'), '-out', join(root, 'jwks.crt')],
          ],
          { stdio: 'ignore' },
        );
        jwks = createServer(
          { key: await readFile(join(root, 'jwks.key')), cert: await readFile(join(root, 'jwks.crt')) },
          (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ids.jwks())),
        );
        await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
        Object.assign(env, {
          NODE_EXTRA_CA_CERTS: join(root, 'jwks.crt'),
          HOST: '127.0.0.1',
          PORT: '0',
          METRICS_PORT: '0',
          LOG_LEVEL: 'info',
          REDOUBT_DASHBOARD_DIR: 'none',
          REDOUBT_DATA_DIR: dataDir,
          ...(pg && { DATABASE_URL: pg.url }),
          IAP_AUDIENCE: TEST_AUDIENCE,
          IAP_ISSUER: TEST_ISSUER,
          IAP_JWKS_URL: `https://127.0.0.1:${(jwks.address() as AddressInfo).port}/public_key-jwk`,
          REDOUBT_SECRET: ids.secret,
          SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
        });
      });
      after(async () => {
        for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
        await Promise.all(servers.map((s) => s.exited));
        if (jwks)
          await new Promise<void>((resolve) => {
            jwks.closeAllConnections();
            jwks.close(() => resolve());
          });
        await pg?.drop();
        if (root) await rm(root, { recursive: true, force: true });
      });

      it('drains, finishes what is in flight, closes streams, writes the snapshot; a restart has every acknowledged write', async (t) => {
        const first = await BffProcess.start(env);
        servers.push(first);
        // On failure, what the server said besides its request lines.
        t.after(() => {
          if (first.child.exitCode === 0) return;
          console.log(first.log.filter((l) => !/"msg":"(request completed|incoming request)"/.test(l)).join('\n'));
        });
        const seeded = await first.call(`${T}/events`, {
          method: 'POST',
          headers: { ...bots[0]!, 'content-type': 'application/x-ndjson' },
          body: ndjson(Array.from({ length: CUSTOMERS }, (_, i) => customer(`c${i}`))),
        });
        assert.equal(seeded.status, 200, seeded.text);

        // A live stream, read until the server ends it.
        const live = await fetch(`${first.url}/api/live?tenant=${TENANT}&watch=c0`, { headers: analysts[0] });
        assert.equal(live.status, 200);
        const liveText = (async () => {
          let text = '';
          const decoder = new TextDecoder();
          for await (const chunk of live.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
          return text;
        })();

        // Load: each writer alternates a note and an event until the server stops answering.
        const notes = new Map<string, string>(); // acknowledged note id -> customer
        const events = new Set<string>(); // acknowledged customers
        const statuses: Record<string, number> = {};
        const writer = async (w: number) => {
          for (let i = 0; ; i++) {
            const target = `c${(w + i) % CUSTOMERS}`;
            const noteId = randomUUID();
            const eventCustomer = `w${w}-${i}`;
            let answer;
            try {
              answer =
                i % 2 === 0
                  ? await first.call(`${T}/customers/${target}/notes`, {
                      method: 'POST',
                      headers: { ...analysts[w]!, 'content-type': 'application/json' },
                      body: JSON.stringify({ id: noteId, body: `note ${w}-${i}` }),
                    })
                  : await first.call(`${T}/events`, {
                      method: 'POST',
                      headers: { ...bots[w]!, 'content-type': 'application/x-ndjson' },
                      body: ndjson([customer(eventCustomer)]),
                    });
            } catch {
              return; // the server stopped accepting: no answer, nothing acknowledged
            }
            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            // Acknowledged, limited, or refused while closing: never anything else.
            assert.ok([200, 201, 429, 503].includes(answer.status), `${answer.status} ${answer.text}`);
            if (answer.status === 201) notes.set(noteId, target);
            if (answer.status === 200 && i % 2 === 1) events.add(eventCustomer);
            await sleep(15);
          }
        };
        const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
        await sleep(500);

        // A large batch in flight when the signal arrives.
        const bulk = Array.from({ length: 2_000 }, (_, i) => customer(`bulk-${i}`));
        const batch = first.call(`${T}/events`, {
          method: 'POST',
          headers: { ...bots[0]!, 'content-type': 'application/x-ndjson' },
          body: ndjson(bulk),
        });
        await sleep(20);
        const signalled = Date.now();
        first.child.kill('SIGTERM');

        // Not ready first, while still serving.
        let ready;
        do ready = await first.call('/api/health/ready');
        while (ready.status === 200 && Date.now() - signalled < DRAIN_MS);
        assert.equal(ready.status, 503, ready.text);
        const notReadyMs = Date.now() - signalled;
        assert.ok(notReadyMs < DRAIN_MS, `not ready after ${notReadyMs} ms`);
        const served = await first.call(`${T}/customers/c1`, { headers: analysts[1] });
        assert.equal(served.status, 200, 'still serving while draining');
        assert.ok(Date.now() - signalled < DRAIN_MS, 'served within the drain');

        const inFlight = await batch;
        assert.equal(inFlight.status, 200, inFlight.text);
        assert.equal((JSON.parse(inFlight.text) as { accepted: number }).accepted, bulk.length);

        const exit = await first.exited;
        await Promise.all(writers);
        assert.deepEqual(
          exit,
          { code: 0, signal: null },
          first.log
            .slice(first.log.findIndex((l) => l.includes('shutting down')))
            .filter((l) => !l.includes('request completed') && !l.includes('incoming request'))
            .join('\n'),
        );
        assert.ok(first.log.some((l) => l.includes('"msg":"stopped"')));
        assert.match(await liveText, /"type":"bye"/);
        const snapshot = await stat(join(env.REDOUBT_DATA_DIR!, 'graph', 'snapshot.json'));
        assert.ok(snapshot.mtimeMs >= signalled, 'the graph snapshot was written on the way out');
        assert.ok(notes.size > 0 && events.size > 0, `acknowledged during the run: ${JSON.stringify(statuses)}`);

        // Started again: restored from that snapshot, and every acknowledged write is there.
        const second = await BffProcess.start(env);
        servers.push(second);
        const restored = second.log.find((l) => l.includes('graph restored from snapshot'));
        assert.match(restored ?? '', /"snapshotTenants":1/, restored);
        const byCustomer = new Map<string, Set<string>>();
        for (let i = 0; i < CUSTOMERS; i++) {
          const res = await second.call(`${T}/customers/c${i}/notes?limit=200`, { headers: analysts[0] });
          assert.equal(res.status, 200, res.text);
          byCustomer.set(
            `c${i}`,
            new Set((JSON.parse(res.text) as { notes: { id: string }[] }).notes.map((n) => n.id)),
          );
        }
        for (const [id, target] of notes) assert.ok(byCustomer.get(target)!.has(id), `note ${id} lost`);
        const acknowledged = [...events, 'bulk-0', 'bulk-1999'];
        for (const [i, id] of acknowledged.entries()) {
          const res = await second.call(`${T}/customers/${id}`, { headers: analysts[i % WRITERS] });
          assert.equal(res.status, 200, `customer ${id} lost: ${res.text}`);
          // In the graph too (restored from the snapshot): a sample, within the graph routes' rate limit.
          if (i % 10 !== 0 && !id.startsWith('bulk-')) continue;
          const network = await second.call(`${T}/customers/${id}/network?depth=1`, { headers: analysts[i % WRITERS] });
          assert.equal(network.status, 200, `${id} not in the graph: ${network.text}`);
        }
        second.child.kill('SIGTERM');
        assert.deepEqual(await second.exited, { code: 0, signal: null });
        console.log(
          `${backend}: not ready ${notReadyMs} ms after SIGTERM; answers ${JSON.stringify(statuses)}; ` +
            `${notes.size} notes and ${events.size} events acknowledged, all there after the restart; ${restored}`,
        );
      });
    },
  );
}
