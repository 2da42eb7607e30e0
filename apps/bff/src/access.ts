// THE access table: every route the BFF serves, and who may call it. One onRequest hook
// (plugins/auth) enforces it; a route missing here is refused with 403 and fails the
// route x role x tenant matrix test (test/auth/access-matrix.test.ts), so nothing is born open.
// Rules for routes the brief plans but that are not built yet live here too, so those routes
// are born behind them.
import type { Role } from './principal.ts';

export interface AccessRule {
  /** Who may call: 'public' needs no identity (health, the dashboard shell, the demo login page). */
  roles: 'public' | readonly Role[];
  /**
   * Where the route names a tenant, which must be among the principal's grants; another tenant
   * answers 404 exactly like a tenant that does not exist.
   */
  tenant?: 'param' | 'query';
  /** Media types a write may carry (default application/json); anything else gets 415. */
  bodies?: readonly string[];
  /** Per-principal rate-limit bucket; every write is limited as 'write' regardless. */
  limit?: 'search';
}

const STAFF = ['analyst', 'lead'] as const;
const LEAD = ['lead'] as const;
const EVERY_USER = ['analyst', 'lead', 'merchant', 'admin'] as const;
const ADMIN = ['admin'] as const;

const T = '/api/tenants/:tenant';

/** Route key: `METHOD /url/with/:params`, exactly as registered with Fastify. HEAD follows GET. */
export const ACCESS: Readonly<Record<string, AccessRule>> = {
  // Probes: IAP sends no JWT to health checks (security.md A6: the only exempt paths).
  'GET /api/health/live': { roles: 'public' },
  'GET /api/health/ready': { roles: 'public' },
  'GET /metrics': { roles: ['admin', 'service'] },

  // The API description: any signed-in user (it documents the open-source API, no data).
  'GET /docs': { roles: EVERY_USER },
  'GET /docs/': { roles: EVERY_USER },
  'GET /docs/*': { roles: EVERY_USER },
  'GET /docs/json': { roles: EVERY_USER },
  'GET /docs/yaml': { roles: EVERY_USER },
  'GET /docs/static/*': { roles: EVERY_USER },
  'GET /docs/static/index.html': { roles: EVERY_USER },
  'GET /docs/static/swagger-initializer.js': { roles: EVERY_USER },

  // Identity and administration.
  'GET /api/me': { roles: EVERY_USER },
  'GET /api/admin/users': { roles: ADMIN },
  'POST /api/admin/grants': { roles: ADMIN },
  'POST /api/admin/revocations': { roles: ADMIN },

  // Customers: analysts and leads only. Merchants never see customer PII.
  [`GET ${T}/customers/search`]: { roles: STAFF, tenant: 'param', limit: 'search' },
  [`GET ${T}/customers/:id`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/timeline`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/network`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/path/:otherId`]: { roles: STAFF, tenant: 'param' },

  // Reviews, notes, the queue: analysts and leads.
  [`GET ${T}/customers/:id/reviews`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/customers/:id/reviews`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/notes`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/customers/:id/notes`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/queue`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/queue/:id/claim`]: { roles: STAFF, tenant: 'param' },

  // Audit: team leads only, read-only (there is no write route, and the table is append-only).
  [`GET ${T}/audit`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/audit.csv`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/audit/verify`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/quality`]: { roles: LEAD, tenant: 'param' },

  // The merchant dashboard: merchants of that tenant and staff.
  [`GET ${T}/overview`]: { roles: ['merchant', 'analyst', 'lead'], tenant: 'param' },

  // Live stream (server-sent events): the tenant comes in the query string.
  'GET /api/live': { roles: STAFF, tenant: 'query' },

  // Ingest: service principals only, JSON or an NDJSON batch; not a browser session, so no CSRF.
  [`POST ${T}/events`]: {
    roles: ['service'],
    tenant: 'param',
    bodies: ['application/json', 'application/x-ndjson'],
  },

  // Demo seeding progress (no tenant data): any signed-in user, for the dashboard's loading bar.
  'GET /api/demo/status': { roles: EVERY_USER },

  // The embedded demo's identity proxy (registered only when IAP_AUDIENCE is unset).
  'GET /demo/login': { roles: 'public' },
  'GET /demo/logout': { roles: 'public' },
  'GET /demo/jwks.json': { roles: 'public' },
};

/**
 * The built dashboard: static files registered by @fastify/static (one route per file, names with
 * content hashes) and the client-side-route fallback. Public: the app shell holds no data; every
 * byte of data comes from /api behind the table above.
 */
function isDashboardAsset(method: string, url: string): boolean {
  if (method !== 'GET') return false;
  return !/^\/(api|docs|demo|metrics)(\/|$)/.test(url);
}

export const PUBLIC_ASSET: AccessRule = { roles: 'public' };

/** The rule for a registered route, or undefined when it has none (the route then fails closed). */
export function ruleFor(method: string, url: string): AccessRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const exact = ACCESS[`${m} ${url}`];
  if (exact) return exact;
  if (isDashboardAsset(m, url)) return PUBLIC_ASSET;
  return undefined;
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
