// Watches ("tripwires") and shared-infrastructure marks: the API's shapes, shared by the BFF's
// route schemas and the dashboard. No relative imports: the dashboard maps
// '@redoubt/contracts/watches' straight to this file.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

const Kind = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$',
  description: 'Identifier kind, e.g. email, ip (normalised as the engine does)',
});
const Value = Type.String({ minLength: 1, maxLength: 300, description: 'Identifier value as sent or shown' });
const Id = Type.String({ minLength: 1, maxLength: 128 });

/** What a watch pins: a customer, one identifier value, or the whole component around a customer. */
export const WatchTarget = Type.Union([
  Type.Object({ type: Type.Literal('customer'), customerId: Id }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('component'), customerId: Id }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('identifier'), kind: Kind, value: Value }, { additionalProperties: false }),
]);
export type WatchTarget = Static<typeof WatchTarget>;

export const NewWatch = Type.Object(
  { target: WatchTarget, note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type NewWatch = Static<typeof NewWatch>;

/** A new link into a watched customer, identifier or component: the link that triggered it. */
export const WatchHit = Type.Object({
  id: Type.String(),
  customerId: Type.String({ description: 'The customer of the new link (put in the review queue)' }),
  kind: Type.String(),
  value: Type.String({ description: 'Normalised like the network names identifiers' }),
  linkedAt: Type.String({ format: 'date-time' }),
  at: Type.String({ format: 'date-time', description: 'When the hit was recorded' }),
});
export type WatchHit = Static<typeof WatchHit>;

export const Watch = Type.Object({
  id: Type.String({ format: 'uuid' }),
  target: WatchTarget,
  /** The engine's node id of the target ('c:<customer>' or '<kind>:<value>'). */
  nodeId: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  owner: Type.String({ description: 'email' }),
  createdAt: Type.String({ format: 'date-time' }),
  hitCount: Type.Integer({ minimum: 0 }),
  /** The most recent hits, newest first. */
  hits: Type.Array(WatchHit),
});
export type Watch = Static<typeof Watch>;

export const WatchList = Type.Object({ watches: Type.Array(Watch) });
export type WatchList = Static<typeof WatchList>;

/** An identifier value marked as shared infrastructure: left out of every traversal of the tenant. */
export const SharedMark = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String(),
  value: Type.String({ description: 'Normalised like the network names identifiers' }),
  nodeId: Type.String({ description: "The network's node id, '<kind>:<value>'" }),
  reason: Type.String(),
  by: Type.String({ description: 'email' }),
  createdAt: Type.String({ format: 'date-time' }),
});
export type SharedMark = Static<typeof SharedMark>;

export const NewSharedMark = Type.Object(
  { kind: Kind, value: Value, reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export type NewSharedMark = Static<typeof NewSharedMark>;

export const SharedMarkList = Type.Object({ marks: Type.Array(SharedMark) });
export type SharedMarkList = Static<typeof SharedMarkList>;
