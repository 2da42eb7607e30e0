// writeNetworkJson(): network columns straight to JSON bytes in the HTTP contract's shape (`Network`
// in libs/contracts: times as ISO strings), byte for byte what the BFF's schema serializer made of
// network(): same key order, same number and string forms. Keys are copied from the engine's key
// pool as UTF-8 bytes, never decoded, except the rare one that needs JSON escaping.
//
// Speed: the document's size is bounded before writing, so no write checks for room; the writers
// take and return the write position (kept in registers, not in module state).
import { CUSTOMER } from './ids.ts';
import type { NetworkColumns } from './types.ts';

// Documents are written into a slab and returned as views of it, so an answer costs neither an
// ArrayBuffer of its own (each one is a native allocation, and their external memory brings on
// collections) nor a copy; a full slab is left to the views still using it, like Node's Buffer pool.
const SLAB = 1 << 20;
let slab = Buffer.allocUnsafeSlow(SLAB);
let slabUsed = 0;

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const OPEN = bytes('{"nodes":[');
const NODE_ID = bytes('{"id":"');
const CUSTOMER_ID = bytes('c:');
const CUSTOMER_KEY = bytes('","type":"customer","key":"');
const IDENTIFIER_KEY = bytes('","type":"identifier","key":"');
const KIND = bytes('","kind":"');
const DEPTH = bytes('","depth":');
const LABEL = bytes(',"label":"');
const ACTION = bytes(',"action":"');
const SCORE = bytes(',"score":');
const DEGREE = bytes(',"degree":');
const EDGES = bytes('],"edges":[');
const SOURCE = bytes('{"source":"');
const TARGET = bytes('","target":"');
const FIRST_SEEN = bytes('","firstSeen":"');
const LAST_SEEN = bytes('","lastSeen":"');
const COUNT = bytes('","count":');
const ISO_END = bytes('.000Z');
/** Most bytes a node or edge writes besides its keys, names and numbers (all fragments above). */
const FIXED = 160;

/** JSON bodies (no quotes) of kind names, labels and actions: few per engine, so kept. */
const bodies = new Map<string, Uint8Array>();
function body(value: string): Uint8Array {
  let b = bodies.get(value);
  if (!b) {
    b = Buffer.from(JSON.stringify(value).slice(1, -1));
    if (bodies.size < 4096) bodies.set(value, b);
  }
  return b;
}

function put(out: Buffer, at: number, fragment: Uint8Array): number {
  for (let i = 0; i < fragment.length; i++) out[at++] = fragment[i];
  return at;
}

