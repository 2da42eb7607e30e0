// How columns grow. Growing a column by copying allocates a new ArrayBuffer; at 1M customers the
// node and edge columns together hold ~230 MB, and V8 answers each ~64 MB of new ArrayBuffer memory
// with a full mark-compact of the host's heap (~100 ms at 200 MB). Measured in bench:engine, the
// collections of doubling copies were half of the live-insert time. A resizable ArrayBuffer reserves
// address space once and commits only what a resize adds: no copy, and only real growth counts.
// V8's element access through views of resizable buffers is slower (1.3–2× in a micro-benchmark),
// so the columns the traversal loop reads (visit stamps, node kinds, adjacency heads) stay plain
// and are copied when they grow; the others (attributes, union-find, edge times, interned keys, the
// delta) are columns over resizable buffers. compact() rebuilds the ones the network answer reads
// (attributes, keys, edge times) as plain arrays, as a snapshot load does: a gather of cache misses
// through views of resizable buffers takes about twice as long (engine/bench/resizable-gather.ts).
// The first growth after that moves each to a resizable buffer again (extended() copies a plain
// array).

type Growable = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;
type ColumnCtor<T> = { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

const MIN_RESERVE = 2 ** 20;
const MAX_RESERVE = 2 ** 34; // address space, not memory: pages are committed as the buffer grows

/** The capacity to grow to from `current` to hold at least `min`: +25%, so committed slack stays small. */
export function nextCapacity(current: number, min: number): number {
  return Math.max(min, current + (current >>> 2) + 1024);
}

/** A zeroed (or `fill`ed) column of `length` elements over a resizable buffer with 8× headroom reserved. */
export function column<T extends Growable>(Ctor: ColumnCtor<T>, length: number, fill?: number): T {
  const width = Ctor.BYTES_PER_ELEMENT;
  const bytes = length * width;
  const reserve = Math.max(bytes, Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, bytes * 8)));
  const array = new Ctor(new ArrayBuffer(bytes, { maxByteLength: reserve - (reserve % width) }), 0, length);
  if (fill !== undefined && fill !== 0) array.fill(fill);
  return array;
}

/** A column copy of `array`, trimmed or extended to `length` elements (new ones zero). */
export function columnOf<T extends Growable>(array: T, length: number): T {
  const next = column(array.constructor as unknown as ColumnCtor<T>, length);
  next.set(length < array.length ? (array.subarray(0, length) as T) : array);
  return next;
}

/**
 * `array` as a column of `length` (>= its length) elements: its own buffer resized in place when
 * that buffer is resizable with room (older views of it stay valid), else a copy. New elements are
 * zero, or `fill`.
 */
export function extended<T extends Growable>(array: T, length: number, fill?: number): T {
  const width = array.BYTES_PER_ELEMENT;
  const buffer = array.buffer as ArrayBuffer;
  let next: T;
  if (buffer.resizable && array.byteOffset === 0 && length * width <= buffer.maxByteLength) {
    if (buffer.byteLength < length * width) buffer.resize(length * width);
    next = new (array.constructor as ColumnCtor<T>)(buffer, 0, length);
  } else {
    next = columnOf(array, length);
  }
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

/** A plain copy of `array` trimmed or extended to `length` elements (new ones zero). */
export function plainOf<T extends Growable>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(length < array.length ? (array.subarray(0, length) as T) : array);
  return next;
}

/** A plain copy of `array` with `length` (>= its length) elements; new ones zero, or `fill`. */
export function grown<T extends Growable>(array: T, length: number, fill?: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}
