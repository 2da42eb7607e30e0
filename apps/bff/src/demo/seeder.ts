// The embedded demo: on the first start, seed a few merchants with synthetic customers in the
// background (the server answers at once; progress is on GET /api/demo/status), then keep a
// trickle of live events flowing so an open network visibly grows. A marker file under the data
// folder says the seed finished; a restart skips it. An interrupted seed simply runs again:
// ingestion is idempotent by event id.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoStatus } from '@redoubt/contracts/api';
import { DEMO_MERCHANTS, generateEvents, trickle } from '@redoubt/synthetic';
import type { Merchant } from '@redoubt/synthetic';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { Ingest } from '../services/ingest.ts';

export const DEMO_SEED = 20261127;
/** Most events one ingest batch carries. */
const BATCH = 2_000;
/**
 * How long one batch may hold the event loop: a batch is ingested without yielding (the embedded
 * stores are synchronous), so a request arriving meanwhile waits up to this long. The next
 * batch's size follows the last one's time per event (bench:seeding, docs/load.md).
 */
const BATCH_MS = 10;
const MIN_BATCH = 50;
/**
 * Pause after each batch, as a share of the time the batch took: keeps the event loop utilisation
 * near 0.9 so requests made while the demo loads still answer promptly.
 */
const PAUSE_SHARE = 0.15;
const TRICKLE_EVERY_MS = 1_500;

export interface DemoOptions {
  dataDir: string;
  seedCustomers: number;
  trickle: boolean;
  ingest: Ingest;
  /**
   * Creates the tenant for the demo, or says it is the demo's from an earlier start: true. False
   * when the tenant exists but the demo did not create it: the demo never writes into it.
   */
  claimTenant: (id: string, name: string) => Promise<boolean>;
  log?: DemoLogger;
  merchants?: Merchant[];
}

export interface DemoLogger {
  info: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

export class Demo {
  readonly #options: DemoOptions;
  readonly #merchants: Merchant[];
  #state: DemoStatus['state'];
  #customersLoaded = 0;
  #eventsLoaded = 0;
  #error: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #running: Promise<void> | undefined;
  /** The merchants whose tenant the demo created: the only ones it writes into. */
  readonly #owned = new Set<string>();
  #log: DemoLogger;

  constructor(options: DemoOptions) {
    this.#options = options;
    this.#merchants = options.merchants ?? DEMO_MERCHANTS;
    this.#state = options.seedCustomers > 0 ? 'seeding' : 'off';
    this.#log = options.log ?? { info: () => {}, error: () => {} };
  }

  setLogger(log: DemoLogger): void {
    this.#log = log;
  }

