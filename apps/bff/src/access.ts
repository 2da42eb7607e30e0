// THE access table: every route the BFF serves, and who may call it. One onRequest hook
// (plugins/auth) enforces it; a route missing here is refused with 403 and fails the
// route x role x tenant matrix test (test/auth/access-matrix.test.ts), so nothing is born open.
// Rules for routes that are planned but not built yet live here too, so those routes
// are born behind them.
import { holds, tenantsWhere } from './principal.ts';
import type { AccessRole, Principal, Role } from './principal.ts';

export interface AccessRule {
  /**
   * Who may call: 'public' needs no identity (health, the dashboard shell, the demo login page).
   * On a tenant route, the role the principal holds in THAT tenant must be listed (roles belong to
   * the grant: a merchant of one tenant who is an analyst of another is a merchant here). On a
   * route without a tenant, holding a listed role in any tenant (or being the platform admin) is enough.
   */
  roles: 'public' | readonly AccessRole[];
  /**
   * Where the route names a tenant. A tenant the principal holds no role in answers 404 exactly
   * like a tenant that does not exist; a role there that is not listed answers 403.
   */
  tenant?: 'param' | 'query';
  /** Media types a write may carry (default application/json); anything else gets 415. */
  bodies?: readonly string[];
  /**
   * Per-principal rate-limit bucket for a read (plugins/security.ts); reads without one count as
   * 'read', every write counts as 'write'. 'graph': traversals on the shared event loop.
   */
  limit?: 'search' | 'graph';
}

const STAFF = ['analyst', 'lead'] as const;
const LEAD = ['lead'] as const;
/** Every person (service principals are for ingest only). */
const EVERY_USER = ['analyst', 'lead', 'merchant', 'admin', 'platform-admin'] as const;
/** Tenant administrators (within their tenants: routes/admin.ts asks mayAdminister) and the platform admin. */
const ADMINS = ['admin', 'platform-admin'] as const;

const T = '/api/tenants/:tenant';

