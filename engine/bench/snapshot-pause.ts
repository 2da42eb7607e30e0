// The snapshot while the host keeps working: save() on a large graph while new links and queries
// go on, one batch per turn of the event loop, with the event loop's delay measured all along.
// bench:engine calls snapshotUnderLoad() for its snapshot figures; run alone it builds
// bench:engine's graph (bulk load, one compaction, then --inserts live links left in the delta,
// 4.5M links at 1M customers) and prints the same figures, then the pause of the former save()
// on the same graph (a compact() and a synchronous write of the file); last line one JSON object:
//   node --max-old-space-size=12000 engine/bench/snapshot-pause.ts [--customers 1000000] [--seed 7] [--inserts 500000]
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { GraphEngine, writeFileAtomic } from '../src/index.ts';
import { KINDS, generate, mulberry32 } from './dataset.ts';
import { percentile } from './timing.ts';

export interface SnapshotFigures {
  /** The longest event-loop delay from save() to the file written (perf_hooks histogram, 1 ms resolution). */
  snapshotMaxLoopDelayMs: number;
  snapshotLoopDelayP99Ms: number;
  /** The synchronous part of save(): the capture (engine/src/codec.ts). */
  snapshotCaptureMs: number;
  /** From save() to the file written and renamed. */
  snapshotTotalMs: number;
  /** Links made (LINKS_PER_SECOND) and depth-3 queries answered while the snapshot was written. */
  snapshotWrites: number;
  snapshotQueryP99Ms: number;
  /** The slowest turn of that work alone (links and a query): a pause of the engine's writes, not of the snapshot. */
  snapshotSlowestTurnMs: number;
  snapshotLinks: number;
  loadMs: number;
}

// Links per second while the snapshot is written, made in each turn of the event loop as they fall
// due, then one timed depth-3 query per turn. Several times a busy host's rate (a scored event
// carries ~4 links; the seed's production load was 600-1,000 requests/s), and bounded so that
// the links made do not take the node count over the key table's next doubling (ids.ts rehash, a
// pause of its own that would land in this figure whenever a save happens to be running).
const LINKS_PER_SECOND = 20_000;

/**
 * Saves `engine` while links (new customers on existing and new identifier values of `values`,
 * per kind) and depth-3 queries of `sample` go on; then loads the file and checks that it holds
 * the graph as it was when save() was called (link count, and the first 100 sample customers'
 * depth-3 reach recorded just before).
 */
export async function snapshotUnderLoad(
  engine: GraphEngine,
  sample: string[],
  values: readonly string[][],
  seed: number,
): Promise<SnapshotFigures> {
  const random = mulberry32(seed + 3);
  const file = join(tmpdir(), `snapshot-pause-${process.pid}.graph`);
  const checked = sample.slice(0, 100);
  const before = checked.map((id) => engine.traverse(id, { depth: 3 })!.nodes.slice());
  const links = engine.stats().links;
  const now = Date.UTC(2026, 1, 1);

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await sleep(50); // the histogram's timer running before save(), so that it sees the capture
  let t = performance.now();
  const saving = engine.save(file);
  const captureMs = performance.now() - t;
  let done = false;
  const finished = saving.then(() => {
    done = true;
  });
  let writes = 0;
  let slowestTurnMs = 0;
  const queryMs: number[] = [];
  while (!done) {
    await nextTurn();
    const t0 = performance.now();
    for (const due = ((t0 - t) * LINKS_PER_SECOND) / 1000; writes < due; writes++) {
      const kind = writes % values.length;
      const pool = values[kind];
      const value = random() < 0.5 ? pool[Math.floor(random() * pool.length)] : `snap-${writes}`;
      engine.link(`snap_${writes >>> 2}`, KINDS[kind], value, now + writes);
    }
    const t1 = performance.now();
    engine.traverse(sample[queryMs.length % sample.length], { depth: 3 });
    const t2 = performance.now();
    queryMs.push(t2 - t1);
    slowestTurnMs = Math.max(slowestTurnMs, t2 - t0);
  }
  await finished;
  const totalMs = performance.now() - t;
  delay.disable();

  t = performance.now();
  const loaded = GraphEngine.load(file);
  const loadMs = performance.now() - t;
  rmSync(file, { force: true });
  if (loaded.stats().links !== links)
    throw new Error(`snapshot holds ${loaded.stats().links} links, ${links} expected`);
  checked.forEach((id, k) => {
    const nodes = loaded.traverse(id, { depth: 3 })!.nodes;
    if (nodes.length !== before[k].length || nodes.some((v, j) => v !== before[k][j]))
      throw new Error(`snapshot differs for ${id} from the graph when save() was called`);
  });
  queryMs.sort((a, b) => a - b);
  return {
    snapshotMaxLoopDelayMs: +(delay.max / 1e6).toFixed(1),
    snapshotLoopDelayP99Ms: +(delay.percentile(99) / 1e6).toFixed(1),
    snapshotCaptureMs: +captureMs.toFixed(1),
    snapshotTotalMs: Math.round(totalMs),
    snapshotWrites: writes,
    snapshotQueryP99Ms: +percentile(queryMs, 0.99).toFixed(3),
    snapshotSlowestTurnMs: +slowestTurnMs.toFixed(1),
    snapshotLinks: links,
    loadMs: Math.round(loadMs),
  };
}

