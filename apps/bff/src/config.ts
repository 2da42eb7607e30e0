// One typed view of the environment. Every adapter choice is made here and nowhere else:
// an unset variable means the embedded default, so `npm start` runs on a bare machine.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { MIN_SECRET_LENGTH } from './secrets.ts';

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
  /**
   * The change feed between replicas on Google Cloud Pub/Sub (PUBSUB_PROJECT, PUBSUB_TOPIC,
   * PUBSUB_EMULATOR_HOST); unset project means the in-process feed, this replica alone on it.
   * `replica` (REDOUBT_REPLICA, default the host name) names this replica's subscription, kept
   * across restarts: it must be stable per replica and unique among them.
   */
  pubsub?: { projectId: string; topic: string; emulatorHost: string | undefined; replica: string };
  /** Demo data: number of customers seeded on first start (0 = none) and the live trickle. */
  demo: { seedCustomers: number; trickle: boolean };
  /** Identity-Aware Proxy: required outside the embedded demo. */
  iap: {
    audience: string | undefined;
    /** https only (loadConfig refuses anything else); tests pass their own key resolver instead. */
    jwksUrl: string;
    issuer: string;
    /** Workspace domains (`hd`) allowed to sign in; empty allows any. */
    allowedDomains: string[];
    /**
     * Service-account emails allowed in although they carry no `hd` (IAP_ALLOWED_SERVICE_ACCOUNTS),
     * so the domain check and machine callers can be used together.
     */
    allowedServiceAccounts?: string[];
  };
  /**
   * REDOUBT_SECRET (and REDOUBT_SECRET_PREVIOUS while rotating): the keys for CSRF tokens, the
   * session cookie and signed cursors derive from it (secrets.ts). Required outside the embedded
   * demo, which generates one under dataDir.
   */
  secret: { current: string | undefined; previous: string | undefined };
  /**
   * Proxies in front of the BFF whose X-Forwarded-For entries are trusted (TRUSTED_PROXY_HOPS):
   * 0 = none, the socket peer is the client; Google's external load balancer appends two entries
   * (client, load balancer), so 2 there.
   */
  trustedProxyHops: number;
  /** Prometheus metrics on their own listener, loopback by default (METRICS_HOST, METRICS_PORT; 0 = off). */
  metrics: { host: string; port: number };
  /**
   * The embedded demo's identity proxy signs the header: only without IAP_AUDIENCE, with every store
   * embedded and HOST on loopback (REDOUBT_DEMO_IDENTITY=true cannot lift that: loadConfig refuses).
   * Without IAP_AUDIENCE and without the demo the BFF refuses to start (plugins/auth identityMode).
   * Demo seeding and the trickle run only then (docs/threat-model.md).
   */
  demoIdentityProxy: boolean;
  /** Origins allowed to send writes besides the request's own host (REDOUBT_ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins?: string[];
  /**
   * On SIGTERM/SIGINT, how long readiness answers 503 while the server still serves, before it
   * stops accepting (SHUTDOWN_DRAIN_MS; 5 s behind IAP's load balancer, 0 in the demo).
   */
  shutdownDrainMs?: number;
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

