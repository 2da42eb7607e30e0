// What one event means for a customer: the profile fields it sets, the counters it bumps, and the
// customer–identifier links it adds to the graph. Pure functions, shared by ingestion and replay.
import { canonicalLabel } from '@redoubt/contracts';
import type { RedoubtEvent } from '@redoubt/contracts';
import type { Address } from '@redoubt/contracts';
import type { CustomerRecord } from '../ports/profile-store.ts';
import { MAX_SCORE_HISTORY } from '../ports/profile-store.ts';
import type { CustomerDoc, SuggestKind } from '../ports/search-index.ts';
import { SUGGEST_KINDS } from '../ports/search-index.ts';
import { rememberMethod } from './rollups.ts';

export interface Link {
  kind: string;
  value: string;
}

/** Most values kept per identifier kind on the profile (the graph keeps them all). */
const MAX_VALUES_PER_KIND = 50;

export function addressKey(a: Address): string {
  return [a.line1, a.line2, a.city, a.postcode, a.country]
    .filter(Boolean)
    .join(', ')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

const phoneKey = (p: string) => p.replace(/[^0-9+]/g, '');

/** The customer–identifier links an event carries (graph edges). */
export function linksOf(event: RedoubtEvent): Link[] {
  const links: Link[] = [];
  const add = (kind: string, value: string | undefined) => {
    if (value) links.push({ kind, value });
  };
  switch (event.type) {
    case 'customer':
      add('email', event.customer.email?.toLowerCase());
      add('phone', event.customer.phone && phoneKey(event.customer.phone));
      add('address', event.customer.address && addressKey(event.customer.address));
      break;
    case 'order':
      add('address', event.order.shippingAddress && addressKey(event.order.shippingAddress));
      break;
    case 'transaction':
      add('card', event.transaction.instrumentId);
      break;
    case 'paymentMethod':
      add('card', event.paymentMethod.instrumentId);
      break;
    case 'device':
      add('device', event.device.deviceId);
      add('ip', event.device.ipAddress);
      break;
    case 'login':
      add('device', event.login.deviceId);
      add('ip', event.login.ipAddress);
      add('email', event.login.email?.toLowerCase());
      break;
  }
  return links;
}

function remember(record: CustomerRecord, kind: string, value: string): void {
  const values = (record.identifiers[kind] ??= []);
  if (values.includes(value)) return;
  values.unshift(value); // newest first
  if (values.length > MAX_VALUES_PER_KIND) values.length = MAX_VALUES_PER_KIND;
}

function bump(record: CustomerRecord, counter: string, by = 1): void {
  record.counters[counter] = (record.counters[counter] ?? 0) + by;
}

/** Applies one event to the customer row (mutates it). Events should arrive oldest first. */
export function applyEvent(record: CustomerRecord, event: RedoubtEvent, at: number): void {
  record.lastSeen = Math.max(record.lastSeen ?? at, at);
  record.createdAt = Math.min(record.createdAt ?? at, at);
  bump(record, 'events');
  for (const link of linksOf(event)) remember(record, link.kind, link.value);
  switch (event.type) {
    case 'customer': {
      const c = event.customer;
      if (c.name !== undefined) record.name = c.name;
      if (c.email !== undefined) record.email = c.email;
      if (c.phone !== undefined) record.phone = c.phone;
      if (c.country !== undefined) record.country = c.country;
      if (c.registrationTime) record.createdAt = Math.min(record.createdAt, Date.parse(c.registrationTime));
      break;
    }
    case 'order':
      bump(record, 'orders');
      bump(record, `orderValue${event.order.currency}`, event.order.price);
      remember(record, 'order', event.order.orderId);
      record.lastOrderValue = event.order.price;
      break;
    case 'transaction': {
      const t = event.transaction;
      bump(record, 'transactions');
      if (!t.success) bump(record, 'declines');
      if (t.type === 'chargeback') bump(record, 'chargebacks');
      if (t.type === 'refund') bump(record, 'refunds');
      break;
    }
    case 'paymentMethod':
      bump(record, 'paymentMethods');
      rememberMethod(record, event.paymentMethod.instrumentId, event.paymentMethod.methodType);
      break;
    case 'device':
      break;
    case 'login':
      bump(record, event.login.success ? 'logins' : 'failedLogins');
      break;
    case 'label':
      // Events stored before the rename are replayed with the earlier name.
      record.label = canonicalLabel(event.label.label);
      break;
    case 'score': {
      const s = event.score;
      const entry = { at, score: s.score, action: s.action, source: s.source };
      const index = record.scores.findIndex((e) => e.at <= at);
      if (index === -1) record.scores.push(entry);
      else record.scores.splice(index, 0, entry);
      if (record.scores.length > MAX_SCORE_HISTORY) record.scores.length = MAX_SCORE_HISTORY;
      record.score = record.scores[0].score;
      record.action = record.scores[0].action;
      break;
    }
  }
}

/** The search document for a customer row. */
export function searchDocOf(record: CustomerRecord): CustomerDoc {
  const doc: CustomerDoc = {
    id: record.id,
    name: record.name ?? record.email ?? record.id,
    identifiers: Object.values(record.identifiers).flat(),
  };
  const byKind: Partial<Record<SuggestKind, string[]>> = {};
  for (const kind of SUGGEST_KINDS) {
    const values = record.identifiers[kind];
    if (values?.length) byKind[kind] = values;
  }
  if (Object.keys(byKind).length) doc.identifiersByKind = byKind;
  if (record.email !== undefined) doc.email = record.email;
  if (record.phone !== undefined) doc.phone = record.phone;
  if (record.country !== undefined) doc.country = record.country;
  if (record.score !== undefined) doc.score = record.score;
  if (record.action !== undefined) doc.action = record.action;
  if (record.label !== undefined) doc.label = record.label;
  if (record.reviewState !== undefined) doc.reviewState = record.reviewState;
  if (record.lastSeen !== undefined) doc.lastSeen = record.lastSeen;
  if (record.createdAt !== undefined) doc.createdAt = record.createdAt;
  return doc;
}
