import type { Static, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

// TypeBox checks only the formats it is told about; the API's times are ISO 8601 strings.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));
}
// Ids the client chooses (notes, saved searches) are UUIDs.
if (!FormatRegistry.Has('uuid')) {
  FormatRegistry.Set('uuid', (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
}

/**
 * For httpResource's `parse` (and plain requests): the body checked against the API's own schema
 * from libs/contracts, so a server answering another shape (an older BFF, a proxy's page) shows an
 * error naming the field instead of a screen that looks right and is not.
 */
export function parseAs<T extends TSchema>(schema: T): (body: unknown) => Static<T> {
  return (body) => {
    if (Value.Check(schema, body)) return body;
    const first = Value.Errors(schema, body).First();
    const where = first ? ` (${first.path || '/'}: ${first.message})` : '';
    throw new Error(`The server's answer is not in the expected shape${where}; reload the page`);
  };
}
