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
  Type.Literal('POTENTIALLY_FRAUDULENT'),
  Type.Literal('POTENTIALLY_GENUINE'),
  Type.Literal('UNLABELLED'),
]);
export type Label = Static<typeof Label>;

/**
 * The earlier name of POTENTIALLY_FRAUDULENT. Ingest still accepts it (events.ts LabelPayload) and
 * maps it; labels stored under it before the rename are mapped when read (canonicalLabel).
 */
export const LEGACY_LABELS = { POTENTIALLY_FRAUDSTER: 'POTENTIALLY_FRAUDULENT' } as const satisfies Record<
  string,
  Label
>;

/** A label as stored or sent, under its current name. */
export function canonicalLabel<T extends string | null | undefined>(label: T): T | Label {
  return typeof label === 'string' && Object.hasOwn(LEGACY_LABELS, label)
    ? LEGACY_LABELS[label as keyof typeof LEGACY_LABELS]
    : label;
}

/** Identifier kinds the graph links customers through; callers may name others. */
export const IDENTIFIER_KINDS = ['email', 'phone', 'device', 'card', 'ip', 'address'] as const;

/**
 * The role a person holds in one tenant; each grant carries its own (a merchant of one tenant may
 * be an analyst of another). 'admin' administers that tenant's access; 'service' is for ingest.
 */
export const Role = Type.Union([
  Type.Literal('analyst'),
  Type.Literal('lead'),
  Type.Literal('merchant'),
  Type.Literal('admin'),
  Type.Literal('service'),
]);
export type Role = Static<typeof Role>;

/** The roles a person (not a service principal) can hold in a tenant. */
export const PersonRole = Type.Union([
  Type.Literal('analyst'),
  Type.Literal('lead'),
  Type.Literal('merchant'),
  Type.Literal('admin'),
]);
export type PersonRole = Static<typeof PersonRole>;

/** Every role and every person's role, as lists (read from the schemas, so they cannot drift). */
export const ROLES: readonly Role[] = Role.anyOf.map((literal) => literal.const);
export const PERSON_ROLES: readonly PersonRole[] = PersonRole.anyOf.map((literal) => literal.const);

export const Me = Type.Object({
  sub: Type.String(),
  email: Type.String(),
  /** Administers every tenant's access; holds no tenant role, so reads no tenant's data. */
  platformAdmin: Type.Boolean(),
  /** Every tenant the person holds a role in, with that role. */
  tenants: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: PersonRole })),
  /** True when signed in through the local demo identity proxy (never in production). */
  demo: Type.Boolean(),
});
export type Me = Static<typeof Me>;

// ---- Access administration (apps/bff/src/routes/admin.ts) ----

export const TenantGrant = Type.Object({ tenant: Type.String(), role: Role }, { additionalProperties: false });
export type TenantGrant = Static<typeof TenantGrant>;

/** One person or service principal of the user directory, as an administrator sees it. */
export const DirectoryEntry = Type.Object(
  {
    email: Type.String(),
    /** IAP subject, bound at the first sign-in; null until then. */
    sub: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([Type.Literal('user'), Type.Literal('service')]),
    platformAdmin: Type.Boolean(),
    /** One role per tenant; a tenant administrator sees only the grants of its own tenants. */
    grants: Type.Array(TenantGrant),
    disabled: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type DirectoryEntry = Static<typeof DirectoryEntry>;

export const DirectoryListing = Type.Object({
  users: Type.Array(DirectoryEntry),
  /** The tenants the caller administers (all of them for the platform administrator). */
  tenants: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});
export type DirectoryListing = Static<typeof DirectoryListing>;

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
  /** Orders placed (from the profile store; absent when the hit could not be enriched). */
  orders: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Order value per currency, in minor units, most first (from the profile store, like orders). */
  spend: Type.Optional(Type.Array(Type.Object({ currency: Type.String(), minor: Type.Integer() }))),
  /** Customers sharing an identifier with this one (the graph, shared infrastructure left out). */
  linkedCustomers: Type.Optional(Type.Integer({ minimum: 0 })),
  /** True when the count stopped at the graph's node budget: at least linkedCustomers. */
  linkedCustomersTruncated: Type.Optional(Type.Boolean()),
  /** Fields the match came from, with the matched fragments. */
  highlights: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
});
export type CustomerHit = Static<typeof CustomerHit>;

