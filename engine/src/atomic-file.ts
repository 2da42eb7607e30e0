// The one atomic file write of the engine and its host: a temporary file beside the target, then a
// rename over it, so a crash leaves either the old file or the new one, never half of one.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/** Writes `chunks` to `file` through `<file>.<pid>.tmp` and a rename. */
export function writeFileAtomic(file: string, chunks: readonly Uint8Array[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
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
