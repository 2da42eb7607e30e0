// Interning: every customer and identifier gets a dense integer id. Keys live in one UTF-8 byte pool
// with an open-addressing hash table of ids, all typed arrays, so a snapshot restores them as they
// are (no string -> id map to rebuild on load) and the heap holds no per-key string objects.
import { column, extended, nextCapacity } from './growable.ts';

/** Node kind code of customers; identifier kinds get codes 1..255 in a per-engine table. */
export const CUSTOMER = 0;

/** Per-kind normalisation, so 'Ann@X.com ' and 'ann@x.com' are the same identifier. */
export function normaliseValue(kind: string, value: string): string {
  let v = String(value);
  if (isNormal(kind, v)) return v; // the common case: no allocation
  v = v.trim();
  switch (kind) {
    case 'email':
    case 'ip':
      v = v.toLowerCase();
      break;
    case 'phone':
      v = (v.startsWith('+') ? '+' : '') + v.replace(/\D/g, '');
      break;
    case 'address':
      v = v.toLowerCase().replace(/\s+/g, ' ');
      break;
    default:
      break;
  }
  return v;
}

/** True when normaliseValue would return `v` unchanged (checked without allocating). */
function isNormal(kind: string, v: string): boolean {
  const n = v.length;
  if (n === 0 || v.charCodeAt(0) <= 32 || v.charCodeAt(n - 1) <= 32) return false;
  if (kind === 'phone') {
    for (let i = 0; i < n; i++) {
      const ch = v.charCodeAt(i);
      if ((ch < 48 || ch > 57) && !(i === 0 && ch === 43)) return false;
    }
    return true;
  }
  const lower = kind === 'email' || kind === 'ip' || kind === 'address';
  if (!lower) return true;
  for (let i = 0; i < n; i++) {
    const ch = v.charCodeAt(i);
    if ((ch >= 65 && ch <= 90) || ch > 127 || (kind === 'address' && ch <= 32 && v.charCodeAt(i + 1) <= 32))
      return false;
  }
  return true;
}

/** Kind names are case-insensitive; 'c' is reserved for customer node ids ('c:<customerId>'). */
export function normaliseKind(kind: string): string {
  const k = String(kind).trim().toLowerCase();
  if (k === '' || k === 'c' || k.includes(':')) throw new RangeError(`invalid identifier kind '${kind}'`);
  return k;
}

const EMPTY = 0; // table slots hold id + 1

export interface InternerArrays {
  pool: Uint8Array;
  poolUsed: number;
  starts: Uint32Array;
  count: number;
  table: Int32Array;
  tags: Uint8Array;
}

/** Maps (kind code, string) keys to dense ids 0..count-1 and back. */
export class Interner {
  #pool: Buffer;
  #used = 0;
  #starts: Uint32Array; // key i is pool[starts[i], starts[i+1]); first byte is the kind code
  #count = 0;
  #table: Int32Array;
  #tags: Uint8Array; // the hash's top byte per slot: most mismatches never touch the key bytes
  #mask: number;

  constructor(capacity = 1024, arrays?: InternerArrays) {
    if (arrays) {
      this.#pool = Buffer.from(arrays.pool.buffer, arrays.pool.byteOffset, arrays.pool.byteLength);
      this.#used = arrays.poolUsed;
      this.#starts = arrays.starts;
      this.#count = arrays.count;
      this.#table = arrays.table;
      this.#tags = arrays.tags;
      this.#mask = this.#table.length - 1;
      return;
    }
    this.#pool = poolOf(column(Uint8Array, capacity * 16));
    this.#starts = column(Uint32Array, capacity + 1);
    const size = tableSizeFor(capacity);
    this.#table = new Int32Array(size);
    this.#tags = new Uint8Array(size);
    this.#mask = size - 1;
  }

  get count(): number {
    return this.#count;
  }

  /** The id of (kind, value), or -1. */
  find(kind: number, value: string): number {
    return this.#lookup(kind, value, false);
  }

  /** The id of (kind, value), created if absent. */
  intern(kind: number, value: string): number {
    return this.#lookup(kind, value, true);
  }

  kindOf(id: number): number {
    return this.#pool[this.#starts[id]];
  }

  valueOf(id: number): string {
    return this.#pool.toString('utf8', this.#starts[id] + 1, this.#starts[id + 1]);
  }

