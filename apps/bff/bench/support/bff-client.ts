// Starts bench/support/bff-process.ts (the BFF in its own process, so the load generator here
// and the server each have their own event loop and their figures are the server's) and signs
// the people it provisions in: IAP-style ES256 assertions from test/support/identities.ts, with
// the XSRF cookie and header a browser would send.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../src/principal.ts';
import { subjectOf, testIdentities } from '../../test/support/identities.ts';
import { IAP_HEADER } from '../../src/plugins/auth/iap-verifier.ts';
import { XSRF_HEADER } from '../../src/plugins/security.ts';

export interface Person {
  email: string;
  tenant: string;
  role: Role;
}

export interface BffStats {
  rssMB: number;
  heapMB: number;
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  elu: number;
}

export interface Bff {
  base: string;
  port: number;
  seedMs: number;
  /** Resolves with the seed's milliseconds once it is in (at once unless seedWhileServing). */
  seeded: Promise<number>;
  /** RSS, heap, event-loop delay and utilisation of the BFF since the previous call. */
  stats(): Promise<BffStats>;
  /** A full GC in the BFF (it runs with --expose-gc). */
  gc(): Promise<void>;
  /** Headers of a signed-in browser request by that person (writes included). */
  headers(email: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export interface StartOptions {
  customers: number;
  people: Person[];
  /** Seed into a fresh folder instead of reusing the one from an earlier run. */
  fresh?: boolean;
  /** Extra node flags for the BFF (e.g. --cpu-prof). */
  execArgv?: string[];
  /**
   * Listen first and seed afterwards into a fresh folder of its own, as the demo's first start
   * does (bench:seeding); `seeded` resolves with the seed's milliseconds.
   */
  seedWhileServing?: boolean;
}

/** The seeded folder a later run reuses (the demo's marker file says the seed finished). */
export const dataDirFor = (customers: number) => join(tmpdir(), `redoubt-bench-bff-${customers}`);

export async function startBff({
  customers,
  people,
  fresh = false,
  execArgv = [],
  seedWhileServing = false,
}: StartOptions): Promise<Bff> {
  const ids = await testIdentities();
  const dataDir = seedWhileServing ? `${dataDirFor(customers)}-seeding` : dataDirFor(customers);
  if (fresh || seedWhileServing) await rm(dataDir, { recursive: true, force: true });
  const child: ChildProcess = fork(fileURLToPath(new URL('./bff-process.ts', import.meta.url)), {
    execArgv: ['--disable-warning=ExperimentalWarning', '--expose-gc', ...execArgv],
    env: {
      ...process.env,
      BENCH_DATA_DIR: dataDir,
      BENCH_CUSTOMERS: String(customers),
      BENCH_JWKS: JSON.stringify(ids.jwks()),
      BENCH_SECRET: ids.secret,
      BENCH_PEOPLE: JSON.stringify(people),
      BENCH_SEED_WHILE_SERVING: seedWhileServing ? '1' : '0',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; seedMs: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the BFF exited with ${code} before listening`)));
    child.on('message', (m: { ready?: boolean; port: number; seedMs: number }) => {
      if (m.ready) resolve(m);
    });
  });
  const seeded = seedWhileServing
    ? new Promise<number>((resolve) => {
        child.on('message', (m: { seeded?: boolean; seedMs: number }) => {
          if (m.seeded) resolve(m.seedMs);
        });
      })
    : Promise.resolve(ready.seedMs);
  const ask = <T>(message: string, key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
      child.send(message);
    });
  return {
    base: `http://127.0.0.1:${ready.port}`,
    port: ready.port,
    seedMs: ready.seedMs,
    seeded,
    stats: () => ask<BffStats>('stats', 'stats'),
    gc: () => ask<boolean>('gc', 'gc').then(() => undefined),
    async headers(email) {
      const sub = subjectOf(email);
      const xsrf = ids.xsrf(sub);
      return {
        [IAP_HEADER]: await ids.sign({ sub, email }),
        cookie: xsrf.cookie,
        [XSRF_HEADER]: xsrf.header,
        'sec-fetch-site': 'same-origin',
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
        setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
      }),
  };
}
