// The public HTTP API's shapes (JSON Schema via TypeBox, plus their TypeScript types), shared by
// the BFF's route schemas and the dashboard. This file has no relative imports on purpose:
// the dashboard maps '@redoubt/contracts/api' straight to it.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

export const Action = Type.Union([Type.Literal('ALLOW'), Type.Literal('REVIEW'), Type.Literal('PREVENT')]);
export type Action = Static<typeof Action>;

export const Label = Type.Union([
  Type.Literal('FRAUDSTER'),
  Type.Literal('GENUINE'),
  Type.Literal('POTENTIALLY_FRAUDSTER'),
  Type.Literal('POTENTIALLY_GENUINE'),
  Type.Literal('UNLABELLED'),
]);
export type Label = Static<typeof Label>;

/** Identifier kinds the graph links customers through; callers may name others. */
export const IDENTIFIER_KINDS = ['email', 'phone', 'device', 'card', 'ip', 'address'] as const;

export const Me = Type.Object({
  sub: Type.String(),
  email: Type.String(),
  role: Type.Union([Type.Literal('analyst'), Type.Literal('lead'), Type.Literal('merchant'), Type.Literal('admin')]),
  tenants: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  /** True when signed in through the local demo identity proxy (never in production). */
  demo: Type.Boolean(),
});
export type Me = Static<typeof Me>;

export const CustomerHit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  score: Type.Optional(Type.Number()),
  action: Type.Optional(Action),
  label: Type.Optional(Label),
  lastSeen: Type.Optional(Type.String({ format: 'date-time' })),
  /** Fields the match came from, with the matched fragments. */
  highlights: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
});
export type CustomerHit = Static<typeof CustomerHit>;

export const FacetBucket = Type.Object({ value: Type.String(), count: Type.Integer() });
export const SearchResult = Type.Object({
  hits: Type.Array(CustomerHit),
  total: Type.Integer(),
  facets: Type.Record(Type.String(), Type.Array(FacetBucket)),
  /** Opaque cursor for the next page; absent on the last page. */
  next: Type.Optional(Type.String()),
  /** True when some hits could not be enriched from the profile store. */
  partial: Type.Boolean(),
});
export type SearchResult = Static<typeof SearchResult>;

export const ScorePoint = Type.Object({
  at: Type.String({ format: 'date-time' }),
  score: Type.Number(),
  action: Action,
  source: Type.Optional(Type.String()),
});

export const CustomerProfile = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  lastSeen: Type.Optional(Type.String({ format: 'date-time' })),
  score: Type.Optional(Type.Number()),
  action: Type.Optional(Action),
  label: Type.Optional(Label),
  /** Identifier values by kind (email, phone, device, card, ip, address, ...). */
  identifiers: Type.Record(Type.String(), Type.Array(Type.String())),
  scores: Type.Array(ScorePoint),
  counters: Type.Record(Type.String(), Type.Number()),
});
export type CustomerProfile = Static<typeof CustomerProfile>;

export const TimelineEvent = Type.Object({
  id: Type.String(),
  type: Type.String(),
  at: Type.String({ format: 'date-time' }),
  summary: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export const Timeline = Type.Object({ events: Type.Array(TimelineEvent), next: Type.Optional(Type.String()) });
export type Timeline = Static<typeof Timeline>;

export const NetworkNode = Type.Object({
  /** 'c:<customerId>' for customers, '<kind>:<value>' for identifiers. */
  id: Type.String(),
  type: Type.Union([Type.Literal('customer'), Type.Literal('identifier')]),
  /** Customer id, or the identifier's value (display form). */
  key: Type.String(),
  kind: Type.Optional(Type.String()),
  depth: Type.Integer(),
  label: Type.Optional(Label),
  action: Type.Optional(Action),
  score: Type.Optional(Type.Number()),
  /** Number of customers linked to this identifier (high fan-out values are hubs). */
  degree: Type.Integer(),
});
export const NetworkEdge = Type.Object({
  source: Type.String(),
  target: Type.String(),
  firstSeen: Type.String({ format: 'date-time' }),
  lastSeen: Type.String({ format: 'date-time' }),
  count: Type.Integer(),
});
export const Network = Type.Object({
  nodes: Type.Array(NetworkNode),
  edges: Type.Array(NetworkEdge),
  truncated: Type.Boolean(),
  component: Type.Object({
    customers: Type.Integer(),
    identifiers: Type.Integer(),
    fraudsters: Type.Integer(),
    share: Type.Number(),
  }),
});
export type Network = Static<typeof Network>;
export type NetworkNode = Static<typeof NetworkNode>;
export type NetworkEdge = Static<typeof NetworkEdge>;

export const Note = Type.Object({
  id: Type.String({ format: 'uuid' }),
  customerId: Type.String(),
  authorEmail: Type.String(),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Note = Static<typeof Note>;
export const NewNote = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Chosen by the client so a retry stores the note once' }),
    body: Type.String({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false },
);
export type NewNote = Static<typeof NewNote>;

export const ApiError = Type.Object({
  error: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
  requestId: Type.String(),
});
export type ApiError = Static<typeof ApiError>;

/** Shortest chain of links between two customers: customer, identifier, customer, ... (consecutive nodes are linked). */
export const PathNode = Type.Object({
  id: Type.String(),
  type: Type.Union([Type.Literal('customer'), Type.Literal('identifier')]),
  key: Type.String(),
  kind: Type.Optional(Type.String()),
});
export const CustomerPath = Type.Object({
  /** Number of customer–identifier links on the path. */
  hops: Type.Integer(),
  nodes: Type.Array(PathNode),
});
export type CustomerPath = Static<typeof CustomerPath>;

/** Demo data loading, shown by the dashboard while the first start seeds the demo. */
export const DemoStatus = Type.Object({
  state: Type.Union([Type.Literal('off'), Type.Literal('seeding'), Type.Literal('ready'), Type.Literal('failed')]),
  customersTarget: Type.Integer(),
  customersLoaded: Type.Integer(),
  eventsLoaded: Type.Integer(),
  /** 0..1 */
  progress: Type.Number(),
  trickle: Type.Boolean(),
  error: Type.Optional(Type.String()),
});
export type DemoStatus = Static<typeof DemoStatus>;
