// The SearchIndex contract: every adapter runs this suite (embedded always; Elasticsearch live when
// ELASTICSEARCH_URL is set). It reads stored documents back through a raw probe as well.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomerDoc, SearchIndex, SearchQuery, Suggestion } from '../../src/ports/search-index.ts';

export interface SearchIndexFixture {
  index: SearchIndex;
  /** The document as stored, or undefined. */
  raw: (tenant: string, id: string) => Promise<CustomerDoc | undefined>;
  cleanup: () => Promise<void>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

const docs: CustomerDoc[] = [
  {
    id: 'c1',
    name: 'John Smith',
    email: 'john.smith@gmail.com',
    phone: '+447700900001',
    country: 'GB',
    score: 12,
    action: 'ALLOW',
    lastSeen: T0,
    identifiers: ['john.smith@gmail.com', '+447700900001', 'dev-aaa', 'tok_card_1', 'ord-1001'],
    identifiersByKind: {
      email: ['john.smith@gmail.com'],
      phone: ['+447700900001'],
      device: ['dev-aaa'],
      card: ['tok_card_1'],
      order: ['ord-1001'],
    },
  },
  {
    id: 'c2',
    name: 'Katherine Johnson',
    email: 'kj@outlook.com',
    country: 'US',
    score: 88,
    action: 'PREVENT',
    label: 'FRAUDSTER',
    lastSeen: T0 + 2 * DAY,
    identifiers: ['kj@outlook.com', 'dev-shared', '81.2.69.160'],
    identifiersByKind: { email: ['kj@outlook.com'], device: ['dev-shared'], ip: ['81.2.69.160'] },
  },
  {
    id: 'c3',
    name: 'Chloé Dubois',
    email: 'chloe@proton.me',
    country: 'FR',
    score: 55,
    action: 'REVIEW',
    lastSeen: T0 + DAY,
    identifiers: ['chloe@proton.me', 'dev-shared'],
    identifiersByKind: { email: ['chloe@proton.me'], device: ['dev-shared'] },
  },
  {
    id: 'c4',
    name: 'Johnny Walker',
    email: 'jw@gmail.com',
    country: 'GB',
    score: 70,
    action: 'REVIEW',
    label: 'GENUINE',
    lastSeen: T0 + 3 * DAY,
    identifiers: ['jw@gmail.com'],
    identifiersByKind: { email: ['jw@gmail.com'] },
  },
];

const q = (query: Partial<SearchQuery>): SearchQuery => ({ size: 20, ...query });
const ids = (page: { hits: { doc: CustomerDoc }[] }) => page.hits.map((h) => h.doc.id);
/** Typeahead answers as `customer kind value`, in order. */
const suggested = (list: Suggestion[]) => list.map((s) => `${s.customerId} ${s.kind} ${s.value}`);

export function searchIndexContract(
  name: string,
  open: () => Promise<SearchIndexFixture>,
  options: { skip?: string } = {},
) {
  describe(`SearchIndex contract: ${name}`, options, () => {
    let index: SearchIndex;
    let raw: SearchIndexFixture['raw'];
    let cleanup: () => Promise<void>;

    before(async () => {
      ({ index, raw, cleanup } = await open());
      await index.upsert('acme', docs);
      // The same ids in another tenant must never leak into acme's results.
      await index.upsert('globex', [
        { ...docs[0], name: 'John Globex', identifiers: ['dev-aaa'], identifiersByKind: { device: ['dev-aaa'] } },
      ]);
      await index.refresh();
    });
    after(async () => {
      await index?.close();
      await cleanup?.();
    });

    it('stores the documents as given', async () => {
      assert.deepEqual(await raw('acme', 'c2'), docs[1]);
      assert.equal((await raw('globex', 'c1'))?.name, 'John Globex');
      assert.equal(await raw('acme', 'nobody'), undefined);
      assert.equal(await index.count('acme'), 4);
    });

    it('finds a customer by any identifier exactly, within the tenant', async () => {
      for (const value of ['dev-aaa', 'TOK_CARD_1', 'ord-1001', '+447700900001', 'John.Smith@gmail.com']) {
        const page = await index.search('acme', q({ q: value }));
        assert.deepEqual(ids(page).slice(0, 1), ['c1'], value);
      }
      const shared = await index.search('acme', q({ q: 'dev-shared' }));
      assert.deepEqual(ids(shared).sort(), ['c2', 'c3']);
      const other = await index.search('globex', q({ q: 'dev-aaa' }));
      assert.deepEqual(ids(other), ['c1']);
      assert.equal(other.hits[0].doc.name, 'John Globex');
    });

    it('suggests identifiers by prefix with the kind that matched, riskiest first, one per customer', async () => {
      assert.deepEqual(suggested(await index.suggest('acme', 'dev-', 10)), [
        'c2 device dev-shared',
        'c3 device dev-shared',
        'c1 device dev-aaa',
      ]);
      assert.deepEqual(suggested(await index.suggest('acme', 'dev-', 2)), [
        'c2 device dev-shared',
        'c3 device dev-shared',
      ]);
      // Every kind, compared without case.
      assert.deepEqual(suggested(await index.suggest('acme', 'JOHN.S', 5)), ['c1 email john.smith@gmail.com']);
      assert.deepEqual(suggested(await index.suggest('acme', '+4477', 5)), ['c1 phone +447700900001']);
      assert.deepEqual(suggested(await index.suggest('acme', 'tok_c', 5)), ['c1 card tok_card_1']);
      assert.deepEqual(suggested(await index.suggest('acme', '81.2.6', 5)), ['c2 ip 81.2.69.160']);
      assert.deepEqual(suggested(await index.suggest('acme', 'ord-10', 5)), ['c1 order ord-1001']);
      const [first] = await index.suggest('acme', 'kj@', 5);
      assert.deepEqual(first, {
        kind: 'email',
        value: 'kj@outlook.com',
        customerId: 'c2',
        name: 'Katherine Johnson',
        score: 88,
        action: 'PREVENT',
      });
      // Only this tenant's identifiers; too short a prefix, or one nobody has, suggests nothing.
      assert.deepEqual(suggested(await index.suggest('globex', 'dev-', 10)), ['c1 device dev-aaa']);
      assert.deepEqual(await index.suggest('acme', 'd', 10), []);
      assert.deepEqual(await index.suggest('acme', 'zz-nobody', 10), []);
      assert.deepEqual(await index.suggest('nobody', 'dev-', 10), []);
    });

    it('counts review states and score bands over every match', async () => {
      const all = await index.search('acme', q({}));
      assert.deepEqual(all.facets.state, [{ value: 'none', count: 4 }]);
      assert.deepEqual(all.facets.band, [
        { value: 'medium', count: 2 },
        { value: 'high', count: 1 },
        { value: 'low', count: 1 },
      ]);
      const johns = await index.search('acme', q({ q: 'john' }));
      assert.deepEqual(johns.facets.band, [
        { value: 'high', count: 1 },
        { value: 'low', count: 1 },
        { value: 'medium', count: 1 },
      ]);
      const gb = await index.search('acme', q({ country: ['GB'] }));
      assert.deepEqual(gb.facets.band, [
        { value: 'low', count: 1 },
        { value: 'medium', count: 1 },
      ]);
      await index.upsert('bands', [
        { id: 'b1', name: 'Open', identifiers: [], reviewState: 'open', score: 80 },
        { id: 'b2', name: 'Open too', identifiers: [], reviewState: 'open', score: 79 },
        { id: 'b3', name: 'Decided', identifiers: [], reviewState: 'decided', score: 50 },
        { id: 'b4', name: 'Unscored', identifiers: [] },
      ]);
      await index.refresh();
      for (const query of [q({}), q({ q: 'open' }), q({ state: ['open', 'decided', 'none'] })]) {
        const page = await index.search('bands', query);
        const expected = query.q
          ? [{ value: 'open', count: 2 }]
          : [
              { value: 'open', count: 2 },
              { value: 'decided', count: 1 },
              { value: 'none', count: 1 },
            ];
        assert.deepEqual(page.facets.state, expected, JSON.stringify(query));
      }
      const bands = await index.search('bands', q({}));
      assert.deepEqual(bands.facets.band, [
        { value: 'medium', count: 2 },
        { value: 'high', count: 1 },
      ]);
    });

    it('matches names as you type, every word as a prefix, folding accents', async () => {
      assert.deepEqual(ids(await index.search('acme', q({ q: 'jo smi' }))), ['c1']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'john', sort: 'name' }))), ['c1', 'c4', 'c2']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'chloe' }))), ['c3']);
      const page = await index.search('acme', q({ q: 'kather' }));
      assert.deepEqual(ids(page), ['c2']);
      assert.ok(page.hits[0].highlights?.name?.length, 'the matched name is highlighted');
    });

    it('filters by review state; none is a customer never queued or reviewed', async () => {
      await index.upsert('states', [
        { id: 's1', name: 'Open One', identifiers: [], reviewState: 'open', score: 3 },
        { id: 's2', name: 'Decided Two', identifiers: [], reviewState: 'decided', score: 2 },
        { id: 's3', name: 'Never Three', identifiers: [], score: 1 },
      ]);
      await index.refresh();
      const by = async (state: SearchQuery['state']) => ids(await index.search('states', q({ state, sort: 'score' })));
      assert.deepEqual(await by(['open']), ['s1']);
      assert.deepEqual(await by(['decided', 'none']), ['s2', 's3']);
      assert.deepEqual(await by(['claimed']), []);
      // A later write of the document with another state moves it between filters.
      await index.upsert('states', [{ id: 's1', name: 'Open One', identifiers: [], reviewState: 'claimed', score: 3 }]);
      await index.refresh();
      assert.deepEqual(await by(['claimed']), ['s1']);
    });

    it('still finds a misspelt name', async () => {
      assert.deepEqual(ids(await index.search('acme', q({ q: 'Katherin Jonson' }))), ['c2']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'zzzz qqqq' }))), []);
    });

    it('filters by action, label, country, score and last seen, with facets over all matches', async () => {
      assert.deepEqual(ids(await index.search('acme', q({ action: ['REVIEW'], sort: 'score' }))), ['c4', 'c3']);
      assert.deepEqual(ids(await index.search('acme', q({ label: ['FRAUDSTER'] }))), ['c2']);
      assert.deepEqual(ids(await index.search('acme', q({ country: ['GB'], sort: 'score' }))), ['c4', 'c1']);
      assert.deepEqual(ids(await index.search('acme', q({ scoreMin: 50, scoreMax: 80, sort: 'score' }))), ['c4', 'c3']);
      assert.deepEqual(ids(await index.search('acme', q({ from: T0 + DAY, to: T0 + 2 * DAY, sort: 'lastSeen' }))), [
        'c2',
        'c3',
      ]);
      const all = await index.search('acme', q({}));
      assert.equal(all.total, 4);
      assert.deepEqual(all.facets.action, [
        { value: 'REVIEW', count: 2 },
        { value: 'ALLOW', count: 1 },
        { value: 'PREVENT', count: 1 },
      ]);
      assert.deepEqual(all.facets.country, [
        { value: 'GB', count: 2 },
        { value: 'FR', count: 1 },
        { value: 'US', count: 1 },
      ]);
      const johns = await index.search('acme', q({ q: 'john' }));
      assert.deepEqual(johns.facets.label, [
        { value: 'FRAUDSTER', count: 1 },
        { value: 'GENUINE', count: 1 },
      ]);
      const gb = await index.search('acme', q({ q: 'john', country: ['GB'] }));
      assert.deepEqual(gb.facets.label, [{ value: 'GENUINE', count: 1 }]);
    });

    it('sorts by score by default and pages with a cursor, without gaps or repeats', async () => {
      assert.deepEqual(ids(await index.search('acme', q({}))), ['c2', 'c4', 'c3', 'c1']);
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await index.search('acme', q({ size: 3, ...(after ? { after } : {}) }));
        assert.equal(page.total, 4);
        seen.push(...ids(page));
        if (!page.next) break;
        after = page.next;
      }
      assert.deepEqual(seen, ['c2', 'c4', 'c3', 'c1']);
    });

    it('replaces a document on upsert: old names and identifiers stop matching', async () => {
      await index.upsert('acme', [
        { ...docs[3], name: 'Jane Walker', email: 'jane@example.com', identifiers: ['dev-new'], score: 5 },
      ]);
      await index.refresh();
      // (A fuzzy match may still offer John Smith for "johnny"; the renamed customer must not come back.)
      assert.ok(!ids(await index.search('acme', q({ q: 'johnny' }))).includes('c4'));
      assert.ok(!ids(await index.search('acme', q({ q: 'jw@gmail.com' }))).includes('c4'));
      assert.deepEqual(ids(await index.search('acme', q({ q: 'dev-new' }))), ['c4']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'jane' }))), ['c4']);
      assert.equal((await raw('acme', 'c4'))?.score, 5);
      assert.equal(await index.count('acme'), 4);
    });

    it('answers a ping', async () => {
      await index.ping();
    });
  });

  // Tenant isolation (docs/decisions/0005-tenant-isolation.md): what one tenant indexes never
  // changes what another tenant's search returns, so no tenant can hide another's customers or
  // learn whether an identifier exists elsewhere. Each case compares whole pages: hits, totals,
  // facets and whether there is a next page.
  describe(`SearchIndex contract, tenant isolation: ${name}`, options, () => {
    let index: SearchIndex;
    let cleanup: () => Promise<void>;
    const queries: Partial<SearchQuery>[] = [
      { q: 'dev-shared' },
      { q: 'tok_card_1' },
      { q: 'john' },
      { q: 'jo smi' },
      { q: 'chloe' },
      { q: 'Katherin Jonson' },
      { q: 'john', country: ['GB'] },
      { q: 'walker' },
      { size: 2 },
    ];
    const pages = async (tenant: string) => {
      const out = [];
      for (const query of queries) {
        const page = await index.search(tenant, q(query));
        out.push({ query, ids: ids(page), total: page.total, facets: page.facets, more: page.next !== undefined });
      }
      return out;
    };

    before(async () => {
      ({ index, cleanup } = await open());
    });
    after(async () => {
      await index?.close();
      await cleanup?.();
    });

    it("a tenant with thousands of matching documents cannot blank another tenant's results", async () => {
      // Written first, so a shared index meets these before acme's documents. A third of the names
      // are look-alikes one edit from "katherin jonson": hundreds of distinct near terms, more than
      // a fuzzy query expands to.
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const nearby = (word: string, i: number) => {
        const at = i % (word.length + 1);
        return word.slice(0, at) + letters[Math.floor(i / (word.length + 1)) % 26] + word.slice(at);
      };
      const noise: CustomerDoc[] = Array.from({ length: 2_500 }, (_, i) => ({
        id: `n${i}`,
        name: [
          'John Smith',
          'Katherine Johnson',
          `${nearby('katherin', Math.floor(i / 3))} ${nearby('jonson', Math.floor(i / 3))}`,
        ][i % 3]!,
        email: `john.smith${i}@gmail.com`,
        country: 'GB',
        score: 99,
        action: 'PREVENT',
        label: 'FRAUDSTER',
        identifiers: ['dev-shared', 'tok_card_1', `dev-n${i}`],
        identifiersByKind: {
          device: ['dev-shared', `dev-n${i}`],
          card: ['tok_card_1'],
          email: [`john.smith${i}@gmail.com`],
        },
      }));
      for (let i = 0; i < noise.length; i += 500) await index.upsert('noisy', noise.slice(i, i + 500));
      await index.upsert('acme', docs);
      await index.refresh();
      assert.deepEqual(ids(await index.search('acme', q({ q: 'dev-shared' }))).sort(), ['c2', 'c3']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'tok_card_1' }))), ['c1']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'john', sort: 'name' }))), ['c1', 'c4', 'c2']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'jo smi' }))), ['c1']);
      assert.deepEqual(ids(await index.search('acme', q({ q: 'Katherin Jonson' }))), ['c2']);
      const johns = await index.search('acme', q({ q: 'john' }));
      assert.equal(johns.total, 3);
      assert.deepEqual(johns.facets.label, [
        { value: 'FRAUDSTER', count: 1 },
        { value: 'GENUINE', count: 1 },
      ]);
      assert.equal(await index.count('acme'), 4);
      // Typeahead: the other tenant's 2,500 riskier customers with the same prefixes take no place.
      assert.deepEqual(suggested(await index.suggest('acme', 'dev-', 3)), [
        'c2 device dev-shared',
        'c3 device dev-shared',
        'c1 device dev-aaa',
      ]);
      assert.deepEqual(suggested(await index.suggest('acme', 'john.smith', 3)), ['c1 email john.smith@gmail.com']);
      // A prefix 2,500 documents share (more than the embedded index's candidates): the riskiest
      // first, ties by id, as for a narrow one, whenever the riskiest was written.
      await index.upsert('noisy', [{ ...noise[2400]!, score: 100 }]);
      await index.refresh();
      assert.deepEqual(suggested(await index.suggest('noisy', 'dev-', 4)), [
        'n2400 device dev-shared',
        'n0 device dev-shared',
        'n1 device dev-shared',
        'n10 device dev-shared',
      ]);
      assert.deepEqual(suggested(await index.suggest('noisy', 'dev-n249', 3)), [
        'n249 device dev-n249',
        'n2490 device dev-n2490',
        'n2491 device dev-n2491',
      ]);
    });

    it("what another tenant indexes never changes a tenant's results (no existence oracle)", async () => {
      const before = await pages('acme');
      const suggestBefore = await index.suggest('acme', 'dev-', 10);
      // globex indexes, as identifiers, exactly what acme searches for: names, prefixes, card tokens.
      await index.upsert('globex', [
        {
          id: 'g1',
          name: 'Gina Lowe',
          email: 'gina@globex.example',
          country: 'DE',
          score: 1,
          action: 'ALLOW',
          identifiers: ['john', 'chloe', 'walker', 'jo', 'dev-globex-only', 'tok_globex_card'],
          identifiersByKind: { device: ['dev-globex-only', 'dev-shared'], card: ['tok_globex_card'] },
        },
        { id: 'g2', name: 'Jon Smyth', identifiers: ['katherin', 'jonson', 'dev-shared', 'tok_card_1'] },
      ]);
      await index.refresh();
      assert.deepEqual(await pages('acme'), before);
      assert.deepEqual(await index.suggest('acme', 'dev-', 10), suggestBefore);
      assert.deepEqual(await index.suggest('acme', 'dev-glo', 10), []);
      assert.deepEqual(await index.suggest('acme', 'tok_glo', 10), []);
      // An identifier only globex has looks, from acme, exactly like one nobody has.
      for (const value of ['dev-globex-only', 'tok_globex_card', 'gina@globex.example']) {
        const page = await index.search('acme', q({ q: value }));
        assert.deepEqual(
          { ids: ids(page), total: page.total, facets: page.facets, next: page.next },
          { ids: [], total: 0, facets: { action: [], label: [], country: [], state: [], band: [] }, next: undefined },
          value,
        );
      }
      assert.deepEqual(ids(await index.search('globex', q({ q: 'dev-globex-only' }))), ['g1']);
    });

    it('a cursor pages only the tenant and query it was issued for; a tampered one is refused', async () => {
      const first = await index.search('acme', q({ size: 2 }));
      assert.ok(first.next);
      const second = await index.search('acme', q({ size: 2, after: first.next }));
      assert.deepEqual(ids(second), ['c3', 'c1']);
      const refused = async (tenant: string, query: Partial<SearchQuery>) =>
        assert.rejects(index.search(tenant, q(query)), (error: Error & { details?: unknown }) => {
          assert.equal(error.name, 'BadCursor');
          assert.deepEqual(error.details, [{ field: '/query/after', reason: 'is not a valid cursor' }]);
          return true;
        });
      await refused('noisy', { size: 2, after: first.next });
      await refused('acme', { size: 2, sort: 'name', after: first.next });
      await refused('acme', { size: 2, country: ['GB'], after: first.next });
      const [body, mac] = first.next.split('.');
      const forged = Buffer.from(JSON.stringify([1, 'search', 'acme', 'x', 1])).toString('base64url');
      for (const after of [`${forged}.${mac}`, `${body}.${'A'.repeat(43)}`, 'not-a-cursor', `${body}x.${mac}`]) {
        await refused('acme', { size: 2, after });
      }
    });
  });
}