/** ASCII text (numbers, booleans). */
function ascii(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** A non-negative integer. */
function uint(out: Buffer, at: number, n: number): number {
  if (n < 10) {
    out[at++] = 48 + n;
    return at;
  }
  return ascii(out, at, String(n));
}

/** Key bytes [from, to) of the pool, escaped for JSON: copied as they are unless one needs escaping. */
function key(out: Buffer, at: number, pool: Buffer, from: number, to: number): number {
  const mark = at;
  for (let b = from; b < to; b++) {
    const byte = pool[b];
    if (byte < 0x20 || byte === 0x22 || byte === 0x5c) {
      const json = JSON.stringify(pool.toString('utf8', from, to));
      return mark + out.write(json.slice(1, -1), mark, 'utf8');
    }
    out[at++] = byte;
  }
  return at;
}

function two(out: Buffer, at: number, n: number): number {
  out[at++] = 48 + ((n / 10) | 0);
  out[at++] = 48 + (n % 10);
  return at;
}

// 'YYYY-MM-DDT' of the last days written, by day number: a network's links fall on few days.
const DAY_SLOTS = 1024;
const dayKeys = new Int32Array(DAY_SLOTS).fill(-1);
const dayText = new Uint8Array(DAY_SLOTS * 11);

/** Epoch seconds as Date#toISOString() writes them ('2026-01-31T10:00:00.000Z'), years 1970-9999. */
function isoTime(out: Buffer, at: number, seconds: number): number {
  const days = Math.floor(seconds / 86400);
  let rest = seconds - days * 86400;
  const slot = days & (DAY_SLOTS - 1);
  if (dayKeys[slot] !== days) {
    dayKeys[slot] = days;
    civilDay(days, slot * 11);
  }
  for (let i = slot * 11, end = i + 11; i < end; i++) out[at++] = dayText[i];
  const hour = (rest / 3600) | 0;
  rest -= hour * 3600;
  const minute = (rest / 60) | 0;
  at = two(out, at, hour);
  out[at++] = 0x3a; // :
  at = two(out, at, minute);
  out[at++] = 0x3a;
  at = two(out, at, rest - minute * 60);
  return put(out, at, ISO_END);
}

/** Writes 'YYYY-MM-DDT' of a day number into dayText at `at`. */
function civilDay(days: number, at: number): void {
  // Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T`;
  for (let i = 0; i < 11; i++) dayText[at + i] = text.charCodeAt(i);
}

/** Node k's id: 'c:<key>' or '<kind>:<key>'. */
function nodeId(out: Buffer, at: number, c: NetworkColumns, k: number, kindBodies: Uint8Array[]): number {
  const kind = c.kind[k];
  if (kind === CUSTOMER) at = put(out, at, CUSTOMER_ID);
  else {
    at = put(out, at, kindBodies[kind]);
    out[at++] = 0x3a;
  }
  return key(out, at, c.keyBytes, c.keyStart[k], c.keyEnd[k]);
}

/**
 * The answer as the API's JSON document: `{"nodes":[...],"edges":[...],"truncated":..,"component":{..}}`.
 * Returns a view of a slab that later documents do not overwrite.
 */
export function writeNetworkJson(c: NetworkColumns): Buffer {
  const { nodeCount, edgeCount, kind, keyStart, keyEnd, edgeSource, edgeTarget } = c;
  const kindBodies = c.kindNames.map(body);
  const labelBodies = c.labels.map(body);
  const actionBodies = c.actions.map(body);
  let longest = 0; // longest kind, label or action body
  for (const b of [...kindBodies, ...labelBodies, ...actionBodies]) longest = Math.max(longest, b.length);
  // A bound on the document's size: a key escapes to at most 6 bytes a byte (\u00XX), and appears
  // twice in its node (id, key) and once per edge end; numbers take at most 24 bytes.
  let size = 256 + nodeCount * (FIXED + 4 * longest + 72) + edgeCount * (FIXED + 2 * longest + 96);
  for (let k = 0; k < nodeCount; k++) size += 12 * (keyEnd[k] - keyStart[k]);
  for (let j = 0; j < edgeCount; j++) {
    const s = edgeSource[j];
    const t = edgeTarget[j];
    size += 6 * (keyEnd[s] - keyStart[s] + keyEnd[t] - keyStart[t]);
  }
  if (slabUsed + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(size, SLAB));
    slabUsed = 0;
  }
  const out = slab;
  const begin = slabUsed;
  let at = put(out, begin, OPEN);
  for (let k = 0; k < nodeCount; k++) {
    if (k > 0) out[at++] = 0x2c; // ,
    at = put(out, at, NODE_ID);
    at = nodeId(out, at, c, k, kindBodies);
    if (kind[k] === CUSTOMER) {
      at = put(out, at, CUSTOMER_KEY);
      at = key(out, at, c.keyBytes, keyStart[k], keyEnd[k]);
      at = put(out, at, DEPTH);
      at = uint(out, at, c.depth[k]);
      const label = c.label[k];
      if (label !== 0) {
        at = put(out, at, LABEL);
        at = put(out, at, labelBodies[label]);
        out[at++] = 0x22; // "
      }
      const action = c.action[k];
      if (action !== 0) {
        at = put(out, at, ACTION);
        at = put(out, at, actionBodies[action]);
        out[at++] = 0x22;
      }
      const score = c.score[k];
      if (!Number.isNaN(score)) {
        at = put(out, at, SCORE);
        at = ascii(out, at, String(score));
      }
    } else {
      at = put(out, at, IDENTIFIER_KEY);
      at = key(out, at, c.keyBytes, keyStart[k], keyEnd[k]);
      at = put(out, at, KIND);
      at = put(out, at, kindBodies[kind[k]]);
      at = put(out, at, DEPTH);
      at = uint(out, at, c.depth[k]);
    }
    at = put(out, at, DEGREE);
    at = uint(out, at, c.degree[k]);
    out[at++] = 0x7d; // }
  }
  at = put(out, at, EDGES);
  for (let j = 0; j < edgeCount; j++) {
    if (j > 0) out[at++] = 0x2c;
    at = put(out, at, SOURCE);
    at = nodeId(out, at, c, edgeSource[j], kindBodies);
    at = put(out, at, TARGET);
    at = nodeId(out, at, c, edgeTarget[j], kindBodies);
    at = put(out, at, FIRST_SEEN);
    at = isoTime(out, at, c.firstSeen[j]);
    at = put(out, at, LAST_SEEN);
    at = isoTime(out, at, c.lastSeen[j]);
    at = put(out, at, COUNT);
    at = uint(out, at, c.count[j]);
    out[at++] = 0x7d;
  }
  const { customers, identifiers, fraudsters, share } = c.component;
  at = ascii(
    out,
    at,
    `],"truncated":${c.truncated},"component":{"customers":${customers},"identifiers":${identifiers},"fraudsters":${fraudsters},"share":${share}}}`,
  );
  slabUsed = (at + 7) & ~7;
  return out.subarray(begin, at);
}
