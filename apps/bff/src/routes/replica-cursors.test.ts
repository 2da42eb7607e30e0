// Cursors are signed with the key derived from REDOUBT_SECRET (secrets.ts, adapters/cursors.ts):
// behind a load balancer, the next page may be asked of another replica. The same secret, or the
// previous one during a rotation, accepts the cursor; any other secret refuses it with a 400.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { RedoubtEvent } from '@redoubt/contracts';
import { testIdentities } from '../../test/support/identities.ts';
import type { TestIdentities } from '../../test/support/identities.ts';
import { ingestApp } from '../../test/support/ingest-app.ts';
import type { IngestApp } from '../../test/support/ingest-app.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 12, minute)).toISOString();
const events: RedoubtEvent[] = Array.from({ length: 6 }, (_, i) => ({
  eventId: `e${i}`,
  customerId: i < 3 ? 'ann' : `c${i}`,
  timestamp: at(i),
  type: 'customer' as const,
  customer: { name: `Customer ${i}` },
}));

describe('cursors across replicas', () => {
  let ids: TestIdentities;
  let headers: Record<string, string>;
  const replicas: IngestApp[] = [];

  /** A replica: its own embedded stores holding the same events, and the given secrets. */
  async function replica(secret: { current: string; previous?: string }): Promise<FastifyInstance> {
    const t = await ingestApp(['acme-shop'], { ids, secret });
    replicas.push(t);
    await t.ingest('acme-shop', events);
    return t.app;
  }

  before(async () => {
    ids = await testIdentities();
    headers = await ids.headers({ email: 'ana@redoubt.test', role: 'analyst', tenant: 'acme-shop' });
  });
  after(async () => {
    for (const t of replicas) await t.close();
  });

  it("accepts another replica's cursors with the same secret or during a rotation, and refuses any other", async () => {
    const other = randomBytes(32).toString('base64url');
    const first = await replica({ current: ids.secret });
    const same = await replica({ current: ids.secret });
    const rotated = await replica({ current: other, previous: ids.secret });
    const stranger = await replica({ current: other });
    const get = (app: FastifyInstance, url: string) =>
      app.inject({ method: 'GET', url: `/api/tenants/acme-shop${url}`, headers });

    const search = (await get(first, '/customers/search?size=2&sort=name')).json();
    const timeline = (await get(first, '/customers/ann/timeline?limit=1')).json();
    assert.ok(search.next && timeline.next);
    for (const app of [same, rotated]) {
      const page = await get(app, `/customers/search?size=2&sort=name&after=${search.next}`);
      assert.equal(page.statusCode, 200, page.body);
      assert.deepEqual(
        page.json().hits.map((h: { id: string }) => h.id),
        ['c4', 'c5'],
      );
      const older = await get(app, `/customers/ann/timeline?limit=1&before=${timeline.next}`);
      assert.equal(older.statusCode, 200, older.body);
      assert.deepEqual(
        older.json().events.map((e: { id: string }) => e.id),
        ['e1'],
      );
    }
    const refused = await get(stranger, `/customers/search?size=2&sort=name&after=${search.next}`);
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json().details, [{ field: '/query/after', reason: 'is not a valid cursor' }]);
    const refusedTimeline = await get(stranger, `/customers/ann/timeline?limit=1&before=${timeline.next}`);
    assert.equal(refusedTimeline.statusCode, 400);
  });
});
