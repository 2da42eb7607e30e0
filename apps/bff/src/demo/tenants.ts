// Which tenants the demo created. The demo writes (seeds, trickles, grants demo users) only into
// those: a tenant that already existed under a demo id, say one an operator created with
// `npm run admin -- tenant acme-shop …`, is never touched. The list lives under the data folder,
// beside the embedded stores it describes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ReviewStore } from '../ports/review-store.ts';

export type TenantClaims = (id: string, name: string) => Promise<boolean>;

export function demoTenantClaims(
  dataDir: string,
  tenants: Pick<ReviewStore, 'listTenants' | 'ensureTenant'>,
): TenantClaims {
  const file = join(dataDir, 'demo', 'tenants.json');
  let chain = Promise.resolve();
  const claim = async (id: string, name: string): Promise<boolean> => {
    const created: string[] = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as string[],
      () => [],
    );
    if (created.includes(id)) return true;
    if ((await tenants.listTenants()).some((t) => t.id === id)) return false;
    await tenants.ensureTenant(id, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify([...created, id]));
    return true;
  };
  // One claim at a time: provisioning and the seeder both claim, and the file is read-modify-write.
  return (id, name) => {
    const result = chain.then(() => claim(id, name));
    chain = result.then(
      () => {},
      () => {},
    );
    return result;
  };
}
