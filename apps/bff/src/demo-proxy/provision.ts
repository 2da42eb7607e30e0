// Start-up provisioning for the embedded demo: its organisations and people, idempotently (a
// grant that changes nothing writes nothing). A demo user an admin revoked stays revoked.
import type { Database } from '../db/database.ts';
import type { UserDirectory } from '../ports/user-directory.ts';
import { DEMO_TENANTS, DEMO_USERS } from './demo-users.ts';

const PROVISIONER = { sub: 'system:demo-provisioning', email: 'demo-provisioning@redoubt.local' };

export async function provisionDemo(db: Database, directory: UserDirectory): Promise<void> {
  for (const tenant of DEMO_TENANTS) {
    await db.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
      tenant.id,
      tenant.name,
    ]);
  }
  const existing = new Set((await directory.list()).map((e) => e.email));
  for (const user of DEMO_USERS) {
    if (existing.has(user.email)) continue;
    for (const tenant of user.tenants) await directory.grant(PROVISIONER, user.email, user.role, tenant);
  }
}
