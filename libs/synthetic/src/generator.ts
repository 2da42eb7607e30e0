// Deterministic merchants, customers and months of their events, with the fraud patterns analysts
// know planted among ordinary shoppers:
// - card testing: one account adds many cards and fires small failed authorisations in minutes;
// - account takeover: a login from a new device and IP, then a new email, then a quick order;
// - promo abuse rings: new accounts sharing a device or an address, each using a promo code;
// - mule networks: accounts sharing the same few cards;
// plus shared infrastructure (an office IP, a parcel locker) that links unrelated genuine people.
// Customer i's events depend only on (seed, tenant, i), so any customer can be regenerated alone.
import type { RedoubtEvent } from '@redoubt/contracts';
import { Random } from './random.ts';
import { CITIES, DOMAINS, FIRST_NAMES, LAST_NAMES, STREETS } from './names.ts';

export interface Merchant {
  id: string;
  name: string;
  currency: string;
}

/** The demo's merchants; the BFF's demo identity proxy offers users of the same tenants. */
export const DEMO_MERCHANTS: Merchant[] = [
  { id: 'acme-shop', name: 'Acme Shop', currency: 'GBP' },
  { id: 'globex-travel', name: 'Globex Travel', currency: 'EUR' },
];

export type Persona = 'genuine' | 'cardTester' | 'takeover' | 'promoRing' | 'muleRing';

export interface GenerateOptions {
  seed: number;
  tenant: string;
  customers: number;
  /** Last moment of generated history, epoch ms (default: a fixed date, for stable tests). */
  end?: number;
  /** Months of history before `end`. */
  months?: number;
  currency?: string;
  /** First customer index (to generate a slice). */
  from?: number;
  /** Population the rings were planted in (default: the customers generated); lets new customers join old rings. */
  ringPopulation?: number;
}

const DAY = 86_400_000;
const DEFAULT_END = Date.UTC(2026, 10, 1);
const OFFICE_IP = '203.0.113.10';
const PARCEL_LOCKER = { line1: 'Parcel Locker 17, Station Road', city: 'London', postcode: 'N1 9AL', country: 'GB' };

export function customerId(tenant: string, index: number): string {
  return `${tenant.slice(0, 3)}_${index.toString(36).padStart(5, '0')}`;
}

/** The persona and ring of customer `index`: fixed by seed and index alone. */
export function personaOf(seed: number, index: number, customers: number): { persona: Persona; ring: number } {
  const r = new Random((seed * 31 + index * 2654435761) >>> 0);
  const x = r.next();
  const rings = Math.max(1, Math.floor(customers / 800));
  if (x < 0.004) return { persona: 'cardTester', ring: -1 };
  if (x < 0.009) return { persona: 'takeover', ring: -1 };
  if (x < 0.024) return { persona: 'promoRing', ring: r.int(0, rings - 1) };
  if (x < 0.034) return { persona: 'muleRing', ring: r.int(0, rings - 1) };
  return { persona: 'genuine', ring: -1 };
}

/** The last hours before `end` into which later times are squeezed (see `squeeze`). */
const SQUEEZE_MS = 12 * 3_600_000;

/**
 * Keeps a time before `end` without piling every late event onto `end` itself (the demo's `end`
 * is midnight, and clamping made many customers "last seen" at exactly 00:00): times in the last
 * SQUEEZE_MS are compressed smoothly towards `end`, keeping their order, and earlier ones are left as they are.
 */
export function squeeze(t: number, end: number): number {
  const start = end - SQUEEZE_MS;
  if (t <= start) return t;
  const past = t - start;
  return Math.floor(start + (SQUEEZE_MS * past) / (past + SQUEEZE_MS));
}

/** Every event of customers [from, from + customers), customer by customer (not in time order). */
export function* generateEvents(options: GenerateOptions): Generator<RedoubtEvent> {
  const from = options.from ?? 0;
  for (let i = from; i < from + options.customers; i++) yield* customerEvents(options, i);
}

