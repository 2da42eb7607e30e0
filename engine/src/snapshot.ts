// Snapshot file: a fixed header, JSON metadata, then raw little-endian typed arrays, each 8-byte
// aligned, so loading is one read, a CRC-32 check and zero-copy views (no parsing, no rehashing).
//
//   offset  size  field
//   0       8     magic 'RDBTGRPH'
//   8       4     format version (u32)
//   12      4     metadata length in bytes (u32)
//   16      4     CRC-32 of everything after the 32-byte header (u32)
//   20      4     number of sections (u32)
//   24      8     payload length after the header (f64, exact below 2^53)
//   32      ...   metadata JSON (UTF-8), zero-padded to 8 bytes; its `sections` lists
//                 { name, type, length } in file order
//   ...           sections, each zero-padded to 8 bytes
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { writeAllAt, writeFileAtomicAsync } from './atomic-file.ts';

export const SNAPSHOT_MAGIC = 'RDBTGRPH';
/** Version 2 added the live delta (deltaTarget, deltaEdge) and a union-find that may be left out (`ufStale`). */
export const SNAPSHOT_VERSION = 2;
/** Versions load() still reads: version 1 files are version 2 files without a delta. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
const HEADER = 32;

export type SectionArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;
type SectionType = 'u8' | 'u16' | 'u32' | 'i32' | 'f32';

export interface SnapshotSection {
  name: string;
  array: SectionArray;
  /**
   * Rewrites a slice of `array` on its way to the file, in a private copy (`slice` holds elements
   * start.. of the section): how a snapshot written while the engine keeps changing leaves out
   * what changed after it began (codec.ts).
   */
  patch?: (slice: SectionArray, start: number) => void;
}

const constructors = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
} as const;

function typeOf(array: SectionArray): SectionType {
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Float32Array) return 'f32';
  return 'u8';
}

const pad8 = (n: number): number => (n + 7) & ~7;
const ZEROS = new Uint8Array(8);

/**
 * Bytes copied, patched, checksummed and written per step, and at most SLICE_ELEMENTS elements
 * (the patch loops cost per element). Each step is about a millisecond of the event loop's time
 * (a copy, zlib's crc32, a patch); the write itself runs on the thread pool while the loop serves
 * other work.
 */
export const SLICE_BYTES = 1 << 20;
const SLICE_ELEMENTS = 1 << 16;

/**
 * Writes `meta` and `sections` to `file` through a temporary file and a rename, so a crash never
 * leaves half a snapshot. Slice by slice (SLICE_BYTES): each slice is copied into a private
 * buffer before it is patched, checksummed and handed to the file system, so the arrays may change
 * while the write is in flight without the file disagreeing with its checksum.
 */
export async function writeSnapshot(
  file: string,
  meta: Record<string, unknown>,
  sections: SnapshotSection[],
): Promise<void> {
  const metaBytes = Buffer.from(
    JSON.stringify({
      ...meta,
      sections: sections.map((s) => ({ name: s.name, type: typeOf(s.array), length: s.array.length })),
    }),
  );
  let payload = pad8(metaBytes.length);
  for (const s of sections) payload += pad8(s.array.byteLength);
  const staging = new ArrayBuffer(SLICE_BYTES);
  await writeFileAtomicAsync(file, async (handle) => {
    let crc = 0;
    let at = HEADER;
    const put = async (bytes: Uint8Array): Promise<void> => {
      // zlib.crc32 returns 0 for an empty view of an empty buffer (Node 22): skip empty chunks.
      if (bytes.length === 0) return;
      crc = crc32(bytes, crc);
      await writeAllAt(handle, bytes, at);
      at += bytes.length;
    };
    await put(metaBytes);
    await put(ZEROS.subarray(0, pad8(metaBytes.length) - metaBytes.length));
    for (const section of sections) {
      const { length, byteLength } = section.array;
      const Ctor = constructors[typeOf(section.array)];
      const perSlice = Math.min(SLICE_ELEMENTS, SLICE_BYTES / Ctor.BYTES_PER_ELEMENT);
      for (let start = 0; start < length; start += perSlice) {
        const count = Math.min(perSlice, length - start);
        const slice = new Ctor(staging, 0, count);
        slice.set(section.array.subarray(start, start + count)); // read per slice: it may be swapped for a copy
        section.patch?.(slice, start);
        await put(new Uint8Array(staging, 0, count * Ctor.BYTES_PER_ELEMENT));
      }
      await put(ZEROS.subarray(0, pad8(byteLength) - byteLength));
    }
    if (at - HEADER !== payload) throw new Error(`snapshot writer: wrote ${at - HEADER} bytes, planned ${payload}`);
    const header = Buffer.alloc(HEADER);
    header.write(SNAPSHOT_MAGIC, 0, 'latin1');
    header.writeUInt32LE(SNAPSHOT_VERSION, 8);
    header.writeUInt32LE(metaBytes.length, 12);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(sections.length, 20);
    header.writeDoubleLE(payload, 24);
    await writeAllAt(handle, header, 0);
  });
}

