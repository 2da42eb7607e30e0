import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Bigtable } from '@google-cloud/bigtable';
import { profileStoreContract } from '../../../test/contracts/profile-store.contract.ts';
import type { CustomerRecord } from '../../ports/profile-store.ts';
import { FIGURE_COUNTERS } from '../../ports/profile-store.ts';
import { needs } from '../../../test/support/backends.ts';
import {
  bigtableEmulatorAvailable,
  CBTEMULATOR,
  startBigtableEmulator,
} from '../../../test/support/bigtable-emulator.ts';
import { SqliteProfileStore } from './sqlite-profile-store.ts';
import { BigtableProfileStore } from './bigtable-profile-store.ts';
import { InvalidInput } from '../../domain/errors.ts';

profileStoreContract('embedded (node:sqlite)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-profiles-'));
  const file = join(dir, 'profiles.db');
  const store = new SqliteProfileStore(file);
  const probe = new DatabaseSync(file, { readOnly: true });
  return {
    store,
    raw: {
      // Storage order of the timeline index: (tenant, customer_id, at DESC, event_id DESC).
      eventIds: async (tenant, customerId) =>
        (
          probe
            .prepare('SELECT event_id FROM events INDEXED BY events_timeline WHERE tenant = ? AND customer_id = ?')
            .all(tenant, customerId) as { event_id: string }[]
        ).map((r) => r.event_id),
      customer: async (tenant, id) => {
        const row = probe.prepare('SELECT body FROM customers WHERE tenant = ? AND id = ?').get(tenant, id) as
          { body: string } | undefined;
        return row ? (JSON.parse(row.body) as CustomerRecord) : undefined;
      },
    },
    cleanup: async () => {
      probe.close();
      await rm(dir, { recursive: true, force: true });
    },
    // A customer row that cannot be serialised fails the transaction after its events and rollups
    // were written in it: everything rolls back.
    failingWrite: (tenant, events, customers) =>
      store.write(tenant, events, [...customers, { ...customers[0]!, id: 'poison', counters: { n: 1n as never } }]),
  };
});

profileStoreContract(
  'Bigtable (cbtemulator)',
  async () => {
    const emulator = await startBigtableEmulator();
    const options = {
      projectId: 'redoubt-test',
      instanceId: 'redoubt',
      emulatorHost: emulator.host,
      tablePrefix: `t${process.pid}_${Date.now().toString(36)}_`,
    };
    const store = await BigtableProfileStore.open(options);
    // A separate client reads the raw rows: the key design is part of the contract.
    const client = new Bigtable({
      projectId: options.projectId,
      apiEndpoint: emulator.host,
      universeDomain: 'googleapis.com',
      metricsEnabled: false,
    } as ConstructorParameters<typeof Bigtable>[0]);
    const table = client.instance(options.instanceId).table(`${options.tablePrefix}customers`);
    return {
      store,
      raw: {
        eventIds: async (tenant, customerId) => {
          const [rows] = await table.getRows({ prefix: `${tenant}#${customerId}#` });
          return rows.map((r) => r.id.split('#').at(-1)!);
        },
        customer: async (tenant, id) => {
          const [rows] = await table.getRows({ keys: [`${tenant}#${id}`] });
          const cell = rows[0]?.data.profile?.body?.[0];
          return cell ? (JSON.parse(String(cell.value)) as CustomerRecord) : undefined;
        },
      },
      failingWrite: async (tenant, events, customers) => {
        store.failRollupsAfter = 1;
        try {
          await store.write(tenant, events, customers);
        } finally {
          store.failRollupsAfter = undefined;
        }
      },
      cleanup: async () => {
        await store.dropTables();
        await client.close();
        await emulator.stop();
      },
    };
  },
  needs('Bigtable emulator', bigtableEmulatorAvailable(), `set BIGTABLE_EMULATOR_HOST or install ${CBTEMULATOR}`),
);

// Bigtable row keys join tenant and ids with '#': the store itself refuses parts that could name
// another tenant's or customer's rows, whatever its callers check (docs/decisions/0005-tenant-isolation.md).
test(
  'Bigtable refuses tenants and ids that would reach across row-key boundaries',
  needs('Bigtable emulator', bigtableEmulatorAvailable(), `set BIGTABLE_EMULATOR_HOST or install ${CBTEMULATOR}`),
  async () => {
    const emulator = await startBigtableEmulator();
    const store = await BigtableProfileStore.open({
      projectId: 'redoubt-test',
      instanceId: 'redoubt',
      emulatorHost: emulator.host,
      tablePrefix: `k${process.pid}_${Date.now().toString(36)}_`,
    });
    try {
      const refused = (call: Promise<unknown>) => assert.rejects(call, InvalidInput);
      await refused(store.getCustomers('acme#c1', ['x']));
      await refused(store.getCustomers('acme', ['c1#9']));
      await refused(store.getCustomers('', ['c1']));
      await refused(store.timeline('acme', 'c1#', { limit: 5 }));
      await refused(store.existingEvents('acme', ['e#1']));
      await refused(store.countCustomers('acme#'));
      const at = Date.UTC(2026, 9, 1);
      const event = {
        eventId: 'e1',
        customerId: 'c#1',
        type: 'login' as const,
        at,
        event: {
          eventId: 'e1',
          customerId: 'c#1',
          type: 'login' as const,
          timestamp: new Date(at).toISOString(),
          login: { success: true, mechanism: 'password' as const },
        },
      };
      await refused(store.write('acme', [event], []));
      assert.deepEqual(await store.rawKeys('acme'), [], 'nothing was written');
    } finally {
      await store.dropTables();
      await emulator.stop();
    }
  },
);

