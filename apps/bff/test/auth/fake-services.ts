// Services for auth tests that exercise only identity and access: typed partial fakes, of which
// only the tenant names (/api/me) and the readiness pings answer; anything else a test touches
// throws, naming the member.
import type { Config } from '../../src/config.ts';
import type { AppServices } from '../../src/plugins/services/index.ts';
import type { ReviewStore } from '../../src/ports/review-store.ts';
import type { ProfileStore } from '../../src/ports/profile-store.ts';
import type { SearchIndex } from '../../src/ports/search-index.ts';
import { partial } from '../support/partial.ts';

export function fakeServices(
  tenants: { id: string; name: string }[] = [],
  overrides: Partial<AppServices> = {},
): AppServices {
  const ping = async () => {};
  return {
    db: partial('db'),
    users: partial('users'),
    reviews: partial<ReviewStore>('reviews', { listTenants: async () => tenants, ping }),
    audit: partial('audit'),
    quality: partial('quality'),
    profiles: partial<ProfileStore>('profiles', { ping }),
    searchIndex: partial<SearchIndex>('searchIndex', { ping }),
    graphs: partial('graphs'),
    live: partial('live'),
    ingest: partial('ingest'),
    ...overrides,
  };
}

/** A whole Config for tests: API only, embedded stores, IAP on a key no test serves. */
export const baseConfig: Config = {
  host: '127.0.0.1',
  port: 0,
  dataDir: '/nonexistent',
  dashboardDir: undefined,
  logLevel: 'silent',
  databaseUrl: undefined,
  elasticsearchUrl: undefined,
  bigtable: undefined,
  demo: { seedCustomers: 0, trickle: false },
  iap: {
    audience: undefined,
    jwksUrl: 'http://127.0.0.1:9/',
    issuer: 'https://cloud.google.com/iap',
    allowedDomains: [],
  },
  // No secret: outside the demo the app refuses to start until a test sets one (ids.configure does).
  secret: { current: undefined, previous: undefined },
  trustedProxyHops: 0,
  metrics: { host: '127.0.0.1', port: 0 },
  demoIdentityProxy: false,
};
