// Store rows in the API's shapes (libs/contracts/src/api.ts): customer profiles, search hits and
// timeline events, times as ISO strings. Routes call these; they hold no mapping of their own.
import type { CustomerHit, CustomerProfile, TimelineEvent } from '@redoubt/contracts/api';
import type { GraphEngine } from '@redoubt/engine';
import type { CustomerRecord, StoredEvent } from '../ports/profile-store.ts';
import type { SearchHit } from '../ports/search-index.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function toProfile(record: CustomerRecord): CustomerProfile {
  return {
    id: record.id,
    name: record.name ?? record.email ?? record.id,
    ...(record.email !== undefined && { email: record.email }),
    ...(record.phone !== undefined && { phone: record.phone }),
    ...(record.country !== undefined && { country: record.country }),
    ...(record.createdAt !== undefined && { createdAt: iso(record.createdAt) }),
    ...(record.lastSeen !== undefined && { lastSeen: iso(record.lastSeen) }),
    ...(record.score !== undefined && { score: record.score }),
    ...(record.action !== undefined && { action: record.action }),
    ...(record.label !== undefined && { label: record.label }),
    identifiers: record.identifiers,
    scores: record.scores.map((s) => ({
      at: iso(s.at)!,
      score: s.score,
      action: s.action,
      ...(s.source !== undefined && { source: s.source }),
    })),
    counters: record.counters,
  };
}

/** One line an analyst can read on the timeline. */
export function summarize(stored: StoredEvent): string {
  const e = stored.event;
  const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
  switch (e.type) {
    case 'customer':
      return `Profile ${e.customer.registrationTime ? 'registered' : 'updated'}: ${Object.keys(e.customer).join(', ')}`;
    case 'order':
      return `Order ${e.order.orderId} ${money(e.order.price, e.order.currency)}${e.order.promoCode ? ` with promo ${e.order.promoCode}` : ''}`;
    case 'transaction':
      return `${e.transaction.type} ${money(e.transaction.amount, e.transaction.currency)} on ${e.transaction.instrumentId}: ${e.transaction.success ? 'success' : `declined${e.transaction.declineCode ? ` (${e.transaction.declineCode})` : ''}`}`;
    case 'paymentMethod':
      return `Added ${e.paymentMethod.cardBrand ?? e.paymentMethod.methodType} ${e.paymentMethod.cardLastFour ? `•••• ${e.paymentMethod.cardLastFour}` : e.paymentMethod.instrumentId}`;
    case 'device':
      return `Device ${e.device.deviceId}${e.device.ipAddress ? ` from ${e.device.ipAddress}` : ''}`;
    case 'login':
      return `Login ${e.login.success ? 'succeeded' : `failed${e.login.failureReason ? ` (${e.login.failureReason})` : ''}`} by ${e.login.mechanism}${e.login.ipAddress ? ` from ${e.login.ipAddress}` : ''}`;
    case 'label':
      return `Labelled ${e.label.label}${e.label.reviewer ? ` by ${e.label.reviewer}` : ''}`;
    case 'score':
      return `Scored ${e.score.score} → ${e.score.action} (${e.score.source})`;
  }
}

/**
 * A search hit, from the profile row when the enrichment found one (the index may lag the
 * profile store), else from the indexed document alone.
 */
export function toSearchHit(
  { doc, highlights }: SearchHit,
  row: CustomerRecord | undefined,
  linked?: Linked,
): CustomerHit {
  // The hit's few fields read straight from the row or document: not toProfile(), which also
  // turns every score of the customer's history into an ISO time (docs/load.md).
  const source = row ?? doc;
  return {
    id: doc.id,
    name: row ? (row.name ?? row.email ?? row.id) : doc.name,
    ...(source.email !== undefined && { email: source.email }),
    ...(source.phone !== undefined && { phone: source.phone }),
    ...(source.country !== undefined && { country: source.country }),
    ...(source.score !== undefined && { score: source.score }),
    ...(source.action !== undefined && { action: source.action }),
    ...(source.label !== undefined && { label: source.label }),
    ...(source.lastSeen !== undefined && { lastSeen: iso(source.lastSeen) }),
    ...(row && enrichment(row)),
    ...(linked && {
      linkedCustomers: linked.customers,
      ...(linked.truncated && { linkedCustomersTruncated: true }),
    }),
    ...(highlights && { highlights }),
  };
}

/**
 * Most graph nodes (identifiers and customers) one hit's linked count may visit: twenty hits a
 * page stay bounded on the shared event loop when one of them shares a hub identifier (a busy IP).
 */
export const LINKED_NODE_BUDGET = 2_000;

export interface Linked {
  customers: number;
  truncated: boolean;
}

/**
 * How many customers share an identifier with this one: the customers two hops away in the
 * customer–identifier graph, leaving out `excludeValues` (the tenant's shared infrastructure).
 * Undefined when the graph does not know the customer (not ingested there yet).
 */
export function linkedCustomers(
  graph: GraphEngine,
  customerId: string,
  excludeValues: { excludeValues?: string[] },
  budget = LINKED_NODE_BUDGET,
): Linked | undefined {
  const reach = graph.traverse(customerId, { depth: 2, maxNodes: budget, ...excludeValues });
  if (!reach) return undefined;
  // depthEnds[1] counts the customer and its identifiers; everything after it is a customer.
  const customers = reach.nodes.length - (reach.depthEnds[1] ?? reach.nodes.length);
  return { customers, truncated: reach.truncated };
}

/** Orders and spend per currency, from the profile row's counters (`orders`, `orderValue<CUR>`). */
function enrichment(row: CustomerRecord): Pick<CustomerHit, 'orders' | 'spend'> {
  const spend = Object.entries(row.counters)
    .filter(([key, value]) => /^orderValue[A-Z]{3}$/.test(key) && value > 0)
    .map(([key, minor]) => ({ currency: key.slice('orderValue'.length), minor }))
    .sort((a, b) => b.minor - a.minor || a.currency.localeCompare(b.currency));
  return { orders: row.counters.orders ?? 0, ...(spend.length && { spend }) };
}

/** One event of the timeline: the stored event, with a line an analyst can read. */
export function toTimelineEvent(stored: StoredEvent): TimelineEvent {
  return {
    id: stored.eventId,
    type: stored.type,
    at: iso(stored.at)!,
    summary: summarize(stored),
    data: { ...stored.event },
  };
}
