// Nothing is public by default (docs/decisions/0005-tenant-isolation.md): the built dashboard's
// files and its client-side routes are public one by one; a route added later without a rule is
// refused; an unknown path is a 404, not the app shell. Metrics, which total every tenant, are not
// served on the public listener to anyone, but on the operators' own listener (METRICS_PORT).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { DASHBOARD_PAGES } from '../../src/access.ts';
import { serveMetrics } from '../../src/plugins/metrics.ts';
import { testIdentities } from '../support/identities.ts';
import type { TestIdentities } from '../support/identities.ts';
import { baseConfig, fakeServices } from '../auth/fake-services.ts';

const SHELL = '<!doctype html><html><body><app-root></app-root><script src="main-ABCD1234.js"></script></body></html>';

describe('public defaults', () => {
  let dir: string;
  let ids: TestIdentities;
  let app: FastifyInstance;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-dashboard-'));
    await writeFile(join(dir, 'index.html'), SHELL);
    await writeFile(join(dir, 'main-ABCD1234.js'), 'console.log("dashboard")');
    await mkdir(join(dir, 'media'));
    await writeFile(join(dir, 'media', 'roboto-latin-400.woff2'), 'font');
    ids = await testIdentities();
    app = await buildApp({
      config: { ...ids.configure(baseConfig), dashboardDir: dir },
      services: fakeServices([{ id: 'acme-shop', name: 'Acme' }], { users: ids.directory }),
      auth: ids.auth,
      logger: false,
    });
    // A route someone adds later, without a line in access.ts: it must be born private.
    app.get('/export.csv', async () => 'id,email\nc-1,ann@example.com\n');
    app.get('/reports/latest', async () => ({ secret: true }));
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("the dashboard's files and client-side routes are served without identity", async () => {
    for (const url of ['/', '/index.html', '/main-ABCD1234.js', '/media/roboto-latin-400.woff2']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
    }
    for (const url of ['/t/acme-shop/search', '/t/acme-shop/customers/c-42', '/t/acme-shop/queue', '/not-granted']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, SHELL, `${url} gets the app shell`);
    }
  });

  test("every client-side route of the dashboard's router is served the shell (and nothing more)", async () => {
    // Reads apps/dashboard/src/app/app.routes.ts as text (prettier-formatted: nesting is indentation).
    const source = await readFile(join(import.meta.dirname, '../../../dashboard/src/app/app.routes.ts'), 'utf8');
    const stack: { indent: number; path: string }[] = [];
    const pages = new Set<string>();
    for (const line of source.split('\n')) {
      const match = /^(\s*)(\{ )?path: '([^']*)'/.exec(line);
      if (!match) continue;
      // `{ path: …` on one line sits two columns left of a `path:` inside a multi-line object.
      const indent = match[1]!.length + (match[2] ? 2 : 0);
      while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, path: match[3]! });
      if (match[3] === '**') continue;
      const full = stack
        .map((s) => s.path)
        .filter(Boolean)
        .join('/');
      if (full !== '') pages.add(`/${full}`);
    }
    assert.ok(pages.has('/t/:tenant/customers/:id'), 'the reader found the nested routes');
    assert.deepEqual([...pages].sort(), [...DASHBOARD_PAGES].sort());
  });

  test('a route added without an access rule is refused, with or without identity', async () => {
    for (const url of ['/export.csv', '/reports/latest']) {
      assert.equal((await app.inject({ url })).statusCode, 403, url);
      const admin = await ids.headers({ email: 'root@bank.test', role: 'admin' });
      assert.equal((await app.inject({ url, headers: admin })).statusCode, 403, `${url} as admin`);
    }
  });

  test('an unknown path is a 404, not the app shell', async () => {
    for (const url of ['/whatever', '/t/acme-shop/unknown/deeper/path', '/api/nothing-here']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.notEqual(res.body, SHELL);
    }
  });

  test('/metrics is not on the public listener, whoever asks', async () => {
    const bot = await ids.headers({ email: 'bot@merchant.test', role: 'service', tenant: 'acme-shop' });
    const admin = await ids.headers({ email: 'ops@bank.test', role: 'admin' });
    for (const headers of [{}, bot, admin]) {
      const res = await app.inject({ url: '/metrics', headers });
      assert.equal(res.statusCode, 404, res.body);
      assert.doesNotMatch(res.body, /redoubt_/);
    }
  });

  test("the operators' listener serves the metrics, on loopback", async () => {
    await app.inject({ url: '/api/health/live' });
    const listener = await serveMetrics(app.metrics.registry, { host: '127.0.0.1', port: 0 });
    try {
      assert.match(listener.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(listener.url);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /redoubt_http_request_duration_seconds/);
      assert.equal((await fetch(listener.url.replace('/metrics', '/api/me'))).status, 404, 'metrics only');
    } finally {
      await listener.close();
    }
  });
});