export const FacetBucket = Type.Object({ value: Type.String(), count: Type.Integer() });

/** Identifier kinds typeahead says it matched (apps/bff/src/ports/search-index.ts SUGGEST_KINDS). */
export const SuggestKind = Type.Union([
  Type.Literal('email'),
  Type.Literal('phone'),
  Type.Literal('device'),
  Type.Literal('card'),
  Type.Literal('ip'),
  Type.Literal('order'),
]);
export type SuggestKind = Static<typeof SuggestKind>;

/** One typeahead answer: a customer, and the identifier of theirs the typed prefix matched. */
export const CustomerSuggestion = Type.Object({
  kind: SuggestKind,
  /** The whole identifier value. */
  value: Type.String(),
  customerId: Type.String(),
  name: Type.String(),
  score: Type.Optional(Type.Number()),
  action: Type.Optional(Action),
});
export type CustomerSuggestion = Static<typeof CustomerSuggestion>;

export const Suggestions = Type.Object({ suggestions: Type.Array(CustomerSuggestion) });
export type Suggestions = Static<typeof Suggestions>;

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
export type TimelineEvent = Static<typeof TimelineEvent>;
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

// ---- Reviews, the queue and cluster labels (apps/bff/src/domain/review-state.ts has the machine) ----

export const ReviewStatus = Type.Union(
  [Type.Literal('none'), Type.Literal('open'), Type.Literal('claimed'), Type.Literal('decided')],
  { description: 'none: never queued; open: waiting; claimed: an analyst holds it; decided' },
);
export type ReviewStatus = Static<typeof ReviewStatus>;

// ---- Saved searches (apps/bff/src/routes/saved-searches.ts) ----

/** The search screen's state as saved: what its URL holds, less the page (a saved search opens on page 1). */
export const SavedSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.Array(Action, { maxItems: 3 })),
    label: Type.Optional(Type.Array(Label, { maxItems: 5 })),
    state: Type.Optional(Type.Array(ReviewStatus, { maxItems: 4 })),
    country: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 50 })),
    band: Type.Optional(Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')])),
    sort: Type.Optional(Type.Union([Type.Literal('relevance'), Type.Literal('score'), Type.Literal('lastSeen')])),
  },
  { additionalProperties: false },
);
export type SavedSearchQuery = Static<typeof SavedSearchQuery>;

export const SavedSearch = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  query: SavedSearchQuery,
  createdAt: Type.String({ format: 'date-time' }),
});
export type SavedSearch = Static<typeof SavedSearch>;

export const NewSavedSearch = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Chosen by the client so a retry saves the search once' }),
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    query: SavedSearchQuery,
  },
  { additionalProperties: false },
);
export type NewSavedSearch = Static<typeof NewSavedSearch>;

export const SavedSearchList = Type.Object({ savedSearches: Type.Array(SavedSearch) });
export type SavedSearchList = Static<typeof SavedSearchList>;

export const Person = Type.Object({ sub: Type.String(), email: Type.String() });
export type Person = Static<typeof Person>;

/** A customer's review state; `version` is sent as the ETag and expected back in If-Match. */
export const ReviewState = Type.Object({
  customerId: Type.String(),
  status: ReviewStatus,
  version: Type.Integer({ minimum: 0 }),
  action: Type.Union([Action, Type.Null()]),
  label: Type.Union([Label, Type.Null()]),
  assignee: Type.Union([Person, Type.Null()]),
  claimExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  queuedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  queueReason: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedBy: Type.Union([Person, Type.Null()]),
});
export type ReviewState = Static<typeof ReviewState>;

