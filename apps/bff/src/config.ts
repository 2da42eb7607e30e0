// One typed view of the environment. Every adapter choice is made here and nowhere else:
// an unset variable means the embedded default, so `npm start` runs on a bare machine.
import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** Folder for embedded stores, the graph snapshot and demo keys. */
  dataDir: string;
  /** Built dashboard served at /; absent in API-only tests. */
  dashboardDir: string | undefined;
  logLevel: string;
  /** PostgreSQL for reviews, notes, users and audit; unset means PGlite under dataDir. */
  databaseUrl: string | undefined;
  /** Elasticsearch for customer search; unset means the embedded SQLite FTS5 index. */
  elasticsearchUrl: string | undefined;
  /** Bigtable for profiles and events; unset project means the embedded store. */
  bigtable: { projectId: string; instanceId: string; emulatorHost: string | undefined } | undefined;
  /** Demo data: number of customers seeded on first start (0 = none) and the live trickle. */
  demo: { seedCustomers: number; trickle: boolean };
  /** Identity-Aware Proxy: required outside the embedded demo. */
  iap: {
    audience: string | undefined;
    jwksUrl: string;
    issuer: string;
    allowedDomains: string[];
  };
  /**
   * The embedded demo's identity proxy signs the header. Only without IAP_AUDIENCE, and only for the
   * embedded demo (no external store configured) unless REDOUBT_DEMO_IDENTITY=true says so; in any
   * other case without IAP_AUDIENCE the BFF refuses to start (plugins/auth identityMode).
   */
  demoIdentityProxy: boolean;
  /** Origins allowed to send writes besides the request's own host (REDOUBT_ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins?: string[];
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(optional(env, 'REDOUBT_DATA_DIR') ?? 'data');
  const bigtableProject = optional(env, 'BIGTABLE_PROJECT');
  const audience = optional(env, 'IAP_AUDIENCE');
  const dashboardDir = optional(env, 'REDOUBT_DASHBOARD_DIR') ?? resolve('dist/apps/dashboard/browser');
  return {
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    dataDir,
    dashboardDir: dashboardDir === 'none' ? undefined : dashboardDir,
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    databaseUrl: optional(env, 'DATABASE_URL'),
    elasticsearchUrl: optional(env, 'ELASTICSEARCH_URL'),
    bigtable: bigtableProject
      ? {
          projectId: bigtableProject,
          instanceId: optional(env, 'BIGTABLE_INSTANCE') ?? 'redoubt',
          emulatorHost: optional(env, 'BIGTABLE_EMULATOR_HOST'),
        }
      : undefined,
    demo: {
      seedCustomers: int(env, 'DEMO_CUSTOMERS', 100_000, 0, 2_000_000),
      trickle: bool(env, 'DEMO_TRICKLE', true),
    },
    iap: {
      audience,
      jwksUrl: optional(env, 'IAP_JWKS_URL') ?? 'https://www.gstatic.com/iap/verify/public_key-jwk',
      issuer: optional(env, 'IAP_ISSUER') ?? 'https://cloud.google.com/iap',
      allowedDomains: (optional(env, 'IAP_ALLOWED_DOMAINS') ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    },
    demoIdentityProxy:
      audience === undefined &&
      bool(
        env,
        'REDOUBT_DEMO_IDENTITY',
        !optional(env, 'DATABASE_URL') && !optional(env, 'ELASTICSEARCH_URL') && !bigtableProject,
      ),
    allowedOrigins: (optional(env, 'REDOUBT_ALLOWED_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}
