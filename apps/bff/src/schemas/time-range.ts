// The from/to/tz range the overview and the team figures both take: parsed once, every refusal
// naming its field; each route then applies its own longest range.
import { InvalidInput } from '../domain/errors.ts';
import { zoneFormatter } from '../services/rollups.ts';

export const DAY_MS = 86_400_000;

export interface TimeRange {
  from: number;
  to: number;
  tz: string;
}

/** `to` defaults to now, `from` to `defaultDays` before `to`, `tz` to UTC; from must be before to. */
export function timeRange(
  query: { from?: string; to?: string; tz?: string },
  defaultDays: number,
  now = Date.now(),
): TimeRange {
  const tz = query.tz ?? 'UTC';
  try {
    zoneFormatter(tz);
  } catch {
    throw new InvalidInput('/querystring/tz', 'is not a known time zone');
  }
  const to = query.to === undefined ? now : Date.parse(query.to);
  const from = query.from === undefined ? to - defaultDays * DAY_MS : Date.parse(query.from);
  if (Number.isNaN(to)) throw new InvalidInput('/querystring/to', 'is not a date-time');
  if (Number.isNaN(from)) throw new InvalidInput('/querystring/from', 'is not a date-time');
  if (from >= to) throw new InvalidInput('/querystring/from', 'must be before to');
  return { from, to, tz };
}