export const Review = Type.Object({
  id: Type.String({ format: 'uuid' }),
  customerId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  reviewer: Person,
  kind: Type.Union(
    [
      Type.Literal('decision'),
      Type.Literal('undo'),
      Type.Literal('reopen'),
      Type.Literal('batch'),
      Type.Literal('batch-revert'),
    ],
    { description: 'decision: an analyst decided; undo: reverts the reviewer’s own last one; batch: a cluster label' },
  ),
  action: Type.Union([Action, Type.Null()]),
  label: Type.Union([Label, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  reasonText: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  before: Type.Object({
    status: ReviewStatus,
    action: Type.Union([Action, Type.Null()]),
    label: Type.Union([Label, Type.Null()]),
  }),
  after: Type.Object({
    status: ReviewStatus,
    action: Type.Union([Action, Type.Null()]),
    label: Type.Union([Label, Type.Null()]),
  }),
  version: Type.Integer(),
  undoes: Type.Union([Type.String(), Type.Null()]),
  batchId: Type.Union([Type.String(), Type.Null()]),
  /** True while the reviewer may still undo it (their own latest review, inside the window). */
  undoable: Type.Boolean(),
});
export type Review = Static<typeof Review>;

/** A decision and/or a label. `label: null` clears the label; leaving a field out keeps it. */
export const NewReview = Type.Object(
  {
    action: Type.Optional(Action),
    label: Type.Optional(Type.Union([Label, Type.Null()])),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One of the tenant’s reasons' })),
    reasonText: Type.Optional(Type.String({ maxLength: 2000 })),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    reopen: Type.Optional(Type.Boolean({ description: 'Send the customer back to the queue (needs a reason)' })),
    undo: Type.Optional(
      Type.String({ format: 'uuid', description: 'Revert this review of yours (your latest, within the window)' }),
    ),
  },
  { additionalProperties: false },
);
export type NewReview = Static<typeof NewReview>;

export const ReviewSettings = Type.Object({
  slaHours: Type.Number(),
  claimIdleMinutes: Type.Number(),
  undoMinutes: Type.Number(),
  reasons: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })),
});
export type ReviewSettings = Static<typeof ReviewSettings>;

export const ReviewHistory = Type.Object({ state: ReviewState, reviews: Type.Array(Review), settings: ReviewSettings });
export type ReviewHistory = Static<typeof ReviewHistory>;

/** A 412's `current`: the state now and the review that changed it, so a screen can say what changed. */
export const ReviewConflict = Type.Object({
  error: Type.String(),
  message: Type.String(),
  requestId: Type.String(),
  current: Type.Object({ state: ReviewState, lastReview: Type.Union([Review, Type.Null()]) }),
});
export type ReviewConflict = Static<typeof ReviewConflict>;

export const QueueSort = Type.Union([Type.Literal('age'), Type.Literal('score'), Type.Literal('risk')]);
export type QueueSort = Static<typeof QueueSort>;

export const NetworkRisk = Type.Object({
  /** Links to the nearest FRAUDSTER (customer–identifier–customer is 2); null when none within reach. */
  hops: Type.Union([Type.Integer(), Type.Null()]),
  /** Share of FRAUDSTERs among the customers of the component. */
  componentShare: Type.Number(),
  componentCustomers: Type.Integer(),
  /** 0..1, higher first when sorting by risk. */
  rank: Type.Number(),
  reason: Type.String({ description: 'e.g. "2 hops from a FRAUDSTER through device d-91"' }),
});
export type NetworkRisk = Static<typeof NetworkRisk>;

export const QueueItem = Type.Object({
  customerId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  status: ReviewStatus,
  version: Type.Integer(),
  score: Type.Union([Type.Number(), Type.Null()]),
  action: Type.Union([Action, Type.Null()]),
  label: Type.Union([Label, Type.Null()]),
  queuedAt: Type.String({ format: 'date-time' }),
  ageMinutes: Type.Number(),
  sla: Type.Union([Type.Literal('ok'), Type.Literal('near'), Type.Literal('breached')]),
  slaDueAt: Type.String({ format: 'date-time' }),
  assignee: Type.Union([Person, Type.Null()]),
  claimExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  why: Type.String({ description: 'Why the customer is in the queue' }),
  risk: Type.Optional(NetworkRisk),
});
export type QueueItem = Static<typeof QueueItem>;