// Files written before the rollups had columns kept one JSON row per (tenant, hour): opening one
// moves those counters into the new tables, once, and nothing is lost or counted twice.
test('embedded: opening a file with the old JSON rollup rows moves them into the new tables', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-profiles-migrate-'));
  const file = join(dir, 'profiles.db');
  const H = 3_600_000;
  const T0 = Date.UTC(2026, 9, 1);
  try {
    const old = new DatabaseSync(file);
    old.exec(
      'CREATE TABLE rollups (tenant TEXT NOT NULL, hour INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (tenant, hour)) WITHOUT ROWID',
    );
    const put = old.prepare('INSERT INTO rollups VALUES (?, ?, ?)');
    put.run(
      'acme',
      T0,
      JSON.stringify({ orders: 2, orderValue: 1250, 'reason.velocity: card': 1, 'country.GB.orders': 2 }),
    );
    put.run('acme', T0 + 25 * H, JSON.stringify({ PREVENT: 1, preventedValue: 40, 'country.GB.prevented': 1 }));
    put.run('globex', T0, JSON.stringify({ orders: 9 }));
    old.close();

    for (let open = 0; open < 2; open++) {
      const store = new SqliteProfileStore(file);
      assert.deepEqual(await store.rollups('acme', T0, T0 + 48 * H), [
        { hour: T0, counts: { orders: 2, orderValue: 1250, 'reason.velocity: card': 1, 'country.GB.orders': 2 } },
        { hour: T0 + 25 * H, counts: { PREVENT: 1, preventedValue: 40, 'country.GB.prevented': 1 } },
      ]);
      assert.deepEqual(await store.rollupTotals('acme', T0, T0 + 48 * H), {
        orders: 2,
        orderValue: 1250,
        PREVENT: 1,
        preventedValue: 40,
        'reason.velocity: card': 1,
        'country.GB.orders': 2,
        'country.GB.prevented': 1,
      });
      assert.deepEqual(await store.rollupTotals('globex', T0, T0 + 48 * H), { orders: 9 });
      await store.close();
    }
    const probe = new DatabaseSync(file, { readOnly: true });
    assert.equal(probe.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'rollups'").get(), undefined);
    probe.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// The second layout kept one row per counter name per hour (`rollup_keys`) and per UTC day
// (`rollup_day_keys`): opening such a file moves the counters into one row per breakdown key, once.
test('embedded: opening a file with one rollup row per counter name moves them into part rows', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-profiles-migrate-keys-'));
  const file = join(dir, 'profiles.db');
  const H = 3_600_000;
  const T0 = Date.UTC(2026, 9, 1);
  try {
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE rollup_hours (tenant TEXT NOT NULL, hour INTEGER NOT NULL,
        ${FIGURE_COUNTERS.map((f) => `"${f}" INTEGER NOT NULL DEFAULT 0,`).join(' ')} PRIMARY KEY (tenant, hour)) WITHOUT ROWID;
      CREATE TABLE rollup_keys (tenant TEXT NOT NULL, hour INTEGER NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (tenant, hour, name)) WITHOUT ROWID;
      CREATE TABLE rollup_day_keys (tenant TEXT NOT NULL, day INTEGER NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (tenant, day, name)) WITHOUT ROWID;`);
    old.prepare('INSERT INTO rollup_hours (tenant, hour, orders, PREVENT) VALUES (?, ?, ?, ?)').run('acme', T0, 2, 1);
    const put = old.prepare('INSERT INTO rollup_keys VALUES (?, ?, ?, ?)');
    const keys: [string, number, string, number][] = [
      ['acme', T0, 'country.GB.orders', 2],
      ['acme', T0, 'country.GB.orderValue', 1250],
      ['acme', T0, 'method.apple.pay.transactions', 3],
      ['acme', T0, 'reason.velocity: card.v2', 1],
      ['acme', T0 + 25 * H, 'country.GB.orders', 5],
      ['globex', T0, 'country.FR.chargebacks', 4],
    ];
    for (const k of keys) put.run(...k);
    old.close();

    for (let open = 0; open < 2; open++) {
      const store = new SqliteProfileStore(file);
      assert.deepEqual(await store.rollups('acme', T0, T0 + 48 * H), [
        {
          hour: T0,
          counts: {
            orders: 2,
            PREVENT: 1,
            'country.GB.orders': 2,
            'country.GB.orderValue': 1250,
            'method.apple.pay.transactions': 3,
            'reason.velocity: card.v2': 1,
          },
        },
        { hour: T0 + 25 * H, counts: { 'country.GB.orders': 5 } },
      ]);
      // Whole days from the day rows, rebuilt from the hour rows.
      assert.deepEqual(await store.rollupTotals('acme', T0, T0 + 48 * H), {
        orders: 2,
        PREVENT: 1,
        'country.GB.orders': 7,
        'country.GB.orderValue': 1250,
        'method.apple.pay.transactions': 3,
        'reason.velocity: card.v2': 1,
      });
      assert.deepEqual(await store.rollupTotals('globex', T0, T0 + 48 * H), { 'country.FR.chargebacks': 4 });
      await store.close();
    }
    const probe = new DatabaseSync(file, { readOnly: true });
    assert.equal(
      probe.prepare("SELECT 1 FROM sqlite_schema WHERE name IN ('rollup_keys', 'rollup_day_keys')").get(),
      undefined,
    );
    probe.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
