// An app on real embedded stores (node:sqlite files in a temporary folder, a real graph engine)
// with signed test identities: a service principal to send events, an analyst to read them.
// Only the ReviewStore is a small in-memory stand-in (it has its own contract suite); ingestion
// asks it which tenants exist.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Services } from '../../src/services.ts';
import { SqliteProfileStore } from '../../src/adapters/profile-store/sqlite-profile-store.ts';
import { SqliteSearchIndex } from '../../src/adapters/search-index/sqlite-search-index.ts';
import { GraphRegistry } from '../../src/services/graphs.ts';
import { LiveBus } from '../../src/services/live-bus.ts';
import { Ingest } from '../../src/services/ingest.ts';
import { Demo } from '../../src/services/demo.ts';
import { baseConfig } from '../auth/fake-services.ts';
import { testIdentities } from './identities.ts';

export interface IngestApp {
  app: FastifyInstance;
  services: Services;
  dir: string;
  /** Headers of a service principal granted the given tenants (default: all known ones). */
  service: (grants?: string[]) => Promise<Record<string, string>>;
  /** Headers of an analyst granted the tenant. */
  analyst: (tenant?: string) => Promise<Record<string, string>>;
  close: () => Promise<void>;
}

export async function ingestApp(tenants = ['acme-shop', 'globex-travel']): Promise<IngestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-ingest-'));
  const known = new Map(tenants.map((id) => [id, id]));
  const reviews = {
    ensureTenant: async (id: string, name: string) => void known.set(id, name),
    listTenants: async () => [...known].map(([id, name]) => ({ id, name })),
    ping: async () => {},
    close: async () => {},
  };
  const profiles = new SqliteProfileStore(join(dir, 'profiles.db'));
  const search = new SqliteSearchIndex(join(dir, 'search.db'));
  const graphs = new GraphRegistry({ dir: join(dir, 'graph'), profiles });
  const live = new LiveBus();
  const ingest = new Ingest({ profiles, search, graphs, live });
  const demo = new Demo({ dataDir: dir, seedCustomers: 0, trickle: false, ingest, ensureTenant: reviews.ensureTenant });
  const services = { db: undefined, reviews, profiles, search, graphs, live, ingest, demo } as unknown as Services;
  const ids = await testIdentities();
  const config = ids.configure({ ...baseConfig, dataDir: dir });
  const app = await buildApp({ config: config as never, services, auth: ids.auth, logger: false });
  return {
    app,
    services,
    dir,
    service: (grants = tenants) => ids.headers({ email: 'ingest-bot@merchant.test', role: 'service', tenant: grants }),
    analyst: (tenant = tenants[0]) => ids.headers({ email: 'ana@redoubt.test', role: 'analyst', tenant }),
    close: async () => {
      await app.close();
      await search.close();
      await profiles.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
