// Events merchants send to Redoubt, shaped like Ravelin's event API: one envelope (eventId, type,
// customerId, timestamp) and one payload object named after the type. JSON Schema via TypeBox,
// shared by the BFF's ingestion and the dashboard. Card numbers never enter: instrumentId is the
// merchant's or PSP's token for a card, and a PAN-like value is rejected (see looksLikePan).
import { Type } from '@sinclair/typebox';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { Action, Label } from './api.ts';

/** Largest NDJSON batch one request may carry. */
export const MAX_BATCH_EVENTS = 10_000;

/**
 * Longest id (customer, event, order...) accepted anywhere: at ingest, in route parameters and by
 * the BFF's router (its maxParamLength derives from this), so every stored id can be opened.
 */
export const MAX_ID_LENGTH = 128;
/** The characters an id may hold (no '/', '%' or space: an id is one URL path segment as it is). */
export const ID_PATTERN = '^[A-Za-z0-9._:@-]+$';

const Id = Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH, pattern: ID_PATTERN });
const Text = (maxLength = 256) => Type.String({ maxLength });
/** ISO 8601 with a zone, e.g. 2026-11-27T18:00:00Z. */
export const Timestamp = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'ISO 8601 date-time with a zone',
});
const Money = Type.Integer({ minimum: 0, maximum: 1e12, description: 'Amount in minor units (cents)' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });
const Phone = Type.String({ minLength: 4, maxLength: 32, pattern: '^\\+?[0-9 ()-]{4,32}$' });
const Ip = Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f:.]+$' });
const obj = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });

export const Address = obj({
  line1: Text(),
  line2: Type.Optional(Text()),
  city: Text(128),
  postcode: Type.Optional(Text(32)),
  country: Country,
});
export type Address = Static<typeof Address>;

export const CustomerPayload = obj({
  name: Type.Optional(Text(200)),
  email: Type.Optional(Email),
  phone: Type.Optional(Phone),
  country: Type.Optional(Country),
  registrationTime: Type.Optional(Timestamp),
  address: Type.Optional(Address),
});

export const OrderPayload = obj({
  orderId: Id,
  price: Money,
  currency: Currency,
  items: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  status: Type.Optional(
    Type.Union([
      Type.Literal('PENDING'),
      Type.Literal('FULFILLED'),
      Type.Literal('CANCELLED'),
      Type.Literal('REFUNDED'),
    ]),
  ),
  shippingAddress: Type.Optional(Address),
  promoCode: Type.Optional(Text(64)),
});

/** A merchant's or PSP's token for a payment instrument; never the card number itself. */
export const InstrumentId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:@ -]+$' });

export const TransactionPayload = obj({
  transactionId: Id,
  orderId: Type.Optional(Id),
  instrumentId: InstrumentId,
  amount: Money,
  currency: Currency,
  type: Type.Union([Type.Literal('auth'), Type.Literal('capture'), Type.Literal('refund'), Type.Literal('chargeback')]),
  success: Type.Boolean(),
  declineCode: Type.Optional(Text(64)),
});

export const PaymentMethodPayload = obj({
  instrumentId: InstrumentId,
  methodType: Type.Union([
    Type.Literal('card'),
    Type.Literal('wallet'),
    Type.Literal('bank'),
    Type.Literal('paypal'),
    Type.Literal('other'),
  ]),
  cardBin: Type.Optional(Type.String({ pattern: '^[0-9]{6,8}$' })),
  cardLastFour: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
  cardBrand: Type.Optional(Text(32)),
  issuerCountry: Type.Optional(Country),
  expiry: Type.Optional(Type.String({ pattern: '^(0[1-9]|1[0-2])/[0-9]{2}$' })),
});

export const DevicePayload = obj({
  deviceId: Id,
  ipAddress: Type.Optional(Ip),
  userAgent: Type.Optional(Text(512)),
  type: Type.Optional(
    Type.Union([Type.Literal('desktop'), Type.Literal('mobile'), Type.Literal('tablet'), Type.Literal('other')]),
  ),
});

export const LoginPayload = obj({
  success: Type.Boolean(),
  mechanism: Type.Union([
    Type.Literal('password'),
    Type.Literal('social'),
    Type.Literal('sso'),
    Type.Literal('magiclink'),
    Type.Literal('otp'),
  ]),
  failureReason: Type.Optional(
    Type.Union([
      Type.Literal('BAD_PASSWORD'),
      Type.Literal('UNKNOWN_USERNAME'),
      Type.Literal('AUTH_FAILURE'),
      Type.Literal('RATE_LIMITED'),
      Type.Literal('BANNED_USER'),
    ]),
  ),
  deviceId: Type.Optional(Id),
  ipAddress: Type.Optional(Ip),
  email: Type.Optional(Email),
});

