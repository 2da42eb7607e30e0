// Start-up provisioning for the embedded demo: its organisations and people, idempotently (a
// grant that changes nothing writes nothing). A demo user an admin revoked stays revoked. Demo
// users are granted roles only in tenants the demo created (tenants.ts).
import type { UserDirectory } from '../ports/user-directory.ts';
import { DEMO_SERVICES, DEMO_TENANTS, DEMO_USERS } from './demo-users.ts';
import type { TenantClaims } from './tenants.ts';

const PROVISIONER = { sub: 'system:demo-provisioning', email: 'demo-provisioning@redoubt.local' };

export async function provisionDemo(claim: TenantClaims, directory: UserDirectory): Promise<void> {
  const owned = new Set<string>();
  for (const tenant of DEMO_TENANTS) if (await claim(tenant.id, tenant.name)) owned.add(tenant.id);
  const existing = new Set((await directory.list()).map((e) => e.email));
  for (const user of [...DEMO_USERS, ...DEMO_SERVICES]) {
    if (existing.has(user.email)) continue;
    if (user.platformAdmin) await directory.setPlatformAdmin(PROVISIONER, user.email, true);
    for (const { tenant, role } of user.grants) {
      if (owned.has(tenant)) await directory.grant(PROVISIONER, user.email, tenant, role);
    }
  }
}