function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function secret(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && value.length < MIN_SECRET_LENGTH) {
    throw new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`);
  }
  return value;
}

/**
 * The audiences IAP signs for (docs/decisions/0005-tenant-isolation.md): a global backend service
 * (external Application Load Balancer, GKE), a regional backend service (regional load balancer),
 * IAP on Cloud Run itself, and App Engine.
 */
export const IAP_AUDIENCE_SHAPES: readonly RegExp[] = [
  /^\/projects\/\d+\/global\/backendServices\/\d+$/,
  /^\/projects\/\d+\/regions\/[a-z]+(?:-[a-z]+)*\d+\/backendServices\/\d+$/,
  /^\/projects\/\d+\/locations\/[a-z]+(?:-[a-z]+)*\d+\/services\/[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/,
  /^\/projects\/\d+\/apps\/[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
];

export function isIapAudience(value: string): boolean {
  return IAP_AUDIENCE_SHAPES.some((shape) => shape.test(value));
}

/** Loopback addresses and names only: the demo may listen there and nowhere else. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(optional(env, 'REDOUBT_DATA_DIR') ?? 'data');
  const bigtableProject = optional(env, 'BIGTABLE_PROJECT');
  const pubsubProject = optional(env, 'PUBSUB_PROJECT');
  const audience = optional(env, 'IAP_AUDIENCE');
  const dashboardDir = optional(env, 'REDOUBT_DASHBOARD_DIR') ?? resolve('dist/apps/dashboard/browser');
  if (audience !== undefined && !isIapAudience(audience)) {
    throw new Error(
      `IAP_AUDIENCE "${audience}" is not an IAP audience: /projects/NUMBER/global/backendServices/ID, ` +
        '/projects/NUMBER/regions/REGION/backendServices/ID, /projects/NUMBER/locations/REGION/services/NAME ' +
        'or /projects/NUMBER/apps/PROJECT_ID',
    );
  }
  const jwksUrl = optional(env, 'IAP_JWKS_URL') ?? 'https://www.gstatic.com/iap/verify/public_key-jwk';
  if (!jwksUrl.startsWith('https://')) {
    // Keys fetched over plain http could be swapped on the way: anyone could then sign identities.
    throw new Error(`IAP_JWKS_URL must be an https URL, got "${jwksUrl}"`);
  }
  const current = secret(env, 'REDOUBT_SECRET');
  const previous = secret(env, 'REDOUBT_SECRET_PREVIOUS');
  if (previous !== undefined && current === undefined) {
    throw new Error('REDOUBT_SECRET_PREVIOUS is only accepted together with REDOUBT_SECRET');
  }
  const host = optional(env, 'HOST') ?? '127.0.0.1';
  // Anyone who reaches the demo may sign in as any demo user, an admin among them: it must never
  // sit next to real data nor be reachable from another machine.
  const embedded = !optional(env, 'DATABASE_URL') && !optional(env, 'ELASTICSEARCH_URL') && !bigtableProject;
  const demoIdentityProxy = audience === undefined && bool(env, 'REDOUBT_DEMO_IDENTITY', embedded && isLoopback(host));
  if (demoIdentityProxy && !embedded) {
    throw new Error(
      'REDOUBT_DEMO_IDENTITY=true needs every store embedded: unset DATABASE_URL, ELASTICSEARCH_URL and BIGTABLE_PROJECT, or set IAP_AUDIENCE',
    );
  }
  if (demoIdentityProxy && !isLoopback(host)) {
    throw new Error(
      `the demo identity proxy listens on loopback only, not HOST=${host}: set IAP_AUDIENCE to serve others`,
    );
  }
  if (current === undefined && !demoIdentityProxy) {
    // Replicas with random keys reject each other's CSRF tokens and cursors at random.
    throw new Error(
      `REDOUBT_SECRET is required outside the embedded demo (at least ${MIN_SECRET_LENGTH} characters, the same on every replica)`,
    );
  }
  return {
    host,
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
    pubsub: pubsubProject
      ? {
          projectId: pubsubProject,
          topic: optional(env, 'PUBSUB_TOPIC') ?? 'redoubt-changes',
          emulatorHost: optional(env, 'PUBSUB_EMULATOR_HOST'),
          replica: optional(env, 'REDOUBT_REPLICA') ?? hostname(),
        }
      : undefined,
    demo: {
      seedCustomers: demoIdentityProxy ? int(env, 'DEMO_CUSTOMERS', 100_000, 0, 2_000_000) : 0,
      trickle: demoIdentityProxy && bool(env, 'DEMO_TRICKLE', true),
    },
    iap: {
      audience,
      jwksUrl,
      issuer: optional(env, 'IAP_ISSUER') ?? 'https://cloud.google.com/iap',
      allowedDomains: list(env, 'IAP_ALLOWED_DOMAINS'),
      allowedServiceAccounts: list(env, 'IAP_ALLOWED_SERVICE_ACCOUNTS').map((e) => e.toLowerCase()),
    },
    secret: { current, previous },
    trustedProxyHops: int(env, 'TRUSTED_PROXY_HOPS', 0, 0, 10),
    metrics: { host: optional(env, 'METRICS_HOST') ?? '127.0.0.1', port: int(env, 'METRICS_PORT', 9464, 0, 65535) },
    demoIdentityProxy,
    allowedOrigins: (optional(env, 'REDOUBT_ALLOWED_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', audience === undefined ? 0 : 5_000, 0, 120_000),
  };
}