  status(): DemoStatus {
    const target = this.#options.seedCustomers;
    return {
      state: this.#state,
      customersTarget: target,
      customersLoaded: this.#customersLoaded,
      eventsLoaded: this.#eventsLoaded,
      progress: target === 0 ? 1 : Math.min(1, this.#customersLoaded / target),
      trickle: this.#timer !== undefined,
      ...(this.#error !== undefined && { error: this.#error }),
    };
  }

  /**
   * Starts seeding (if needed) and the trickle in the background; never throws. `afterSeed` runs
   * once a fresh seed has finished (the graph snapshot, so the next start is quick).
   */
  start(afterSeed?: () => Promise<void>): void {
    if (this.#options.seedCustomers === 0) return;
    this.#running = this.#run(afterSeed).catch((error: Error) => {
      this.#state = 'failed';
      this.#error = error.message;
      this.#log.error({ err: error }, 'demo seeding failed');
    });
  }

  /** Resolves when the seed has finished (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #run(afterSeed?: () => Promise<void>): Promise<void> {
    const { dataDir, seedCustomers, ingest, claimTenant } = this.#options;
    const log = this.#log;
    for (const m of this.#merchants) {
      if (await claimTenant(m.id, m.name)) this.#owned.add(m.id);
      else log.error({ tenant: m.id }, 'a tenant with a demo id exists that the demo did not create: not seeding it');
    }
    const marker = join(dataDir, 'demo-seeded.json');
    const perMerchant = this.#split(seedCustomers);
    if (existsSync(marker)) {
      const done = JSON.parse(await readFile(marker, 'utf8')) as { customers: number; events: number };
      this.#customersLoaded = done.customers;
      this.#eventsLoaded = done.events;
    } else {
      const started = Date.now();
      log.info({ customers: seedCustomers, merchants: this.#merchants.length }, 'seeding the demo');
      for (const [i, m] of this.#merchants.entries()) {
        if (!this.#owned.has(m.id)) continue;
        let batch: { line: number; value: RedoubtEvent }[] = [];
        let lastCustomer = '';
        let size = MIN_BATCH;
        const flush = async () => {
          if (batch.length === 0) return;
          const began = performance.now();
          const report = await ingest.ingest(m.id, batch);
          this.#eventsLoaded += report.accepted + report.duplicates;
          const msPerEvent = (performance.now() - began) / batch.length;
          size = Math.max(MIN_BATCH, Math.min(BATCH, Math.floor(BATCH_MS / msPerEvent)));
          batch = [];
          await sleep(Math.max(2, (performance.now() - began) * PAUSE_SHARE)); // let requests in
        };
        for (const event of generateEvents({
          seed: DEMO_SEED + i,
          tenant: m.id,
          customers: perMerchant[i],
          end: dayStart(),
          currency: m.currency,
        })) {
          if (this.#stopped) return;
          if (event.customerId !== lastCustomer) {
            // Flush on a customer boundary so each batch holds whole customers.
            if (batch.length >= size) await flush();
            lastCustomer = event.customerId;
            this.#customersLoaded++;
          }
          batch.push({ line: batch.length + 1, value: event });
        }
        await flush();
      }
      await mkdir(dataDir, { recursive: true });
      await writeFile(marker, JSON.stringify({ customers: this.#customersLoaded, events: this.#eventsLoaded }));
      log.info({ events: this.#eventsLoaded, ms: Date.now() - started }, 'demo seeded');
      await afterSeed?.();
    }
    this.#state = 'ready';
    if (this.#options.trickle && !this.#stopped) this.#startTrickle(perMerchant);
  }

  #split(total: number): number[] {
    // The first merchant is the biggest, as in real portfolios.
    const weights = this.#merchants.map((_, i) => 1 / (i + 1));
    const sum = weights.reduce((a, b) => a + b, 0);
    const sizes = weights.map((w) => Math.floor((total * w) / sum));
    sizes[0] += total - sizes.reduce((a, b) => a + b, 0);
    return sizes;
  }

  #startTrickle(perMerchant: number[]): void {
    // Each run gets its own event ids and its own range of new customers, so a restart adds more.
    const run = Math.floor(Date.now() / 1000);
    const streams = this.#merchants.map((m, i) =>
      trickle({
        seed: DEMO_SEED + i + run,
        tenant: m.id,
        customers: perMerchant[i],
        currency: m.currency,
        runId: `${m.id}-${run.toString(36)}`,
      }),
    );
    this.#timer = setInterval(() => {
      const now = Date.now();
      for (const [i, m] of this.#merchants.entries()) {
        if (!this.#owned.has(m.id)) continue;
        const events = streams[i].next().value!(now);
        ingest(this.#options.ingest, m.id, events).catch((error: Error) =>
          this.#log.error({ err: error }, 'demo trickle failed'),
        );
      }
    }, TRICKLE_EVERY_MS);
    this.#timer.unref();
  }
}

function ingest(service: Ingest, tenant: string, events: RedoubtEvent[]) {
  return service.ingest(
    tenant,
    events.map((value, i) => ({ line: i + 1, value })),
  );
}

function dayStart(): number {
  const now = Date.now();
  return now - (now % 86_400_000);
}