export const QueuePage = Type.Object({
  items: Type.Array(QueueItem),
  total: Type.Integer(),
  slaHours: Type.Number(),
});
export type QueuePage = Static<typeof QueuePage>;

export const ClusterSelection = Type.Object(
  {
    customerIds: Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:@-]+$' }), {
      minItems: 1,
      maxItems: 500,
    }),
    label: Label,
    /** GENUINE customers are left out unless listed here. */
    confirmGenuine: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 500 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    reasonText: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ClusterSelection = Static<typeof ClusterSelection>;

export const ClusterPreview = Type.Object({
  label: Label,
  changes: Type.Array(Type.Object({ customerId: Type.String(), from: Type.Union([Label, Type.Null()]) })),
  unchanged: Type.Array(Type.String()),
  genuineExcluded: Type.Array(Type.String()),
  unknown: Type.Array(Type.String()),
  components: Type.Array(
    Type.Object({ customers: Type.Integer(), fraudShareBefore: Type.Number(), fraudShareAfter: Type.Number() }),
  ),
  /** Order value of the customers who change, per currency, in minor units. */
  orderValue: Type.Record(Type.String(), Type.Number()),
});
export type ClusterPreview = Static<typeof ClusterPreview>;

export const ClusterBatch = Type.Object({
  batchId: Type.String({ format: 'uuid' }),
  applied: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ customerId: Type.String(), reason: Type.String() })),
  reverted: Type.Boolean(),
});
export type ClusterBatch = Static<typeof ClusterBatch>;

// ---- Why the score (apps/bff/src/routes/why.ts) ----

/** One score event with the reasons it came with (rules that fired, warnings). */
export const ScoreReason = Type.Object({
  eventId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  score: Type.Number(),
  action: Action,
  source: Type.Optional(Type.String()),
  rules: Type.Array(Type.Object({ name: Type.String(), score: Type.Optional(Type.Number()) })),
  warnings: Type.Array(Type.Object({ class: Type.String(), msg: Type.String() })),
});
export type ScoreReason = Static<typeof ScoreReason>;

/** A FRAUDSTER sharing an identifier with the customer, and that identifier. */
export const FraudsterNearby = Type.Object({ customerId: Type.String(), kind: Type.String(), value: Type.String() });
export type FraudsterNearby = Static<typeof FraudsterNearby>;

export const ScoreWhy = Type.Object({
  /** The latest score events, newest first (at most 5), each with its rules and warnings. */
  scores: Type.Array(ScoreReason),
  /** Timeline events read to find them; `complete` is false when older events were left unread. */
  scanned: Type.Integer(),
  complete: Type.Boolean(),
  network: Type.Object({
    /** Customers labelled FRAUDSTER within two hops (sharing an identifier with this customer). */
    fraudstersWithinTwoHops: Type.Integer(),
    /** Some of them (at most 10), each with the identifier shared. */
    nearby: Type.Array(FraudsterNearby),
    /** Customers within two hops, the customer left out. */
    customersWithinTwoHops: Type.Integer(),
    /** True when the two-hop neighbourhood was larger than the nodes counted: the figures are a floor. */
    truncated: Type.Boolean(),
    /** Links to the nearest FRAUDSTER (0: the customer is one); null when none within reach. */
    nearestFraudsterHops: Type.Union([Type.Integer(), Type.Null()]),
    /** The nearest FRAUDSTER and component share in words, e.g. "4 hops from a FRAUDSTER (c-9) through device d-1". */
    reason: Type.String(),
    componentCustomers: Type.Integer(),
    /** Share of FRAUDSTERs among the customers of the connected component (0..1). */
    componentShare: Type.Number(),
  }),
});
export type ScoreWhy = Static<typeof ScoreWhy>;