export interface SnapshotContents {
  version: number;
  meta: Record<string, unknown>;
  sections: Map<string, SectionArray>;
}

function fail(file: string, message: string): never {
  throw new Error(`invalid graph snapshot ${file}: ${message}`);
}

/** Reads and verifies a snapshot; the typed arrays are views over the file's bytes. */
export function readSnapshot(file: string): SnapshotContents {
  let data: Buffer = readFileSync(file);
  if (data.length < HEADER) fail(file, `truncated: ${data.length} bytes, the header alone needs ${HEADER}`);
  if (data.toString('latin1', 0, 8) !== SNAPSHOT_MAGIC) fail(file, 'not a Redoubt graph snapshot (bad magic bytes)');
  const version = data.readUInt32LE(8);
  if (!READABLE_VERSIONS.includes(version))
    fail(file, `unsupported format version ${version} (this engine reads ${READABLE_VERSIONS.join(' and ')})`);
  const metaLength = data.readUInt32LE(12);
  const expectedCrc = data.readUInt32LE(16);
  const sectionCount = data.readUInt32LE(20);
  const payload = data.readDoubleLE(24);
  if (data.length - HEADER < payload) fail(file, `truncated: ${data.length} bytes, expected ${HEADER + payload}`);
  if (data.length - HEADER > payload) fail(file, `${data.length - HEADER - payload} unexpected bytes after the end`);
  if (crc32(data.subarray(HEADER)) >>> 0 !== expectedCrc) fail(file, 'checksum mismatch (the file is corrupted)');
  if (data.byteOffset % 8 !== 0) data = Buffer.from(data); // typed views need aligned offsets
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(data.toString('utf8', HEADER, HEADER + metaLength));
  } catch {
    fail(file, 'metadata is not valid JSON');
  }
  const list = meta.sections;
  if (!Array.isArray(list) || list.length !== sectionCount) fail(file, 'section table does not match the header');
  const sections = new Map<string, SectionArray>();
  let offset = HEADER + pad8(metaLength);
  for (const entry of list as Array<{ name: unknown; type: unknown; length: unknown }>) {
    const Ctor = constructors[entry.type as SectionType];
    const length = entry.length;
    if (
      typeof entry.name !== 'string' ||
      !Ctor ||
      typeof length !== 'number' ||
      !Number.isInteger(length) ||
      length < 0
    ) {
      fail(file, `malformed section entry ${JSON.stringify(entry)}`);
    }
    const bytes = length * Ctor.BYTES_PER_ELEMENT;
    if (offset + bytes > data.length) fail(file, `section '${entry.name}' runs past the end of the file`);
    sections.set(entry.name, new Ctor(data.buffer as ArrayBuffer, data.byteOffset + offset, length));
    offset += pad8(bytes);
  }
  if (offset !== data.length) fail(file, 'sections do not fill the payload');
  return { version, meta, sections };
}

/** Names the sections a reader requires, failing with the first missing one. */
export function requireSections(file: string, contents: SnapshotContents, names: readonly string[]): void {
  for (const name of names) if (!contents.sections.has(name)) fail(file, `missing section '${name}'`);
}