export const LabelPayload = obj({
  // The earlier POTENTIALLY_FRAUDSTER is accepted and stored as POTENTIALLY_FRAUDULENT (api.ts LEGACY_LABELS).
  label: Type.Union([Label, Type.Literal('POTENTIALLY_FRAUDSTER', { deprecated: true })]),
  reviewer: Type.Optional(Text(254)),
  comment: Type.Optional(Text(2000)),
});

export const ScorePayload = obj({
  score: Type.Number({ minimum: 0, maximum: 100 }),
  action: Action,
  source: Text(64),
  rules: Type.Optional(Type.Array(obj({ name: Text(128), score: Type.Optional(Type.Number()) }), { maxItems: 100 })),
  warnings: Type.Optional(Type.Array(obj({ class: Text(64), msg: Text(512) }), { maxItems: 100 })),
});

/** The payload schema for each event type; the payload sits under the key named like the type. */
export const EVENT_PAYLOADS = {
  customer: CustomerPayload,
  order: OrderPayload,
  transaction: TransactionPayload,
  paymentMethod: PaymentMethodPayload,
  device: DevicePayload,
  login: LoginPayload,
  label: LabelPayload,
  score: ScorePayload,
} as const;
export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];

function eventSchema(type: EventType): TObject {
  return Type.Object(
    {
      eventId: Type.String({
        minLength: 1,
        maxLength: MAX_ID_LENGTH,
        pattern: ID_PATTERN,
        description: 'Chosen by the sender; resending the same id stores nothing twice',
      }),
      type: Type.Literal(type),
      customerId: Id,
      timestamp: Timestamp,
      [type]: EVENT_PAYLOADS[type],
    },
    { additionalProperties: false, $id: `Event.${type}` },
  );
}

/** The full schema of each event type (envelope + payload), as JSON Schema. */
export const EVENT_SCHEMAS = Object.fromEntries(EVENT_TYPES.map((t) => [t, eventSchema(t)])) as Record<
  EventType,
  TObject
>;

interface Envelope<K extends EventType> {
  eventId: string;
  type: K;
  customerId: string;
  timestamp: string;
}
export type CustomerEvent = Envelope<'customer'> & { customer: Static<typeof CustomerPayload> };
export type OrderEvent = Envelope<'order'> & { order: Static<typeof OrderPayload> };
export type TransactionEvent = Envelope<'transaction'> & { transaction: Static<typeof TransactionPayload> };
export type PaymentMethodEvent = Envelope<'paymentMethod'> & { paymentMethod: Static<typeof PaymentMethodPayload> };
export type DeviceEvent = Envelope<'device'> & { device: Static<typeof DevicePayload> };
export type LoginEvent = Envelope<'login'> & { login: Static<typeof LoginPayload> };
/** As ingest passes it on: the legacy label name already mapped (event-validation.ts). */
export type LabelEvent = Envelope<'label'> & { label: Omit<Static<typeof LabelPayload>, 'label'> & { label: Label } };
export type ScoreEvent = Envelope<'score'> & { score: Static<typeof ScorePayload> };
export type RedoubtEvent =
  | CustomerEvent
  | OrderEvent
  | TransactionEvent
  | PaymentMethodEvent
  | DeviceEvent
  | LoginEvent
  | LabelEvent
  | ScoreEvent;

/**
 * True for a value that could be a primary account number: 12–19 digits (spaces or dashes
 * allowed between them) passing the Luhn check. Such a value must never be stored.
 */
export function looksLikePan(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  if (!/^[0-9]{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** What one ingestion request reports: every line not in `errors` was stored (now or before). */
export const IngestError = Type.Object({
  /** 1-based line in the NDJSON body (1 for a single JSON event). */
  line: Type.Integer(),
  eventId: Type.Optional(Type.String()),
  /** JSON pointer into the event, e.g. /customer/email; '' for the whole line. */
  field: Type.String(),
  reason: Type.String(),
});
export type IngestError = Static<typeof IngestError>;

/** Most errors one ingest answer lists; the rest are counted in omittedErrors. */
export const MAX_LISTED_ERRORS = 100;

export const IngestReport = Type.Object({
  /** Events stored by this request. */
  accepted: Type.Integer(),
  /** Events whose id was already stored (a resend): nothing was written for them. */
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  /** The first MAX_LISTED_ERRORS errors, in line order. */
  errors: Type.Array(IngestError, { maxItems: MAX_LISTED_ERRORS }),
  /** Errors found beyond those listed (absent when every error is listed). */
  omittedErrors: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type IngestReport = Static<typeof IngestReport>;
