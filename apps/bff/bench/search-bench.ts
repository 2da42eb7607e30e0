// `npm run bench:search [-- --customers N --rounds R]`: the embedded SearchIndex (one FTS index per
// tenant, docs/decisions/0005-tenant-isolation.md) on the demo's data: the demo merchants with
// the demo's split of N customers (default 100,000, as DEMO_CUSTOMERS), then R rounds of a query
// mix per tenant through SqliteSearchIndex.search(): exact identifiers, name prefixes as typed,
// one- and two-letter prefixes, misspelt names, and filters alone.
// Figures per query kind: median and p99 in ms of the last round; `p50`/`p99` over every query;
// `p50Rounds` lists each round's overall median (the spread).
// Typeahead: every round also asks SearchIndex.suggest() for each keystroke of identifiers being
// typed (2 to 8 characters of an email, phone, device, card, IP or order id), timed apart from the
// search mix: `suggestP50`/`suggestP99` (last round) and `suggestP99Rounds`. The last line is one JSON object.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_MERCHANTS, generateEvents } from '@redoubt/synthetic';
import { DEMO_SEED } from '../src/demo/seeder.ts';
import { applyEvent, searchDocOf } from '../src/services/customer-events.ts';
import { emptyCustomer } from '../src/ports/profile-store.ts';
import type { CustomerRecord } from '../src/ports/profile-store.ts';
import type { CustomerDoc, SearchQuery } from '../src/ports/search-index.ts';
import { SqliteSearchIndex } from '../src/adapters/search-index/sqlite-search-index.ts';

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } },
});
const customers = Number(values.customers);
const rounds = Number(values.rounds);

/** The demo's split: the first merchant biggest (demo/seeder.ts). */
function split(total: number): number[] {
  const weights = DEMO_MERCHANTS.map((_, i) => 1 / (i + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor((total * w) / sum));
  sizes[0] += total - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

function docsOf(tenant: string, seed: number, n: number, currency: string): CustomerDoc[] {
  const rows = new Map<string, CustomerRecord>();
  for (const event of generateEvents({ seed, tenant, customers: n, currency })) {
    let row = rows.get(event.customerId);
    if (!row) rows.set(event.customerId, (row = emptyCustomer(event.customerId)));
    applyEvent(row, event, Date.parse(event.timestamp));
  }
  return [...rows.values()].map(searchDocOf);
}

function queryMix(docs: CustomerDoc[]): { kind: string; query: SearchQuery }[] {
  const out: { kind: string; query: SearchQuery }[] = [];
  for (let i = 0; i < 60; i++) {
    const doc = docs[(i * 7919) % docs.length]!;
    const [first = '', last = ''] = doc.name.split(' ');
    out.push({ kind: 'exact', query: { q: doc.identifiers[(i * 31) % doc.identifiers.length] ?? doc.id, size: 20 } });
    out.push({ kind: 'prefix', query: { q: `${first.slice(0, 3)} ${last.slice(0, 3)}`, size: 20 } });
    out.push({ kind: 'short', query: { q: first.slice(0, 1 + (i % 2)), size: 20 } });
    out.push({ kind: 'fuzzy', query: { q: `${first.slice(0, -1)}x ${last}`, size: 20 } });
    out.push({ kind: 'filters', query: { country: [doc.country ?? 'GB'], action: ['REVIEW'], size: 20 } });
  }
  return out;
}

/** Keystrokes of identifiers being typed: each prefix of 2..8 characters of one value per doc sampled. */
function suggestMix(docs: CustomerDoc[]): string[] {
  const out: string[] = [];
  const kinds = ['email', 'phone', 'device', 'card', 'ip', 'order'] as const;
  for (let i = 0; i < 40; i++) {
    const doc = docs[(i * 104_729) % docs.length]!;
    const values = doc.identifiersByKind?.[kinds[i % kinds.length]!] ?? doc.identifiers;
    const value = values[0] ?? doc.id;
    for (let n = 2; n <= Math.min(8, value.length); n++) out.push(value.slice(0, n));
  }
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

const dir = await mkdtemp(join(tmpdir(), 'redoubt-search-bench-'));
try {
  const sizes = split(customers);
  const tenants = DEMO_MERCHANTS.map((m, i) => ({
    id: m.id,
    docs: docsOf(m.id, DEMO_SEED + i, sizes[i]!, m.currency),
  }));
  const index = new SqliteSearchIndex(join(dir, 'search.db'));
  const started = performance.now();
  for (const t of tenants) {
    for (let i = 0; i < t.docs.length; i += 2_000) await index.upsert(t.id, t.docs.slice(i, i + 2_000));
  }
  const buildMs = Math.round(performance.now() - started);
  console.log(`indexed ${customers} customers in ${buildMs} ms`);

  const p50Rounds: number[] = [];
  const suggestP99Rounds: number[] = [];
  let lastSuggest: number[] = [];
  let last: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    const times: Record<string, number[]> = {};
    for (const t of tenants) {
      for (const { kind, query } of queryMix(t.docs)) {
        const began = performance.now();
        await index.search(t.id, query);
        (times[kind] ??= []).push(performance.now() - began);
      }
    }
    const suggestTimes: number[] = [];
    for (const t of tenants) {
      for (const prefix of suggestMix(t.docs)) {
        const began = performance.now();
        await index.suggest(t.id, prefix, 8);
        suggestTimes.push(performance.now() - began);
      }
    }
    suggestTimes.sort((a, b) => a - b);
    const all = Object.values(times)
      .flat()
      .sort((a, b) => a - b);
    p50Rounds.push(round3(pct(all, 0.5)));
    suggestP99Rounds.push(round3(pct(suggestTimes, 0.99)));
    console.log(
      `round ${r + 1}: p50 ${pct(all, 0.5).toFixed(3)} ms, p99 ${pct(all, 0.99).toFixed(2)} ms; suggest p50 ${pct(suggestTimes, 0.5).toFixed(3)} ms, p99 ${pct(suggestTimes, 0.99).toFixed(2)} ms`,
    );
    last = times;
    lastSuggest = suggestTimes;
  }
  await index.close();
  const all = Object.values(last)
    .flat()
    .sort((a, b) => a - b);
  const kinds = Object.fromEntries(
    Object.entries(last).map(([kind, t]) => {
      const sorted = t.sort((a, b) => a - b);
      return [kind, { p50: round3(pct(sorted, 0.5)), p99: round3(pct(sorted, 0.99)) }];
    }),
  );
  console.log(
    JSON.stringify({
      customers,
      tenants: tenants.map((t) => ({ id: t.id, customers: t.docs.length })),
      buildMs,
      queries: all.length,
      p50: round3(pct(all, 0.5)),
      p99: round3(pct(all, 0.99)),
      p50Rounds,
      kinds,
      suggestQueries: lastSuggest.length,
      suggestP50: round3(pct(lastSuggest, 0.5)),
      suggestP99: round3(pct(lastSuggest, 0.99)),
      suggestP99Rounds,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
