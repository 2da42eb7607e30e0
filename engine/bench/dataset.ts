// bench:engine's seeded synthetic graph, shared with answer-variants.ts: customers linked to
// power-law-shared emails, phones, devices and IPs, plus planted rings sharing a card and a device.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const KINDS = ['email', 'phone', 'device', 'ip', 'card'] as const;
const EMAIL = 0;
const PHONE = 1;
const DEVICE = 2;
const IP = 3;
const CARD = 4;

export interface Dataset {
  customerIds: string[];
  values: string[][]; // per kind, by value index
  linkCustomer: Int32Array;
  linkKind: Uint8Array;
  linkValue: Int32Array;
  linkAt: Float64Array;
  links: number;
  fraudsters: number[];
}

/** Power-law pick in [0, size): small indices are shared by many customers. */
function powerLaw(random: () => number, size: number, exponent: number): number {
  return Math.min(size - 1, Math.floor(size * Math.pow(random(), exponent)));
}

export function generate(customers: number, seed: number): Dataset {
  const random = mulberry32(seed);
  const capacity = customers * 5;
  const linkCustomer = new Int32Array(capacity);
  const linkKind = new Uint8Array(capacity);
  const linkValue = new Int32Array(capacity);
  const linkAt = new Float64Array(capacity);
  const counts = [0, 0, 0, 0, 0];
  const pools = [
    Math.ceil(customers * 0.05),
    Math.ceil(customers * 0.05),
    Math.ceil(customers * 0.2),
    Math.ceil(customers * 0.12),
    0,
  ];
  // Value indices: shared pool first, then unique values.
  counts[EMAIL] = pools[EMAIL];
  counts[PHONE] = pools[PHONE];
  counts[DEVICE] = pools[DEVICE];
  counts[IP] = pools[IP];
  let links = 0;
  const start = Date.UTC(2024, 0, 1);
  const span = 730 * 86400_000;
  const add = (c: number, kind: number, value: number): void => {
    linkCustomer[links] = c;
    linkKind[links] = kind;
    linkValue[links] = value;
    linkAt[links] = start + Math.floor(random() * span);
    links++;
  };
  for (let c = 0; c < customers; c++) {
    // Exponent 2: the most shared value has ~1/sqrt(pool) of the draws (a few thousand customers at 1M).
    add(c, EMAIL, random() < 0.7 ? counts[EMAIL]++ : powerLaw(random, pools[EMAIL], 2));
    add(c, PHONE, random() < 0.5 ? counts[PHONE]++ : powerLaw(random, pools[PHONE], 2));
    add(c, DEVICE, powerLaw(random, pools[DEVICE], 2));
    add(c, IP, powerLaw(random, pools[IP], 2));
  }
  // Planted rings: 20-200 customers sharing a card and a device farm, most of them fraudsters.
  const fraudsters: number[] = [];
  let ringCustomers = 0;
  while (ringCustomers < customers * 0.01) {
    const size = 20 + Math.floor(random() * 181);
    const card = counts[CARD]++;
    const device = counts[DEVICE]++;
    for (let k = 0; k < size; k++) {
      const c = Math.floor(random() * customers);
      add(c, CARD, card);
      if (k % 3 === 0) add(c, DEVICE, device);
      if (random() < 0.8) fraudsters.push(c);
    }
    ringCustomers += size;
  }
  const customerIds = Array.from({ length: customers }, (_, c) => `cus_${Math.imul(c, 2654435761) >>> 0}`);
  const values = [
    Array.from({ length: counts[EMAIL] }, (_, v) => `user${v}@mail${v % 97}.com`),
    Array.from({ length: counts[PHONE] }, (_, v) => `+4477${String(v).padStart(8, '0')}`),
    Array.from({ length: counts[DEVICE] }, (_, v) => `dev-${(v * 2246822519) >>> 0}-${v.toString(16)}`),
    Array.from({ length: counts[IP] }, (_, v) => `10.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`),
    Array.from({ length: counts[CARD] }, (_, v) => `4111${String(v).padStart(6, '0')}****${v % 10000}`),
  ];
  // Flat strings, as they arrive from JSON or a database (template literals make cons-strings,
  // which either side would flatten on first use).
  const flat = JSON.parse(JSON.stringify({ customerIds, values })) as { customerIds: string[]; values: string[][] };
  return {
    customerIds: flat.customerIds,
    values: flat.values,
    linkCustomer,
    linkKind,
    linkValue,
    linkAt,
    links,
    fraudsters,
  };
}
