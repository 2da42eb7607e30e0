// The live stream (GET /api/live, server-sent events): what each event's `data` holds. The SSE
// `event:` field is the `type`; `id:` is the resume point a reconnecting client sends back as
// Last-Event-ID. docs/live.md describes the protocol.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

export const LIVE_EVENT_TYPES = [
  'link',
  'score',
  'label',
  'review',
  'note',
  'presence',
  'watch',
  'reload',
  'bye',
] as const;

/** A customer used an identifier for the first time (a new edge in a watched network). */
export const LiveLink = Type.Object({
  type: Type.Literal('link'),
  customerId: Type.String(),
  kind: Type.String({ description: 'Normalised as the network names identifiers' }),
  value: Type.String({ description: "Normalised: the identifier's node id in the network is kind:value" }),
  at: Type.String({ format: 'date-time' }),
});

export const LiveScore = Type.Object({
  type: Type.Literal('score'),
  customerId: Type.String(),
  score: Type.Number(),
  action: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

export const LiveLabel = Type.Object({
  type: Type.Literal('label'),
  customerId: Type.String(),
  label: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

/** A committed review (label/action change) by a colleague. */
export const LiveReview = Type.Object({
  type: Type.Literal('review'),
  customerId: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  action: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  by: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

export const LiveNote = Type.Object({
  type: Type.Literal('note'),
  customerId: Type.String(),
  noteId: Type.String(),
  by: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

/** Who else has the customer open (the receiver is never listed). */
export const LivePresence = Type.Object({
  type: Type.Literal('presence'),
  customerId: Type.String(),
  viewers: Type.Array(Type.String({ description: 'email' })),
});

/**
 * One of the receiver's watches was hit: a new link into the customer, identifier or component
 * they pinned (sent to the watch's owner only, on every stream they have open in the tenant).
 */
export const LiveWatch = Type.Object({
  type: Type.Literal('watch'),
  watchId: Type.String(),
  /** What was pinned: 'customer', 'identifier' or 'component', and its node id. */
  targetType: Type.String(),
  target: Type.String(),
  customerId: Type.String({ description: 'The customer of the new link, now in the review queue' }),
  kind: Type.String(),
  value: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

/** The stream cannot resume from Last-Event-ID (too old, or another server run): reload the data. */
export const LiveReload = Type.Object({ type: Type.Literal('reload'), reason: Type.String() });

/** The server is closing this stream (shutdown, or the client fell too far behind). */
export const LiveBye = Type.Object({ type: Type.Literal('bye'), reason: Type.String() });

export const LiveEvent = Type.Union([
  LiveLink,
  LiveScore,
  LiveLabel,
  LiveReview,
  LiveNote,
  LivePresence,
  LiveWatch,
  LiveReload,
  LiveBye,
]);
export type LiveEvent = Static<typeof LiveEvent>;
export type LiveLink = Static<typeof LiveLink>;
export type LivePresence = Static<typeof LivePresence>;
export type LiveWatch = Static<typeof LiveWatch>;