export function customerEvents(options: GenerateOptions, index: number): RedoubtEvent[] {
  const { seed, tenant } = options;
  const total = options.ringPopulation ?? Math.max(options.customers + (options.from ?? 0), index + 1);
  const end = options.end ?? DEFAULT_END;
  const span = (options.months ?? 6) * 30 * DAY;
  const currency = options.currency ?? 'GBP';
  const rng = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const { persona, ring } = personaOf(seed, index, total);
  const id = customerId(tenant, index);
  const events: RedoubtEvent[] = [];
  let n = 0;
  const iso = (t: number) => new Date(squeeze(t, end)).toISOString();
  const envelope = (t: number) => ({ eventId: `${id}-${(n++).toString(36)}`, customerId: id, timestamp: iso(t) });

  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const ascii = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
  const email = `${ascii(first)}.${ascii(last)}${rng.int(1, 999)}@${rng.pick(DOMAINS)}`;
  const phone = `+44 7${rng.int(100, 999)} ${rng.int(100000, 999999)}`;
  const city = rng.pick(CITIES);
  const home = {
    line1: `${rng.int(1, 240)} ${rng.pick(STREETS)}`,
    city: city.city,
    postcode: `${city.prefix}${rng.int(1, 20)} ${rng.int(1, 9)}${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`,
    country: city.country,
  };
  // Fraud accounts are young; genuine ones are spread over the whole period.
  const registered = persona === 'genuine' ? end - rng.next() * span : end - rng.next() * Math.min(span, 30 * DAY);
  let t = registered;
  const step = (maxMs: number) => (t += 60_000 + rng.next() * maxMs);

  // Genuine households: neighbours in index order sometimes share an address and a device.
  const household = persona === 'genuine' && rng.chance(0.04) ? Math.floor(index / 2) : -1;
  const address =
    persona === 'promoRing' && rng.chance(0.6)
      ? { line1: `Flat ${ring % 40}, ${10 + (ring % 90)} Mill Lane`, city: 'Leeds', postcode: 'LS1 4AB', country: 'GB' }
      : household >= 0
        ? { ...home, line1: `${(household % 240) + 1} Orchard Way` }
        : home;
  events.push({
    ...envelope(t),
    type: 'customer',
    customer: { name: `${first} ${last}`, email, phone, country: address.country, registrationTime: iso(t), address },
  });

  const ipOf = () =>
    persona === 'genuine' && rng.chance(0.01)
      ? OFFICE_IP
      : `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const deviceId =
    persona === 'promoRing'
      ? `dev-ring-${ring}`
      : household >= 0
        ? `dev-house-${tenant}-${household}`
        : `dev-${id}-${rng.int(0, 1e6).toString(36)}`;
  events.push({
    ...envelope(step(3_600_000)),
    type: 'device',
    device: { deviceId, ipAddress: ipOf(), type: rng.pick(['desktop', 'mobile', 'mobile', 'tablet'] as const) },
  });

  const cards: string[] = [];
  const addCard = (instrumentId: string) => {
    cards.push(instrumentId);
    events.push({
      ...envelope(step(persona === 'cardTester' ? 30_000 : 86_400_000)),
      type: 'paymentMethod',
      paymentMethod: {
        instrumentId,
        methodType: 'card',
        cardBin: String(rng.int(400000, 559999)),
        cardLastFour: String(rng.int(0, 9999)).padStart(4, '0'),
        cardBrand: rng.pick(['visa', 'mastercard', 'amex']),
        issuerCountry: rng.pick(['GB', 'GB', 'FR', 'DE', 'US', 'NG', 'RO']),
      },
    });
  };
  if (persona === 'muleRing') {
    for (let k = 0; k < rng.int(1, 2); k++) addCard(`tok_mule_${tenant}_${ring}_${rng.int(0, 2)}`);
  } else {
    addCard(`tok_${id}_${rng.int(0, 1e6).toString(36)}`);
    if (rng.chance(0.2)) addCard(`tok_${id}_${rng.int(0, 1e6).toString(36)}`);
  }

  const order = (price: number, promoCode?: string, success = true) => {
    const orderId = `ord-${id}-${n.toString(36)}`;
    events.push({
      ...envelope(step(persona === 'genuine' ? 20 * DAY : 2 * DAY)),
      type: 'order',
      order: {
        orderId,
        price,
        currency,
        items: rng.int(1, 5),
        status: success ? 'FULFILLED' : 'CANCELLED',
        ...(promoCode ? { promoCode } : {}),
        ...(persona === 'genuine' && rng.chance(0.02) ? { shippingAddress: PARCEL_LOCKER } : {}),
      },
    });
    events.push({
      ...envelope(step(120_000)),
      type: 'transaction',
      transaction: {
        transactionId: `txn-${id}-${n.toString(36)}`,
        orderId,
        instrumentId: rng.pick(cards),
        amount: price,
        currency,
        type: 'auth',
        success,
        ...(success ? {} : { declineCode: rng.pick(['05', '51', '54', '14']) }),
      },
    });
  };
  const score = (value: number, rules: string[]) => {
    const s = Math.max(0, Math.min(100, Math.round(value)));
    events.push({
      ...envelope(step(60_000)),
      type: 'score',
      score: {
        score: s,
        action: s >= 80 ? 'PREVENT' : s >= 50 ? 'REVIEW' : 'ALLOW',
        source: 'redoubt-model-v3',
        rules: rules.map((name) => ({ name })),
      },
    });
  };

  switch (persona) {
    case 'genuine': {
      for (let k = rng.int(1, 4); k > 0; k--) {
        if (rng.chance(0.3)) {
          events.push({
            ...envelope(step(10 * DAY)),
            type: 'login',
            login: { success: rng.chance(0.93), mechanism: 'password', deviceId, ipAddress: ipOf() },
          });
        }
        order(rng.int(800, 15_000), rng.chance(0.05) ? 'WELCOME10' : undefined);
        score(rng.chance(0.06) ? 50 + rng.next() * 25 : rng.next() * 35, []);
      }
      if (rng.chance(0.002)) events.push({ ...envelope(step(DAY)), type: 'label', label: { label: 'GENUINE' } });
      break;
    }
    case 'cardTester': {
      for (let k = rng.int(6, 14); k > 0; k--) addCard(`tok_${id}_test_${k}`);
      for (let k = rng.int(10, 25); k > 0; k--) {
        events.push({
          ...envelope(step(20_000)),
          type: 'transaction',
          transaction: {
            transactionId: `txn-${id}-${n.toString(36)}`,
            instrumentId: rng.pick(cards),
            amount: rng.int(50, 200),
            currency,
            type: 'auth',
            success: rng.chance(0.15),
          },
        });
      }
      score(85 + rng.next() * 15, ['card_testing_velocity', 'many_cards_one_account']);
      break;
    }
    case 'takeover': {
      order(rng.int(1000, 8000));
      score(rng.next() * 20, []);
      t += rng.next() * 30 * DAY;
      const newDevice = `dev-ato-${id}`;
      const newIp = `${rng.int(41, 45)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      events.push({
        ...envelope(step(DAY)),
        type: 'login',
        login: {
          success: false,
          mechanism: 'password',
          failureReason: 'BAD_PASSWORD',
          deviceId: newDevice,
          ipAddress: newIp,
        },
      });
      events.push({
        ...envelope(step(300_000)),
        type: 'login',
        login: { success: true, mechanism: 'password', deviceId: newDevice, ipAddress: newIp },
      });
      events.push({ ...envelope(step(300_000)), type: 'device', device: { deviceId: newDevice, ipAddress: newIp } });
      events.push({
        ...envelope(step(600_000)),
        type: 'customer',
        customer: {
          email: `${ascii(last)}${rng.int(1000, 9999)}@protonmail.example`,
          phone: `+44 7${rng.int(100, 999)} ${rng.int(100000, 999999)}`,
        },
      });
      addCard(`tok_${id}_ato`);
      order(rng.int(20_000, 90_000));
      score(70 + rng.next() * 25, [
        'new_device_after_login',
        'email_changed_recently',
        'high_value_first_order_on_card',
      ]);
      if (rng.chance(0.4))
        events.push({
          ...envelope(step(DAY)),
          type: 'label',
          label: { label: 'FRAUDSTER', reviewer: 'ops@merchant.example' },
        });
      break;
    }
    case 'promoRing': {
      order(rng.int(1500, 4000), `FIRST${rng.int(10, 30)}`);
      score(45 + rng.next() * 35, ['shared_device', 'promo_code_reuse']);
      if (rng.chance(0.3)) events.push({ ...envelope(step(DAY)), type: 'label', label: { label: 'FRAUDSTER' } });
      break;
    }
    case 'muleRing': {
      for (let k = rng.int(1, 3); k > 0; k--) order(rng.int(5000, 60_000), undefined, rng.chance(0.8));
      score(75 + rng.next() * 25, ['shared_card', 'velocity_cards_accounts']);
      if (rng.chance(0.35)) events.push({ ...envelope(step(DAY)), type: 'label', label: { label: 'FRAUDSTER' } });
      break;
    }
  }
  return events;
}

