// `npm run admin -- grant|revoke|platform-admin|disable|enable|list|tenant`: argument handling over the directory port, and the
// real command end to end against PGlite in a temporary data folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdminCommand, UsageError } from '../../src/cli/admin.ts';
import { MemoryUserDirectory } from '../../src/adapters/user-directory/memory-user-directory.ts';

const actor = { sub: 'cli:test', email: 'test@cli.local' };

test('grant, revoke, platform-admin, disable and list through the port; bad arguments are usage errors', async () => {
  const directory = new MemoryUserDirectory({ tenants: ['acme-shop', 'globex-travel'] });
  const deps = { directory, createTenant: async () => {}, actor };
  assert.match(
    (await runAdminCommand(['grant', 'ana@bank.test', 'merchant', 'acme-shop'], deps))[0]!,
    /granted: ana@bank.test {2}person {2}roles: acme-shop=merchant/,
  );
  // A role in another tenant is that tenant's only.
  assert.match(
    (await runAdminCommand(['grant', 'ana@bank.test', 'analyst', 'globex-travel'], deps))[0]!,
    /roles: acme-shop=merchant, globex-travel=analyst/,
  );
  assert.match((await runAdminCommand(['list'], deps))[0]!, /ana@bank.test/);
  assert.deepEqual(await runAdminCommand(['list', 'nobody-tenant'], deps), ['(no users)']);
  assert.match(
    (await runAdminCommand(['revoke', 'ana@bank.test', 'acme-shop'], deps))[0]!,
    /roles: globex-travel=analyst {2}\(not signed in yet\)/,
  );
  assert.match((await runAdminCommand(['disable', 'ana@bank.test'], deps))[0]!, /DISABLED/);
  assert.equal(await directory.resolve({ sub: 's', email: 'ana@bank.test' }), undefined);
  assert.doesNotMatch((await runAdminCommand(['enable', 'ana@bank.test'], deps))[0]!, /DISABLED/);
  assert.match(
    (await runAdminCommand(['platform-admin', 'root@bank.test'], deps))[0]!,
    /platform admin {2}roles: \(none\)/,
  );
  assert.match(
    (await runAdminCommand(['platform-admin', 'root@bank.test', 'off'], deps))[0]!,
    /no longer platform admin/,
  );
  await assert.rejects(runAdminCommand(['grant', 'ana@bank.test', 'superuser', 'acme-shop'], deps), UsageError);
  await assert.rejects(
    runAdminCommand(['grant', 'ana@bank.test', 'analyst'], deps),
    UsageError,
    'a tenant is required',
  );
  await assert.rejects(runAdminCommand(['revoke', 'ana@bank.test'], deps), /disable ana@bank.test/);
  await assert.rejects(runAdminCommand(['grant'], deps), UsageError);
  await assert.rejects(runAdminCommand(['revoke', 'ghost@bank.test', 'acme-shop'], deps), UsageError);
  await assert.rejects(runAdminCommand(['delete-everything'], deps), UsageError);
});

test('the CLI process works against the embedded database', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-cli-'));
  const cli = join(import.meta.dirname, '../../src/cli/admin.ts');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], {
      env: { ...process.env, REDOUBT_DATA_DIR: dir, DATABASE_URL: '' },
      encoding: 'utf8',
    });
  try {
    assert.equal(run('tenant', 'acme-shop', 'Acme', 'Shop').status, 0);
    const granted = run('grant', 'Lee@Bank.test', 'lead', 'acme-shop');
    assert.equal(granted.status, 0, granted.stderr);
    assert.match(granted.stdout, /lee@bank.test {2}person {2}roles: acme-shop=lead {2}\(not signed in yet\)/);
    const platform = run('platform-admin', 'lee@bank.test');
    assert.equal(platform.status, 1, 'a person holding tenant roles is not made platform admin');
    assert.match(platform.stderr, /holds tenant roles/);
    const unknown = run('grant', 'x@bank.test', 'lead', 'nope');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /Unknown tenant "nope"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
