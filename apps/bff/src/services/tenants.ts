// Which tenants exist (the PostgreSQL tenants table), cached briefly: ingestion asks on every batch.
import type { ReviewStore } from '../ports/review-store.ts';

const TTL_MS = 10_000;

export function tenantDirectory(reviews: Pick<ReviewStore, 'listTenants'>): (tenant: string) => Promise<boolean> {
  let known = new Set<string>();
  let loadedAt = 0;
  return async (tenant) => {
    // A miss reloads at once, so a tenant created a moment ago is accepted.
    if (known.has(tenant) && Date.now() - loadedAt < TTL_MS) return true;
    known = new Set((await reviews.listTenants()).map((t) => t.id));
    loadedAt = Date.now();
    return known.has(tenant);
  };
}
