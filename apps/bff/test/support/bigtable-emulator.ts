// Google's Bigtable emulator for suites and benchmarks: BIGTABLE_EMULATOR_HOST when set,
// otherwise cbtemulator started here on a free port (and stopped by the returned function).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './free-port.ts';

export const CBTEMULATOR = '/usr/lib/google-cloud-sdk/platform/bigtable-emulator/cbtemulator';

export function bigtableEmulatorAvailable(): boolean {
  return Boolean(process.env.BIGTABLE_EMULATOR_HOST) || existsSync(CBTEMULATOR);
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`cbtemulator did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The emulator's host:port and a stop() that ends the process this call started (if any).
 * `own`: always start one here, even beside BIGTABLE_EMULATOR_HOST, and return its process (fault
 * tests pause, kill and restart it). `port`: listen there (a restart on the same address).
 */
export async function startBigtableEmulator(
  options: { own?: boolean; port?: number } = {},
): Promise<{ host: string; port: number; stop: () => Promise<void>; process?: ChildProcess }> {
  const given = process.env.BIGTABLE_EMULATOR_HOST;
  if (given && !options.own) return { host: given, port: Number(given.split(':').pop()), stop: async () => {} };
  const port = options.port ?? (await freePort());
  const child = spawn(CBTEMULATOR, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, 10_000);
  return {
    host: `127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
