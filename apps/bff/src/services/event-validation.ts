// Checks one incoming event against its JSON Schema (chosen by `type`, so the error names the
// real field rather than "matches no union member") and refuses card numbers.
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS, EVENT_TYPES, canonicalLabel, looksLikePan } from '@redoubt/contracts';
import type { EventType, RedoubtEvent } from '@redoubt/contracts';

export interface FieldProblem {
  /** JSON pointer into the event. */
  field: string;
  reason: string;
}

const checks = new Map<string, TypeCheck<TSchema>>(
  EVENT_TYPES.map((type) => [type, TypeCompiler.Compile(EVENT_SCHEMAS[type] as TSchema)]),
);

/** Latest accepted event time: a little clock skew is fine, next week is not. */
const MAX_FUTURE_MS = 24 * 3600_000;

export function validateEvent(
  value: unknown,
  now = Date.now(),
): { event: RedoubtEvent } | { problems: FieldProblem[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [{ field: '', reason: 'must be a JSON object' }] };
  }
  const type = (value as { type?: unknown }).type;
  if (type === undefined) return { problems: [{ field: '/type', reason: 'is required' }] };
  const check = typeof type === 'string' ? checks.get(type) : undefined;
  if (!check) return { problems: [{ field: '/type', reason: `must be one of ${EVENT_TYPES.join(', ')}` }] };

  if (!check.Check(value)) {
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    for (const error of check.Errors(value)) {
      if (seen.has(error.path)) continue; // the first reason per field is the useful one
      seen.add(error.path);
      problems.push({ field: error.path, reason: error.message });
      if (problems.length >= 20) break;
    }
    return { problems };
  }
  const event = value as RedoubtEvent;
  // A label sent under its earlier name is stored under the current one.
  if (event.type === 'label') event.label.label = canonicalLabel(event.label.label);
  const problems: FieldProblem[] = [];
  const instrumentId =
    event.type === 'transaction'
      ? event.transaction.instrumentId
      : event.type === 'paymentMethod'
        ? event.paymentMethod.instrumentId
        : undefined;
  if (instrumentId !== undefined && looksLikePan(instrumentId)) {
    problems.push({
      field: `/${event.type}/instrumentId`,
      reason: 'looks like a card number (PAN); send the token your PSP issued instead',
    });
  }
  const at = Date.parse(event.timestamp);
  if (Number.isNaN(at)) problems.push({ field: '/timestamp', reason: 'is not a valid date-time' });
  else if (at > now + MAX_FUTURE_MS) problems.push({ field: '/timestamp', reason: 'is more than a day in the future' });
  return problems.length ? { problems } : { event };
}

export function isEventType(value: string): value is EventType {
  return checks.has(value);
}
