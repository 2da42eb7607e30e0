// Google's Pub/Sub emulator for suites and benchmarks: PUBSUB_EMULATOR_HOST when set, otherwise
// cloud-pubsub-emulator started here on a free port (and stopped by the returned function). It
// needs Java and takes a few seconds to start (docs/toolchain.md).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './free-port.ts';

export const PUBSUB_EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

export function pubsubEmulatorAvailable(): boolean {
  return Boolean(process.env.PUBSUB_EMULATOR_HOST) || existsSync(PUBSUB_EMULATOR);
}

/** The emulator's host:port and a stop() that ends the process this call started (if any). */
export async function startPubSubEmulator(): Promise<{ host: string; stop: () => Promise<void> }> {
  const given = process.env.PUBSUB_EMULATOR_HOST;
  if (given) return { host: given, stop: async () => {} };
  const port = await freePort();
  // detached: the launcher script starts java as its child; the group is ended as one.
  const child = spawn(PUBSUB_EMULATOR, [`--host=127.0.0.1`, `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`the Pub/Sub emulator did not start within 60 s:\n${out}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Server started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Pub/Sub emulator exited (${code}):\n${out}`));
    });
  });
  // Keep draining its output so a full pipe never blocks it.
  child.stdout.resume();
  child.stderr.resume();
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}
