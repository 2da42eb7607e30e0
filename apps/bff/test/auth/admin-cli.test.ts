// `npm run admin -- grant|revoke|list|tenant`: argument handling over the directory port, and the
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

test('grant, revoke and list through the port; bad arguments are usage errors', async () => {
  const directory = new MemoryUserDirectory();
  const deps = { directory, createTenant: async () => {}, actor };
  assert.match(
    (await runAdminCommand(['grant', 'ana@bank.test', 'analyst', 'acme-shop'], deps))[0]!,
    /granted: ana@bank.test {2}analyst {2}tenants: acme-shop/,
  );
  assert.match((await runAdminCommand(['list'], deps))[0]!, /ana@bank.test/);
  assert.match((await runAdminCommand(['revoke', 'ana@bank.test'], deps))[0]!, /REVOKED/);
  assert.equal(await directory.resolve({ sub: 's', email: 'ana@bank.test' }), undefined);
  await assert.rejects(runAdminCommand(['grant', 'ana@bank.test', 'superuser'], deps), UsageError);
  await assert.rejects(runAdminCommand(['grant'], deps), UsageError);
  await assert.rejects(runAdminCommand(['revoke', 'ghost@bank.test'], deps), UsageError);
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
    assert.match(granted.stdout, /lee@bank.test {2}lead {2}tenants: acme-shop {2}\(not signed in yet\)/);
    const unknown = run('grant', 'x@bank.test', 'lead', 'nope');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /Unknown tenant "nope"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
