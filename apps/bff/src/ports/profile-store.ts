// ProfileStore: each customer's profile row and their events, newest first (the Bigtable role).
// Adapters: Bigtable (@google-cloud/bigtable) and an embedded node:sqlite file under the data folder.
// One contract suite (test/contracts/profile-store.contract.ts) runs against every adapter.
import { canonicalLabel } from '@redoubt/contracts/api';
import type { Action, Label, ReviewStatus } from '@redoubt/contracts/api';
import type { EventType, RedoubtEvent } from '@redoubt/contracts';

/** One stored event: the event as sent plus its time in epoch milliseconds. */
export interface StoredEvent {
  eventId: string;
  customerId: string;
  type: EventType;
  /** Event time (the event's timestamp), epoch ms. */
  at: number;
  event: RedoubtEvent;
  /** The event's JSON as received, when it came as text (saves serialising it again). */
  json?: string;
  /**
   * What this event adds to its tenant's hourly rollup (services/rollups.ts countsOf). The store
   * adds them to the bucket of `at` only when it stores the event for the first time, so a resent
   * event counts nothing twice (docs/rollups.md).
   */
  counts?: Counts;
}

/** Named counters of a rollup bucket, e.g. { orders: 3, orderValue: 4500 }. */
export type Counts = Record<string, number>;

/** Length of a rollup bucket: one hour, on UTC hour boundaries. */
export const ROLLUP_BUCKET_MS = 3_600_000;

/** One hourly rollup bucket of a tenant. */
export interface RollupBucket {
  /** Bucket start, epoch ms (a multiple of ROLLUP_BUCKET_MS). */
  hour: number;
  counts: Counts;
}

/**
 * The plain figures of a bucket (services/rollups.ts figuresOf reads them). Every other counter is a
 * breakdown (`method.<type>.<figure>`, `country.<CC>.<figure>`) or a PREVENT reason (`reason.<rule>`),
 * which the overview shows for the whole range only.
 */
export const FIGURE_COUNTERS = [
  'orders',
  'orderValue',
  'transactions',
  'transactionValue',
  'ALLOW',
  'REVIEW',
  'PREVENT',
  'preventedValue',
  'fraudsters',
  'genuine',
  'chargebacks',
  'chargebackValue',
] as const;
export type FigureCounter = (typeof FIGURE_COUNTERS)[number];

/**
 * A tenant's hourly plain figures, columnar: `hours` ascending (hours with nothing counted are
 * absent), and per figure one array aligned with it (0 where the hour counted none).
 */
export interface HourlyFigures {
  hours: number[];
  figures: Record<FigureCounter, number[]>;
}

export interface ScoreEntry {
  at: number;
  score: number;
  action: Action;
  source?: string;
}

/** The customer row: what the profile page shows, merged from that customer's events. */
export interface CustomerRecord {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  country?: string;
  createdAt?: number;
  lastSeen?: number;
  score?: number;
  action?: Action;
  label?: Label;
  /** Where the customer's review stands, kept on the row so re-indexing after new events keeps it. */
  reviewState?: ReviewStatus;
  /** Identifier values by kind (email, phone, device, card, ip, address, order). */
  identifiers: Record<string, string[]>;
  /** Score history, newest first, bounded. */
  scores: ScoreEntry[];
  counters: Record<string, number>;
  /** Price of the customer's latest order (minor units): what a PREVENT decision stops (rollups). */
  lastOrderValue?: number;
  /** Payment method type by instrument id (rollups break transactions down by it). */
  methods?: Record<string, string>;
}

/** A record as read back: a label stored under its earlier name (api.ts LEGACY_LABELS) gets its current one. */
export function readRecord(record: CustomerRecord): CustomerRecord {
  if (record.label !== undefined) record.label = canonicalLabel(record.label);
  return record;
}

export interface TimelinePage {
  events: StoredEvent[];
  /** Opaque cursor for the next (older) page; absent on the last page. */
  next?: string;
}

/** The calls safe to repeat: guardStore retries them when the store was briefly unavailable (adapters/retry.ts). */
export const PROFILE_READS = [
  'existingEvents',
  'getCustomers',
  'timeline',
  'rollups',
  'rollupFigures',
  'rollupTotals',
  'countCustomers',
] as const satisfies readonly (keyof ProfileStore)[];

export interface ProfileStore {
  /** Which of these event ids are already stored for the tenant. */
  existingEvents(tenant: string, eventIds: string[]): Promise<Set<string>>;
  /** One batched read of many customer rows; missing customers are absent from the map. */
  getCustomers(tenant: string, ids: string[]): Promise<Map<string, CustomerRecord>>;
  /**
   * Stores new events and the customer rows they changed. The embedded adapter writes both in one
   * transaction; Bigtable writes event rows first and customer rows last (see the adapter).
   */
  write(tenant: string, events: StoredEvent[], customers: CustomerRecord[]): Promise<void>;
  /** A customer's events, newest first; `before` is the cursor of the previous page. */
  timeline(tenant: string, customerId: string, options: { before?: string; limit: number }): Promise<TimelinePage>;
  /** Current replay watermark: events written later have a greater mark. */
  mark(): Promise<number>;
  /**
   * Every event written at or after `since` (a watermark from mark()), across tenants, in batches;
   * used to replay the graph after its snapshot.
   */
  replay(since: number, onBatch: (tenant: string, events: StoredEvent[]) => void | Promise<void>): Promise<void>;
  /**
   * The tenant's hourly rollup buckets with hour in [from, to), oldest first; buckets with nothing
   * counted are absent. Read from the rollup rows alone, never from the events.
   */
  rollups(tenant: string, from: number, to: number): Promise<RollupBucket[]>;
  /**
   * The plain figures (FIGURE_COUNTERS) of the same buckets as rollups(), columnar: what a series
   * needs, without reading the breakdown counters.
   */
  rollupFigures(tenant: string, from: number, to: number): Promise<HourlyFigures>;
  /**
   * Every counter of the buckets with hour in [from, to) summed (with `figuresOnly`, the plain
   * figures alone); counters summing to 0 are absent. Equal to adding up rollups(); an adapter may
   * keep day rows to answer it without reading every hour.
   */
  rollupTotals(tenant: string, from: number, to: number, options?: { figuresOnly?: boolean }): Promise<Counts>;
  /** Number of customer rows of a tenant (readiness and demo progress). */
  countCustomers(tenant: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function emptyCustomer(id: string): CustomerRecord {
  return { id, identifiers: {}, scores: [], counters: {} };
}

export const MAX_SCORE_HISTORY = 100;
