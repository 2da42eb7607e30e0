// Paging cursors every adapter hands out: opaque to clients, signed, and bound to what they page.
// A cursor carries the adapter's position (an offset, Elasticsearch sort values, a timeline key)
// together with the kind of listing, the tenant and a fingerprint of the query it belongs to, under
// an HMAC. A cursor that was altered, made up, or issued for another tenant, customer or query is
// refused with a 400 naming the parameter, so nothing a client invents reaches a store.
// The key comes from configuration (secrets.ts derives a 'cursor' key from REDOUBT_SECRET, so
// every replica accepts every other's cursors); see docs/decisions/0005-tenant-isolation.md.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadCursor } from '../domain/errors.ts';
import type { SearchQuery } from '../ports/search-index.ts';

/** Signs and verifies strings (secrets.ts `signer('cursor')` has this shape). */
export interface CursorSigner {
  sign(payload: string): string;
  /** The payload if `signed` came from sign() (with the current or previous key), else undefined. */
  verify(signed: string): string | undefined;
}

/** What a cursor pages: its kind, the tenant, and whatever else must not change between pages. */
export interface CursorScope {
  kind: 'search' | 'timeline' | 'audit';
  tenant: string;
  /** The rest of the listing's identity: a query fingerprint, a customer id. */
  bind: string;
}

/** A signer with a random key: for tests and tools that build adapters without configuration. */
export function ephemeralSigner(): CursorSigner {
  const key = randomBytes(32);
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();
  return {
    sign: (payload) => {
      const body = Buffer.from(payload, 'utf8').toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify: (signed) => {
      const dot = signed.lastIndexOf('.');
      if (dot <= 0) return undefined;
      const body = signed.slice(0, dot);
      const given = Buffer.from(signed.slice(dot + 1), 'base64url');
      if (given.length !== 32 || !timingSafeEqual(mac(body), given)) return undefined;
      return Buffer.from(body, 'base64url').toString('utf8');
    },
  };
}

export class Cursors {
  readonly #signer: CursorSigner;
  /** `field` is what a refused cursor is reported as, e.g. /query/after. */
  readonly #field: string;

  constructor(signer: CursorSigner, field: string) {
    this.#signer = signer;
    this.#field = field;
  }

  seal(scope: CursorScope, position: unknown): string {
    return this.#signer.sign(JSON.stringify([1, scope.kind, scope.tenant, scope.bind, position]));
  }

  /**
   * The position sealed in `cursor` for this scope. Throws BadCursor when the signature does not
   * verify or the cursor was issued for another scope; the caller still checks the position's shape.
   */
  open(scope: CursorScope, cursor: string): unknown {
    const payload = this.#signer.verify(cursor);
    if (payload !== undefined) {
      try {
        const value = JSON.parse(payload) as unknown;
        if (
          Array.isArray(value) &&
          value.length === 5 &&
          value[0] === 1 &&
          value[1] === scope.kind &&
          value[2] === scope.tenant &&
          value[3] === scope.bind
        ) {
          return value[4];
        }
      } catch {
        // a signed payload that is not ours: refused below
      }
    }
    throw this.refuse();
  }

  /** The error for a cursor whose position is not one the adapter could have issued. */
  refuse(): BadCursor {
    return new BadCursor(this.#field);
  }
}

/** A short, stable fingerprint of a query's identity (what must stay the same from page to page). */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}

/** A search cursor pages one query of one tenant: the query minus its page size and position. */
export function searchCursorScope(tenant: string, query: SearchQuery, sort: string): CursorScope {
  const { size: _size, after: _after, ...rest } = query;
  return { kind: 'search', tenant, bind: fingerprint({ ...rest, sort }) };
}
