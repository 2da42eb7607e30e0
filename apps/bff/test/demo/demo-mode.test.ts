// The demo cannot reach production (docs/threat-model.md): its identity proxy comes up only with
// every store embedded and a loopback HOST, it answers only to loopback host names (DNS
// rebinding), and outside demo mode nothing of demo/ is loaded: no proxy, no seeding, no demo routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { ReviewStore } from '../../src/ports/review-store.ts';
import type { Database } from '../../src/db/database.ts';
import { MemoryUserDirectory } from '../../src/adapters/user-directory/memory-user-directory.ts';
import { partial } from '../support/partial.ts';
import { TEST_AUDIENCE } from '../support/identities.ts';

const SECRET = { REDOUBT_SECRET: 's'.repeat(32) };

describe('demo identity: embedded stores on loopback only', () => {
  test('REDOUBT_DEMO_IDENTITY=true next to a real store refuses to start', () => {
    for (const store of [
      { DATABASE_URL: 'postgres://db/redoubt' },
      { ELASTICSEARCH_URL: 'http://es:9200' },
      { BIGTABLE_PROJECT: 'p' },
    ]) {
      assert.throws(
        () => loadConfig({ ...SECRET, ...store, REDOUBT_DEMO_IDENTITY: 'true' }),
        /needs every store embedded/,
        JSON.stringify(store),
      );
    }
  });

  test('on a HOST other machines can reach, the demo is off, and cannot be turned on', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'redoubt.internal']) {
      assert.equal(loadConfig({ ...SECRET, HOST: host }).demoIdentityProxy, false, host);
      assert.throws(() => loadConfig({ HOST: host, REDOUBT_DEMO_IDENTITY: 'true' }), /loopback only/, host);
    }
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      assert.equal(loadConfig({ HOST: host }).demoIdentityProxy, true, host);
    }
  });

  test('outside the demo nothing is seeded and no trickle runs, whatever DEMO_CUSTOMERS says', () => {
    const prod = loadConfig({ ...SECRET, IAP_AUDIENCE: TEST_AUDIENCE, DEMO_CUSTOMERS: '5000', DEMO_TRICKLE: 'true' });
    assert.deepEqual(prod.demo, { seedCustomers: 0, trickle: false });
    assert.equal(loadConfig({}).demo.seedCustomers, 100_000);
  });
});

describe('the demo app', () => {
  let dir: string;
  let demo: FastifyInstance;
  let prod: FastifyInstance;
  const tenants = new Map<string, string>();
  const reviews = partial<ReviewStore>('reviews', {
    listTenants: async () => [...tenants].map(([id, name]) => ({ id, name })),
    ensureTenant: async (id, name) => void tenants.set(id, name),
    ping: async () => {},
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redoubt-demo-mode-'));
    const env = { REDOUBT_DATA_DIR: dir, REDOUBT_DASHBOARD_DIR: 'none', DEMO_CUSTOMERS: '0' };
    const services = { db: partial<Database>('db'), reviews };
    demo = await buildApp({
      config: loadConfig(env),
      services: { ...services, users: new MemoryUserDirectory() },
      logger: false,
    });
    prod = await buildApp({
      config: loadConfig({ ...env, ...SECRET, IAP_AUDIENCE: TEST_AUDIENCE }),
      services: { ...services, users: new MemoryUserDirectory() },
      logger: false,
    });
  });
  after(async () => {
    await demo?.close();
    await prod?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('answers only to loopback host names (DNS rebinding)', async () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'localhost']) {
      const res = await demo.inject({ url: '/api/health/live', headers: { host } });
      assert.equal(res.statusCode, 200, host);
    }
    for (const host of ['rebind.attacker.test:8080', '127.0.0.1.attacker.test', 'localhost.attacker.test:8080']) {
      for (const url of ['/api/health/live', '/demo/login', '/api/me']) {
        const res = await demo.inject({ url, headers: { host } });
        assert.equal(res.statusCode, 403, `${host} ${url}`);
        assert.equal(res.json().message, 'The local demo answers on localhost and 127.0.0.1 only');
      }
    }
  });

  test('in demo mode the demo routes exist and the demo tenants are created', async () => {
    const headers = { host: '127.0.0.1:8080' };
    assert.equal((await demo.inject({ url: '/demo/login', headers })).statusCode, 200);
    assert.equal((await demo.inject({ url: '/api/demo/status', headers })).statusCode, 401);
    assert.deepEqual([...tenants.keys()].sort(), ['acme-shop', 'globex-travel']);
    assert.equal(demo.hasDecorator('demo'), true);
  });

  test('outside demo mode no demo route, seeder or proxy exists, and any Host is served', async () => {
    const headers = { host: 'redoubt.bank.test' };
    assert.equal((await prod.inject({ url: '/demo/login', headers })).statusCode, 404);
    assert.equal((await prod.inject({ url: '/api/demo/status', headers })).statusCode, 404);
    assert.equal((await prod.inject({ url: '/api/health/live', headers })).statusCode, 200);
    assert.equal(prod.hasDecorator('demo'), false);
    assert.equal(prod.hasDecorator('demoIdentityProxy'), false);
  });
});
