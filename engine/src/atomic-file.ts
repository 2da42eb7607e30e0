// The one atomic file write of the engine and its host: a temporary file beside the target, then a
// rename over it, so a crash leaves either the old file or the new one, never half of one.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

const temporaryOf = (file: string): string => `${file}.${process.pid}.tmp`;

/** Writes `chunks` to `file` through `<file>.<pid>.tmp` and a rename. */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): void {
  const temporary = temporaryOf(file);
  const fd = openSync(temporary, 'w');
  try {
    for (const chunk of chunks) {
      // writeSync may write less than asked for large buffers.
      for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done);
    }
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
}

/**
 * The same through fs.promises: `write` fills the temporary file through its handle (the writes
 * run on libuv's thread pool, so the event loop keeps turning), then the rename. Callers writing
 * one file at a time from one process: the temporary name is per process, not per call.
 */
export async function writeFileAtomicAsync(file: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const temporary = temporaryOf(file);
  const handle = await open(temporary, 'w');
  try {
    await write(handle);
  } catch (error) {
    await handle.close();
    await unlink(temporary);
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
}

/** Writes all of `bytes` at `position` (a handle's write may write less than asked). */
export async function writeAllAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
