// An app on real embedded stores (node:sqlite files in a temporary folder, a real graph engine)
// with signed test identities: a service principal to send events, an analyst to read them.
// Only the ReviewStore is a small typed partial fake (it has its own contract suite); ingestion
// asks it which tenants exist.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { RedoubtEvent } from '@redoubt/contracts';
import { buildApp } from '../../src/app.ts';
import type { AppServices } from '../../src/plugins/services/index.ts';
import type { ReviewStore } from '../../src/ports/review-store.ts';
import { baseConfig } from '../auth/fake-services.ts';
import { testIdentities } from './identities.ts';
import type { TestIdentities, Who } from './identities.ts';
import { partial } from './partial.ts';

export interface IngestApp {
  app: FastifyInstance;
  /** The app's services (app.profiles, app.ingest, …). */
  services: AppServices;
  dir: string;
  /** Headers of a service principal granted the given tenants (default: all known ones). */
  service: (grants?: string[]) => Promise<Record<string, string>>;
  /** Headers of an analyst granted the tenant. */
  analyst: (tenant?: string) => Promise<Record<string, string>>;
  /** Headers of any test identity (e.g. a merchant of one tenant). */
  headers: (who: Who) => Promise<Record<string, string>>;
  /** Ingests the events into the tenant through app.ingest and asserts every one was accepted. */
  ingest: (tenant: string, events: readonly RedoubtEvent[]) => Promise<void>;
  close: () => Promise<void>;
}

export async function ingestApp(
  tenants = ['acme-shop', 'globex-travel'],
  options: {
    /** Identities shared with other apps (replicas); new ones by default. */
    ids?: TestIdentities;
    /** REDOUBT_SECRET's current and previous values; the identities' secret by default. */
    secret?: { current: string; previous?: string };
    /** Stores to use instead of the embedded ones (e.g. Bigtable); closed by whoever opened them. */
    services?: Partial<AppServices>;
  } = {},
): Promise<IngestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-ingest-'));
  const known = new Map(tenants.map((id) => [id, id]));
  const reviews = partial<ReviewStore>('reviews', {
    ensureTenant: async (id, name) => void known.set(id, name),
    listTenants: async () => [...known].map(([id, name]) => ({ id, name })),
    recordAccessDenied: async () => {},
    ping: async () => {},
  });
  const ids = options.ids ?? (await testIdentities());
  const configured = ids.configure({ ...baseConfig, dataDir: dir });
  const config = options.secret ? { ...configured, secret: { previous: undefined, ...options.secret } } : configured;
  // Profiles, search, graphs, live bus and ingest are the real ones, opened by the app under dir.
  const app = await buildApp({
    config: config,
    services: { db: partial('db'), users: ids.directory, reviews, ...options.services },
    auth: ids.auth,
    logger: false,
  });
  await app.ready();
  return {
    app,
    services: app,
    dir,
    service: (grants = tenants) => ids.headers({ email: 'ingest-bot@merchant.test', role: 'service', tenant: grants }),
    analyst: (tenant = tenants[0]) => ids.headers({ email: 'ana@redoubt.test', role: 'analyst', tenant }),
    headers: (who) => ids.headers(who),
    ingest: async (tenant, events) => {
      const report = await app.ingest.ingest(
        tenant,
        events.map((value, i) => ({ line: i + 1, value })),
      );
      assert.equal(report.accepted, events.length);
    },
    close: async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
