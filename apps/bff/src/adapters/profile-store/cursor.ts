// Timeline cursors: the (time, event id) of the last event on a page, sealed for one tenant's
// customer (cursors.ts): a cursor of another customer or tenant, or one a client altered, is a 400
// naming `before`, and never becomes a row-key range.
import { Cursors } from '../cursors.ts';
import type { CursorScope, CursorSigner } from '../cursors.ts';

export class TimelineCursors {
  readonly #cursors: Cursors;

  constructor(signer: CursorSigner) {
    this.#cursors = new Cursors(signer, '/query/before');
  }

  encode(tenant: string, customerId: string, at: number, eventId: string): string {
    return this.#cursors.seal(scope(tenant, customerId), [at, eventId]);
  }

  decode(tenant: string, customerId: string, cursor: string): { at: number; eventId: string } {
    const position = this.#cursors.open(scope(tenant, customerId), cursor);
    if (Array.isArray(position) && position.length === 2) {
      const [at, eventId] = position as [unknown, unknown];
      if (typeof at === 'number' && Number.isSafeInteger(at) && at >= 0 && typeof eventId === 'string') {
        return { at, eventId };
      }
    }
    throw this.#cursors.refuse();
  }
}

const scope = (tenant: string, customerId: string): CursorScope => ({ kind: 'timeline', tenant, bind: customerId });