  /** The key pool and key offsets as they are (views, no trimming), for answers that copy key bytes. */
  keys(): { pool: Buffer; starts: Uint32Array } {
    return { pool: this.#pool, starts: this.#starts };
  }

  /** The typed arrays, trimmed to what is used (views, not copies), for snapshots. */
  arrays(): InternerArrays {
    return {
      pool: this.#pool.subarray(0, this.#used),
      poolUsed: this.#used,
      starts: this.#starts.subarray(0, this.#count + 1),
      count: this.#count,
      table: this.#table,
      tags: this.#tags,
    };
  }

  byteSize(): number {
    return this.#pool.byteLength + this.#starts.byteLength + this.#table.byteLength + this.#tags.byteLength;
  }

  /** Moves key `order[i]` to id i (perm is the inverse); trims the pool and offsets to a little headroom, as plain arrays. */
  renumber(perm: Int32Array, order: Int32Array): void {
    const n = this.#count;
    const old = this.#pool;
    const oldStarts = this.#starts;
    // Plain arrays: network answers read the keys (growable.ts).
    const pool = poolOf(new Uint8Array(this.#used + (this.#used >>> 6) + 64));
    const starts = new Uint32Array(n + (n >>> 6) + 16);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i];
      starts[i] = at;
      for (let b = oldStarts[v], end = oldStarts[v + 1]; b < end; b++) pool[at++] = old[b];
    }
    starts[n] = at;
    const table = this.#table;
    for (let slot = 0; slot < table.length; slot++) {
      const entry = table[slot];
      if (entry !== EMPTY) table[slot] = perm[entry - 1] + 1;
    }
    this.#pool = pool;
    this.#starts = starts;
  }

  #lookup(kind: number, value: string, create: boolean): number {
    const start = this.#used;
    const n = value.length;
    if (start + 1 + n * 3 > this.#pool.length) this.#growPool(1 + n * 3);
    const pool = this.#pool;
    // Encode the candidate key at the pool's tail (kept there only if it is new), hashing as we go;
    // ASCII is copied by hand, which is several times faster than Buffer#write for short keys.
    pool[start] = kind;
    let h = Math.imul(FNV_OFFSET ^ kind, FNV_PRIME);
    let end = start + 1;
    for (let i = 0; i < n; i++) {
      const ch = value.charCodeAt(i);
      if (ch > 127) {
        end = start + 1 + pool.write(value, start + 1, 'utf8');
        h = fnv(pool, start, end);
        break;
      }
      pool[end++] = ch;
      h = Math.imul(h ^ ch, FNV_PRIME);
    }
    const hash = finish(h);
    const starts = this.#starts;
    const table = this.#table;
    const tags = this.#tags;
    const tag = hash >>> 24;
    const mask = this.#mask;
    const len = end - start;
    let slot = hash & mask;
    for (;;) {
      const entry = table[slot];
      if (entry === EMPTY) break;
      if (tags[slot] !== tag) {
        slot = (slot + 1) & mask;
        continue;
      }
      const id = entry - 1;
      const s = starts[id];
      if (starts[id + 1] - s === len) {
        let i = 0;
        while (i < len && pool[s + i] === pool[start + i]) i++;
        if (i === len) return id;
      }
      slot = (slot + 1) & mask;
    }
    if (!create) return -1;
    const id = this.#count;
    if (id + 2 > this.#starts.length) this.#starts = extended(this.#starts, nextCapacity(this.#starts.length, id + 2));
    this.#starts[id + 1] = end;
    this.#count = id + 1;
    this.#used = end;
    table[slot] = id + 1;
    tags[slot] = tag;
    if (this.#count * 4 > table.length * 3) this.#rehash(table.length * 2);
    return id;
  }

  #growPool(extra: number): void {
    const pool = this.#pool; // as a plain Uint8Array: extended() must not call Buffer's constructor
    const length = nextCapacity(pool.length, this.#used + extra);
    this.#pool = poolOf(extended(new Uint8Array(pool.buffer, pool.byteOffset, pool.length), length));
  }

  #rehash(size: number): void {
    const table = new Int32Array(size);
    const tags = new Uint8Array(size);
    const mask = size - 1;
    const starts = this.#starts;
    for (let id = 0; id < this.#count; id++) {
      const hash = hashBytes(this.#pool, starts[id], starts[id + 1]);
      let slot = hash & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = id + 1;
      tags[slot] = hash >>> 24;
    }
    this.#table = table;
    this.#tags = tags;
    this.#mask = mask;
  }
}

/** The key pool as a Buffer (for its UTF-8 encode and decode) over a column's memory. */
function poolOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function tableSizeFor(capacity: number): number {
  let size = 1024;
  while (size * 3 < capacity * 4) size *= 2;
  return size;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** FNV-1a with a murmur finaliser; stable across versions because snapshots store the table. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  return finish(fnv(bytes, start, end));
}
