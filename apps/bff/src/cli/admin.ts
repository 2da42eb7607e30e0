// Operator CLI for access: `npm run admin -- <command>`. Talks to the same database the BFF uses
// (DATABASE_URL, or the embedded PGlite under REDOUBT_DATA_DIR: stop the server first, PGlite
// is single-process). A running BFF notices changes within its 2 s principal cache.
//
//   grant <email> <role> <tenant>   the person's role in that tenant (replaces the role held there only)
//                                   role: analyst | lead | merchant | admin | service
//   revoke <email> <tenant>         removes the role held in that tenant
//   platform-admin <email> [off]    makes (or with `off` unmakes) a platform administrator
//   disable <email> | enable <email>   the person can no longer (or again) sign in at all
//   list [tenant]
//   tenant <id> <name>              create an organisation (grants need it to exist)
// The operator is trusted like a platform administrator; changes are audited under cli:<user>.
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import type { Database } from '../db/database.ts';
import { SqlUserDirectory } from '../adapters/user-directory/sql-user-directory.ts';
import type { DirectoryActor, DirectoryEntry, UserDirectory } from '../ports/user-directory.ts';
import { ROLES } from '../principal.ts';
import type { Role } from '../principal.ts';

const USAGE = `usage: npm run admin -- grant <email> <role> <tenant>
       npm run admin -- revoke <email> <tenant>
       npm run admin -- platform-admin <email> [off]
       npm run admin -- disable <email>
       npm run admin -- enable <email>
       npm run admin -- list [tenant]
       npm run admin -- tenant <id> <name>
roles: ${ROLES.join(', ')}`;

export class UsageError extends Error {}

const describe = (e: DirectoryEntry) =>
  `${e.email}  ${e.kind === 'service' ? 'service principal' : e.platformAdmin ? 'platform admin' : 'person'}  ` +
  `roles: ${e.grants.map((g) => `${g.tenant}=${g.role}`).join(', ') || '(none)'}` +
  `${e.disabled ? '  DISABLED' : ''}${e.sub ? '' : '  (not signed in yet)'}`;

/** Runs one command; returns the lines to print. Throws UsageError on bad arguments. */
export async function runAdminCommand(
  args: readonly string[],
  deps: { directory: UserDirectory; createTenant: (id: string, name: string) => Promise<void>; actor: DirectoryActor },
): Promise<string[]> {
  const [command, ...rest] = args;
  switch (command) {
    case 'grant': {
      const [email, role, tenant, extra] = rest;
      if (!email || !role || !tenant || extra !== undefined) throw new UsageError(USAGE);
      if (!ROLES.includes(role as Role)) throw new UsageError(`unknown role "${role}"; roles: ${ROLES.join(', ')}`);
      return [`granted: ${describe(await deps.directory.grant(deps.actor, email, tenant, role as Role))}`];
    }
    case 'revoke': {
      const [email, tenant, extra] = rest;
      if (!email || extra !== undefined) throw new UsageError(USAGE);
      if (!tenant) throw new UsageError(`revoke needs a tenant; to stop ${email} signing in at all: disable ${email}`);
      const entry = await deps.directory.revoke(deps.actor, email, tenant);
      if (!entry) throw new UsageError(`no user ${email}`);
      return [`revoked from ${tenant}: ${describe(entry)}`];
    }
    case 'platform-admin': {
      const [email, off, extra] = rest;
      if (!email || (off !== undefined && off !== 'off') || extra !== undefined) throw new UsageError(USAGE);
      const entry = await deps.directory.setPlatformAdmin(deps.actor, email, off === undefined);
      if (!entry) throw new UsageError(`no user ${email}`);
      return [`${off ? 'no longer platform admin' : 'platform admin'}: ${describe(entry)}`];
    }
    case 'disable':
    case 'enable': {
      const [email, extra] = rest;
      if (!email || extra !== undefined) throw new UsageError(USAGE);
      const entry = await deps.directory.setDisabled(deps.actor, email, command === 'disable');
      if (!entry) throw new UsageError(`no user ${email}`);
      return [`${command}d: ${describe(entry)}`];
    }
    case 'list': {
      const [tenant, extra] = rest;
      if (extra !== undefined) throw new UsageError(USAGE);
      const entries = await deps.directory.list(tenant ? { tenants: [tenant] } : {});
      return entries.length ? entries.map(describe) : ['(no users)'];
    }
    case 'tenant': {
      const [id, ...name] = rest;
      if (!id || name.length === 0) throw new UsageError(USAGE);
      await deps.createTenant(id, name.join(' '));
      return [`tenant ${id} ready`];
    }
    default:
      throw new UsageError(USAGE);
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  let db: Database | undefined;
  try {
    db = await openDatabase(config);
    const database = db;
    const who = userInfo().username;
    const lines = await runAdminCommand(process.argv.slice(2), {
      directory: new SqlUserDirectory(database),
      createTenant: async (id, name) => {
        await database.query(
          'INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = $2',
          [id, name],
        );
      },
      actor: { sub: `cli:${who}`, email: `${who}@cli.local` },
    });
    for (const line of lines) console.log(line);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await db?.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main();