/** Route key: `METHOD /url/with/:params`, exactly as registered with Fastify. HEAD follows GET. */
export const ACCESS: Readonly<Record<string, AccessRule>> = {
  // Probes: IAP sends no JWT to health checks (docs/threat-model.md A6: the only exempt paths).
  'GET /api/health/live': { roles: 'public' },
  'GET /api/health/ready': { roles: 'public' },
  // No /metrics here: metrics are served to operators on their own listener (METRICS_PORT,
  // loopback by default; plugins/metrics.ts), never on the public one.

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
  'GET /api/admin/users': { roles: ADMINS },
  'POST /api/admin/grants': { roles: ADMINS },
  'POST /api/admin/revocations': { roles: ADMINS },
  'POST /api/admin/user-status': { roles: ['platform-admin'] },

  // Customers: analysts and leads only. Merchants never see customer PII.
  [`GET ${T}/customers/search`]: { roles: STAFF, tenant: 'param', limit: 'search' },
  // Typeahead, on every keystroke pause: the search bucket.
  [`GET ${T}/customers/suggest`]: { roles: STAFF, tenant: 'param', limit: 'search' },
  // Saved searches (routes/saved-searches.ts): each analyst's own, listed in the side navigation.
  [`GET ${T}/saved-searches`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/saved-searches`]: { roles: STAFF, tenant: 'param' },
  [`DELETE ${T}/saved-searches/:searchId`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/timeline`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/network`]: { roles: STAFF, tenant: 'param', limit: 'graph' },
  [`GET ${T}/customers/:id/path/:otherId`]: { roles: STAFF, tenant: 'param', limit: 'graph' },
  [`GET ${T}/customers/:id/path-to-fraud`]: { roles: STAFF, tenant: 'param', limit: 'graph' },
  // Why the score: the score events' reasons and the two-hop network (routes/why.ts).
  [`GET ${T}/customers/:id/why`]: { roles: STAFF, tenant: 'param', limit: 'graph' },

  // Reviews, notes, the queue: analysts and leads.
  [`GET ${T}/customers/:id/reviews`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/customers/:id/reviews`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/customers/:id/notes`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/customers/:id/notes`]: { roles: STAFF, tenant: 'param' },
  // The tenant's review settings (reasons, SLA, claim and undo times): read by staff and the
  // tenant's admins, changed by leads and the tenant's admins (routes/reviews.ts).
  [`GET ${T}/review-settings`]: { roles: ['analyst', 'lead', 'admin'], tenant: 'param' },
  [`PUT ${T}/review-settings`]: { roles: ['lead', 'admin'], tenant: 'param' },
  [`GET ${T}/queue`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/queue/:id/claim`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/queue/:id/release`]: { roles: STAFF, tenant: 'param' },
  // Reassigning is a lead's call (the state machine refuses analysts too: domain/review-state.ts).
  [`POST ${T}/queue/:id/reassign`]: { roles: LEAD, tenant: 'param' },
  [`POST ${T}/queue/next`]: { roles: STAFF, tenant: 'param' },
  // Cluster labels from the network: preview, apply as one batch, revert the batch.
  [`POST ${T}/clusters/preview`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/clusters`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/clusters/:batchId/revert`]: { roles: STAFF, tenant: 'param' },

  // Watches (tripwires) and shared-infrastructure marks (routes/watches.ts): analysts and leads.
  [`GET ${T}/watches`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/watches`]: { roles: STAFF, tenant: 'param' },
  [`DELETE ${T}/watches/:watchId`]: { roles: STAFF, tenant: 'param' },
  [`GET ${T}/shared-infrastructure`]: { roles: STAFF, tenant: 'param' },
  [`POST ${T}/shared-infrastructure`]: { roles: STAFF, tenant: 'param' },
  [`DELETE ${T}/shared-infrastructure/:markId`]: { roles: STAFF, tenant: 'param' },

  // Audit: team leads only, read-only (there is no write route, and the table is append-only).
  [`GET ${T}/audit`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/audit.csv`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/audit.jsonl`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/audit/verify`]: { roles: LEAD, tenant: 'param' },
  [`GET ${T}/quality`]: { roles: LEAD, tenant: 'param' },

  // The merchant dashboard: merchants of that tenant and staff.
  [`GET ${T}/overview`]: { roles: ['merchant', 'analyst', 'lead'], tenant: 'param' },
  [`GET ${T}/overview.csv`]: { roles: ['merchant', 'analyst', 'lead'], tenant: 'param' },

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
export const PUBLIC_ASSET: AccessRule = { roles: 'public' };

/**
 * The dashboard's client-side routes (apps/dashboard/src/app/app.routes.ts), each answered with the
 * app shell (index.html). Listed one by one so that nothing else is public by accident: a route
 * added later outside this table and ACCESS has no rule and is refused (403).
 */
export const DASHBOARD_PAGES: readonly string[] = [
  '/not-granted',
  '/admin',
  '/admin/access',
  '/t/:tenant',
  '/t/:tenant/search',
  '/t/:tenant/customers/:id',
  '/t/:tenant/queue',
  '/t/:tenant/watches',
  '/t/:tenant/audit',
  '/t/:tenant/team',
  '/t/:tenant/overview',
  '/t/:tenant/access',
];

/**
 * The rule for a registered route, or undefined when it has none (the route then fails closed).
 * `dashboardFiles` are the built dashboard's files, as URL paths (plugins/dashboard.ts lists them
 * at start-up): those, '/' and DASHBOARD_PAGES are public GETs (the shell holds no data; every byte
 * of data comes from /api behind ACCESS).
 */
export function ruleFor(method: string, url: string, dashboardFiles?: ReadonlySet<string>): AccessRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const exact = ACCESS[`${m} ${url}`];
  if (exact) return exact;
  if (m === 'GET' && dashboardFiles?.has(url)) return PUBLIC_ASSET;
  if (m === 'GET' && DASHBOARD_PAGES.includes(url)) return PUBLIC_ASSET;
  return undefined;
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Decision = { ok: true } | { ok: false; why: 'role' | 'tenant'; role?: Role };

/**
 * The access decision for a principal on a rule; `tenant` is the one the request names (for a
 * rule with `tenant`). Only the role held in that tenant counts.
 */
export function decide(principal: Principal, rule: AccessRule, tenant?: string): Decision {
  if (rule.roles === 'public') return { ok: true };
  const allowed = rule.roles;
  if (rule.tenant) {
    const role = tenant === undefined ? undefined : principal.roles.get(tenant);
    if (!role) return { ok: false, why: 'tenant' };
    return allowed.includes(role) ? { ok: true } : { ok: false, why: 'role', role };
  }
  return allowed.some((r) => holds(principal, r)) ? { ok: true } : { ok: false, why: 'role' };
}

/**
 * Whose access the principal administers: every tenant (undefined) for the platform admin, else
 * the tenants where it holds 'admin'.
 */
export function administeredTenants(principal: Principal): readonly string[] | undefined {
  return principal.platformAdmin ? undefined : tenantsWhere(principal, ['admin']);
}

/**
 * May the principal grant or revoke roles in `tenant`? 'tenant' when it holds no role there (the
 * answer is 404, as for a tenant that does not exist), 'role' when it holds another role (403).
 */
export function mayAdminister(principal: Principal, tenant: string): Decision {
  if (principal.platformAdmin) return { ok: true };
  const role = principal.roles.get(tenant);
  if (!role) return { ok: false, why: 'tenant' };
  return role === 'admin' ? { ok: true } : { ok: false, why: 'role', role };
}