/**
 * The live trickle: an endless, deterministic stream of fresh events for a tenant: mostly new
 * orders by existing customers, sometimes a brand-new customer (a few of them joining rings, so an
 * open network visibly grows).
 */
export function* trickle(options: {
  seed: number;
  tenant: string;
  customers: number;
  currency?: string;
  /** Distinguishes this run's event ids from an earlier run's (e.g. the start time). */
  runId: string;
  /** Index of the first brand-new customer (default: past the seeded ones, in a range chosen by runId). */
  firstNewIndex?: number;
}): Generator<(now: number) => RedoubtEvent[]> {
  const rng = new Random(options.seed ^ 0x5bd1e995);
  // New customers of different runs get different indexes (so different ids) unless told otherwise.
  let next = options.firstNewIndex ?? options.customers + (hash(options.runId) % 1_000_000) * 1_000;
  let serial = 0;
  for (;;) {
    if (rng.chance(0.15)) {
      const index = next++;
      yield (now) =>
        customerEvents(
          { ...options, customers: 1, from: index, ringPopulation: options.customers, end: now, months: 0.001 },
          index,
        ).map((e) => ({
          ...e,
          timestamp: new Date(Math.min(Date.parse(e.timestamp), now)).toISOString(),
        }));
    } else {
      const index = rng.int(0, Math.max(0, options.customers - 1));
      const id = customerId(options.tenant, index);
      const k = serial++;
      const price = rng.int(500, 20_000);
      const success = rng.chance(0.95);
      const s = rng.next() * 60;
      yield (now) => {
        const at = new Date(now).toISOString();
        const base = { customerId: id, timestamp: at };
        const orderId = `ord-live-${id}-${k.toString(36)}`;
        return [
          {
            ...base,
            eventId: `live-${options.runId}-${k}-o`,
            type: 'order',
            order: { orderId, price, currency: options.currency ?? 'GBP', items: 1, status: 'PENDING' },
          },
          {
            ...base,
            eventId: `live-${options.runId}-${k}-t`,
            type: 'transaction',
            transaction: {
              transactionId: `txn-live-${id}-${k.toString(36)}`,
              orderId,
              instrumentId: `tok_${id}_wallet`,
              amount: price,
              currency: options.currency ?? 'GBP',
              type: 'auth',
              success,
            },
          },
          {
            ...base,
            eventId: `live-${options.runId}-${k}-s`,
            type: 'score',
            score: {
              score: Math.round(s),
              action: s >= 50 ? 'REVIEW' : 'ALLOW',
              source: 'redoubt-model-v3',
            },
          },
        ];
      };
    }
  }
}

/** FNV-1a, 32-bit. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
