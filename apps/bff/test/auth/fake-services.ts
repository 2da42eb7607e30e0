// Services for auth tests that exercise only identity and access: no store is touched except
// the tenant names /api/me reads.
import type { Services } from '../../src/services.ts';

export function fakeServices(tenants: { id: string; name: string }[] = []): Services {
  return {
    db: undefined as never,
    reviews: {
      listTenants: async () => tenants,
      ping: async () => {},
      close: async () => {},
    },
  } as unknown as Services;
}

export const baseConfig = {
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
  demoIdentityProxy: false,
};
