// "Why the score" in the API's shape (ScoreWhy, libs/contracts/src/api.ts): the reasons score events
// came with, and the network signals of the graph (fraudsters within two hops, the component's share).
import type { FraudsterNearby, Label, ScoreReason, ScoreWhy } from '@redoubt/contracts/api';
import type { GraphEngine } from '@redoubt/engine';
import type { StoredEvent } from '../ports/profile-store.ts';
import { networkRisk } from '../services/reviews.ts';

/** Most nodes the two-hop count may visit: a hub identifier (a busy IP) stops it there, flagged. */
export const TWO_HOP_NODE_BUDGET = 5_000;
/** Most FRAUDSTERs named one by one; the count covers them all. */
export const NEARBY_NAMED = 10;

/** A score event with its reasons; undefined for any other event. */
export function toScoreReason(stored: StoredEvent): ScoreReason | undefined {
  const e = stored.event;
  if (e.type !== 'score') return undefined;
  return {
    eventId: stored.eventId,
    at: new Date(stored.at).toISOString(),
    score: e.score.score,
    action: e.score.action,
    ...(e.score.source !== undefined && { source: e.score.source }),
    rules: (e.score.rules ?? []).map((r) => ({ name: r.name, ...(r.score !== undefined && { score: r.score }) })),
    warnings: (e.score.warnings ?? []).map((w) => ({ class: w.class, msg: w.msg })),
  };
}

/**
 * The customers two hops away (sharing an identifier), read from the engine's columns without an
 * object per node: how many, how many are labelled FRAUDSTER, and the first few of those with the
 * identifier they share.
 */
export function twoHops(
  graph: GraphEngine,
  customerId: string,
  budget = TWO_HOP_NODE_BUDGET,
): { customers: number; fraudsters: number; nearby: FraudsterNearby[]; truncated: boolean } {
  const c = graph.networkColumns(customerId, { depth: 2, maxNodes: budget });
  if (!c) return { customers: 0, fraudsters: 0, nearby: [], truncated: false };
  const fraudster = c.labels.indexOf('FRAUDSTER');
  const key = (k: number) => c.keyBytes.toString('utf8', c.keyStart[k], c.keyEnd[k]);
  let customers = 0;
  const found: number[] = [];
  for (let k = 0; k < c.nodeCount; k++) {
    if (c.kind[k] !== 0 || c.depth[k] !== 2) continue;
    customers++;
    if (fraudster > 0 && c.label[k] === fraudster) found.push(k);
  }
  const named = new Set(found.slice(0, NEARBY_NAMED));
  const nearby: FraudsterNearby[] = [];
  // Each named FRAUDSTER's first link to a depth-1 identifier: the one shared with the customer.
  for (let j = 0; j < c.edgeCount && named.size > 0; j++) {
    const customer = c.edgeSource[j];
    const identifier = c.edgeTarget[j];
    if (!named.has(customer) || c.depth[identifier] !== 1) continue;
    named.delete(customer);
    nearby.push({ customerId: key(customer), kind: c.kindNames[c.kind[identifier]], value: key(identifier) });
  }
  return { customers, fraudsters: found.length, nearby, truncated: c.truncated };
}

/** The whole answer: the score events found (newest first) and the network signals. */
export function toScoreWhy(
  graph: GraphEngine,
  customerId: string,
  label: Label | undefined,
  scan: { scores: ScoreReason[]; scanned: number; complete: boolean },
): ScoreWhy {
  const near = twoHops(graph, customerId);
  const risk = networkRisk(graph, customerId, label ?? null);
  return {
    scores: scan.scores,
    scanned: scan.scanned,
    complete: scan.complete,
    network: {
      fraudstersWithinTwoHops: near.fraudsters,
      nearby: near.nearby,
      customersWithinTwoHops: near.customers,
      truncated: near.truncated,
      nearestFraudsterHops: risk.hops,
      reason: risk.reason,
      componentCustomers: risk.componentCustomers,
      componentShare: risk.componentShare,
    },
  };
}
