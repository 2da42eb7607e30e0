// One graph engine per tenant, so a tenant's traversal can never reach another's nodes.
// On start each tenant's graph is loaded from its snapshot and the events written after the
// snapshot's watermark are replayed from the ProfileStore, so a restart loses nothing.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GraphEngine, writeFileAtomic } from '@redoubt/engine';
import type { ProfileStore, StoredEvent } from '../ports/profile-store.ts';
import { linksOf } from './customer-events.ts';

export interface NewLink {
  customerId: string;
  kind: string;
  value: string;
  at: number;
}

interface SnapshotMeta {
  /** ProfileStore watermark taken before the snapshots were written. */
  mark: number;
  tenants: string[];
  savedAt: string;
}

export class GraphRegistry {
  readonly #dir: string | undefined;
  readonly #profiles: ProfileStore;
  readonly #graphs = new Map<string, GraphEngine>();
  readonly #markSlack: number;
  #restored: RestoreResult = { snapshotTenants: 0, replayedEvents: 0, ms: 0 };

  /**
   * `dir` holds the snapshots; undefined keeps the graphs in memory only (tests). `markSlack` is
   * taken off the ProfileStore mark a snapshot records (a time mark: Bigtable's is milliseconds):
   * with several replicas, a change another replica wrote just before the snapshot may reach this
   * graph from the change feed just after it was saved, and is acknowledged then; the next start
   * replays that far back, so it is not lost (services/change-relay.ts). Replaying twice is harmless.
   */
  constructor(options: { dir: string | undefined; profiles: ProfileStore; markSlack?: number }) {
    this.#dir = options.dir;
    this.#profiles = options.profiles;
    this.#markSlack = options.markSlack ?? 0;
  }

  /** The tenant's graph, created empty on first use. */
  get(tenant: string): GraphEngine {
    let graph = this.#graphs.get(tenant);
    if (!graph) this.#graphs.set(tenant, (graph = new GraphEngine()));
    return graph;
  }

  tenants(): string[] {
    return [...this.#graphs.keys()];
  }

  /** Sizes over every tenant's graph (metrics). */
  totals(): { customers: number; identifiers: number; links: number; bytes: number } {
    const sum = { customers: 0, identifiers: 0, links: 0, bytes: 0 };
    for (const graph of this.#graphs.values()) {
      const stats = graph.stats();
      sum.customers += stats.customers;
      sum.identifiers += stats.identifiers;
      sum.links += stats.links;
      sum.bytes += stats.bytes;
    }
    return sum;
  }

  /**
   * Adds the links and customer attributes the events carry, oldest first. Returns the links that
   * are new to the graph (a card seen again is not news for the live stream).
   */
  apply(tenant: string, events: StoredEvent[]): NewLink[] {
    const graph = this.get(tenant);
    const created: NewLink[] = [];
    for (const { event, at, customerId } of events) {
      for (const link of linksOf(event)) {
        if (graph.link(customerId, link.kind, link.value, at)) created.push({ customerId, ...link, at });
      }
      if (event.type === 'score') {
        graph.setCustomer(customerId, { score: event.score.score, action: event.score.action });
      } else if (event.type === 'label') {
        graph.setCustomer(customerId, { label: event.label.label });
      }
    }
    return created;
  }

  /** Loads the snapshots, then replays what the ProfileStore holds after their watermark. */
  async restore(): Promise<RestoreResult> {
    const started = performance.now();
    let since = 0;
    let snapshotTenants = 0;
    let discarded: string | undefined;
    const meta = this.#dir ? await readMeta(this.#dir) : undefined;
    if (meta && this.#dir) {
      try {
        for (const tenant of meta.tenants) {
          const file = join(this.#dir, `${tenant}.graph`);
          if (!existsSync(file)) continue;
          this.#graphs.set(tenant, GraphEngine.load(file)); // synchronous: one read, zero-copy views
          snapshotTenants++;
        }
        since = meta.mark;
      } catch (error) {
        // A snapshot is only a cache of the ProfileStore: one that cannot be read (corrupt, or
        // written by an older engine format) is dropped and every graph rebuilt by a full replay.
        discarded = (error as Error).message;
        this.#graphs.clear();
        snapshotTenants = 0;
      }
    }
    let replayedEvents = 0;
    await this.#profiles.replay(since, (tenant, events) => {
      this.apply(tenant, events);
      replayedEvents += events.length;
    });
    // Before the server listens: fold everything in and number the nodes breadth-first for
    // locality (engine/README.md). Snapshots no longer do it (save() does not stop the host), so
    // this is where a long-running graph gets its layout back, once per start.
    for (const graph of this.#graphs.values()) graph.compact();
    this.#restored = { snapshotTenants, replayedEvents, ms: Math.round(performance.now() - started), discarded };
    return this.#restored;
  }

  get restored() {
    return this.#restored;
  }

  /** Writes every tenant's snapshot and the watermark to replay from next time. */
  async snapshot(): Promise<void> {
    if (!this.#dir) return;
    await mkdir(this.#dir, { recursive: true });
    const mark = Math.max(0, (await this.#profiles.mark()) - this.#markSlack);
    const tenants = this.tenants();
    // save() and writeFileAtomic() write through a temporary file and a rename (the engine's
    // atomic-file.ts): the meta naming the snapshots lands last, after every graph file. save()
    // holds the graph as it was when called and writes it a slice at a time, so requests keep
    // being served while it writes (engine/README.md); the mark above was taken before that.
    for (const tenant of tenants) await this.#graphs.get(tenant)!.save(join(this.#dir, `${tenant}.graph`));
    const meta: SnapshotMeta = { mark, tenants, savedAt: new Date().toISOString() };
    writeFileAtomic(join(this.#dir, 'snapshot.json'), [Buffer.from(JSON.stringify(meta))]);
  }
}

export interface RestoreResult {
  snapshotTenants: number;
  replayedEvents: number;
  ms: number;
  /** Why the snapshots were dropped in favour of a full replay, when they were. */
  discarded?: string;
}

async function readMeta(dir: string): Promise<SnapshotMeta | undefined> {
  if (!existsSync(join(dir, 'snapshot.json'))) return undefined;
  const meta = JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8')) as SnapshotMeta;
  // Snapshots listed in the meta but missing on disk are rebuilt by a full replay instead.
  const files = new Set(await readdir(dir));
  return meta.tenants.every((t) => files.has(`${t}.graph`)) ? meta : undefined;
}