/** One line for the bench's log. */
export function describeSnapshot(f: SnapshotFigures): string {
  return (
    `snapshot of ${f.snapshotLinks} links while ${f.snapshotWrites} links were made: capture ${f.snapshotCaptureMs} ms, ` +
    `written in ${f.snapshotTotalMs} ms, longest event-loop delay ${f.snapshotMaxLoopDelayMs} ms (p99 ${f.snapshotLoopDelayP99Ms} ms), ` +
    `depth-3 p99 meanwhile ${f.snapshotQueryP99Ms} ms, slowest turn of links and a query ${f.snapshotSlowestTurnMs} ms; load ${f.loadMs} ms`
  );
}

if (import.meta.main) {
  const { values: args } = parseArgs({
    options: {
      customers: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '7' },
      inserts: { type: 'string', default: '500000' },
    },
  });
  const customers = Number(args.customers);
  const seed = Number(args.seed);
  const data = generate(customers, seed);
  const engine = new GraphEngine({ compactRatio: Infinity, capacity: customers * 3, linkCapacity: data.links });
  for (let l = 0; l < data.links; l++) {
    const kind = data.linkKind[l];
    engine.link(
      data.customerIds[data.linkCustomer[l]],
      KINDS[kind],
      data.values[kind][data.linkValue[l]],
      data.linkAt[l],
    );
  }
  for (const c of data.fraudsters) engine.setCustomer(data.customerIds[c], { label: 'FRAUDSTER' });
  engine.compact();
  // Live links after the compaction, as bench:engine's live phase makes them: they sit in the delta.
  const random = mulberry32(seed + 2);
  for (let k = 0; k < Number(args.inserts); k++) {
    const kind = Math.floor(random() * 4);
    const pool = data.values[kind];
    const value = random() < 0.5 ? pool[Math.floor(random() * pool.length)] : `new-${k}`;
    engine.link(`live_${k >>> 2}`, KINDS[kind], value, Date.UTC(2026, 0, 1) + k);
  }
  const pick = mulberry32(seed + 1);
  const sample = Array.from({ length: 1000 }, () => data.customerIds[Math.floor(pick() * customers)]);
  const figures = await snapshotUnderLoad(engine, sample, data.values.slice(0, 4), seed);
  console.log(describeSnapshot(figures));
  // Before, in the same process: the former save() held the loop for a whole compact() and then
  // wrote the file synchronously. Timed here as those two steps on this graph and its file's bytes.
  const file = join(tmpdir(), `snapshot-pause-${process.pid}-before.graph`);
  let t = performance.now();
  engine.compact();
  const compactMs = performance.now() - t;
  await engine.save(file);
  const bytes = readFileSync(file);
  t = performance.now();
  writeFileAtomic(file, [bytes]);
  const syncWriteMs = performance.now() - t;
  rmSync(file, { force: true });
  const beforePauseMs = Math.round(compactMs + syncWriteMs);
  console.log(
    `before: compact() ${Math.round(compactMs)} ms + synchronous write of ${bytes.length} bytes ${Math.round(syncWriteMs)} ms = a ${beforePauseMs} ms pause`,
  );
  console.log(JSON.stringify({ bench: 'snapshot-pause', customers, ...figures, beforePauseMs }));
}
