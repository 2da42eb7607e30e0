// What watches cost ingest: new links applied to a tenant's graph and published on the live bus,
// with no watches and with W watches of each kind (customer, identifier, component) matched by
// services/watches.ts (store, queue and notifications are in-memory stand-ins: this measures the
// matching on the ingest path, not PostgreSQL). Rounds give the median and the spread.
//   node --disable-warning=ExperimentalWarning apps/bff/bench/watches-bench.ts [--customers N] [--links L] [--watches W] [--rounds R]
// Last line: one JSON object.
import { parseArgs } from 'node:util';
import { GraphEngine } from '@redoubt/engine';
import { LiveBus } from '../src/services/live-bus.ts';
import { SharedInfrastructure, WatchMatcher } from '../src/services/watches.ts';
import type { WatchRule, WatchStore } from '../src/ports/watch-store.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    links: { type: 'string', default: '100000' },
    watches: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
  },
});
const customers = Number(values.customers);
const links = Number(values.links);
const perKind = Number(values.watches);
const rounds = Number(values.rounds);
const TENANT = 'bench';

/** A deterministic generator (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function graphOf(): GraphEngine {
  const g = new GraphEngine();
  const random = rng(7);
  const at = Date.UTC(2026, 0, 1);
  for (let c = 0; c < customers; c++) {
    g.link(`c${c}`, 'email', `e${c}@x.test`, at);
    // Devices shared by about two customers each, a card for one in ten: many small components, as
    // in real data, rather than one giant one (where every link would set off every component watch).
    g.link(`c${c}`, 'device', `d${Math.floor(random() * customers * 0.5)}`, at);
    if (c % 10 === 0) g.link(`c${c}`, 'card', `k${Math.floor(random() * customers)}`, at);
  }
  return g;
}

async function run(watchesPerKind: number): Promise<{ ms: number; hits: number }> {
  const graph = graphOf();
  const bus = new LiveBus();
  let hits = 0;
  const none = async (): Promise<never> => {
    throw new Error('not part of the bench');
  };
  const store: WatchStore = {
    recordHits: async (_tenant, h) => (hits += h.length),
    listWatches: none,
    addWatch: none,
    removeWatch: none,
    watchRules: none,
    listMarks: none,
    addMark: none,
    removeMark: none,
    tenants: none,
  };
  const matcher = new WatchMatcher({
    store,
    bus,
    graph: () => graph,
    shared: new SharedInfrastructure(),
    queue: { enqueue: async () => 0 },
    notify: () => {},
    onError: (error) => {
      throw error;
    },
  });
  const random = rng(11);
  const rules: WatchRule[] = [];
  for (let i = 0; i < watchesPerKind; i++) {
    const c = Math.floor(random() * customers);
    rules.push({ id: `c-${i}`, ownerSub: 's', targetType: 'customer', target: `c:c${c}` });
    rules.push({ id: `k-${i}`, ownerSub: 's', targetType: 'component', target: `c:c${(c * 7) % customers}` });
    rules.push({ id: `i-${i}`, ownerSub: 's', targetType: 'identifier', target: `device:d${Math.floor(c / 2)}` });
  }
  matcher.setRules(TENANT, rules);
  // Without watches nobody listens: ingest skips publishing (LiveBus.hasListeners), as in production.
  const publish = bus.hasListeners(TENANT);
  const at = Date.UTC(2026, 1, 1);
  const started = performance.now();
  for (let i = 0; i < links; i++) {
    const customerId = `n${i}`;
    const value = `d${Math.floor(random() * customers * 0.5)}`;
    if (graph.link(customerId, 'device', value, at) && publish) {
      bus.publish({ type: 'link', tenant: TENANT, customerId, kind: 'device', value, at: new Date(at).toISOString() });
    }
  }
  const ms = performance.now() - started;
  await matcher.close();
  return { ms, hits };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result: Record<string, number> = {};
for (const [name, w] of [
  ['none', 0],
  ['watched', perKind],
] as const) {
  const rates: number[] = [];
  let hits = 0;
  for (let r = 0; r < rounds; r++) {
    const { ms, hits: h } = await run(w);
    rates.push(Math.round(links / (ms / 1000)));
    hits = h;
  }
  console.log(`${name}: ${rates.join(', ')} links/s (${hits} hits in a round)`);
  result[`${name}LinksPerSec`] = median(rates);
  result[`${name}SpreadPct`] = Math.round(((Math.max(...rates) - Math.min(...rates)) / median(rates)) * 100);
}
console.log(
  JSON.stringify({
    bench: 'watches',
    customers,
    links,
    watches: perKind * 3,
    ...result,
    costPct: Math.round((1 - result['watchedLinksPerSec']! / result['noneLinksPerSec']!) * 100),
  }),
);
