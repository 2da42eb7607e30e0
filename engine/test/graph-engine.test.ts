// Runs the specification on every way the engine holds its graph, then the engine-specific parts:
// the change feed, tenant separation and snapshot validation.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GraphEngine, SNAPSHOT_MAGIC } from '../src/index.ts';
import type { ChangeEvent } from '../src/index.ts';
import { graphEngineSpec } from './spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'engine-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const roundTrip = async (engine: GraphEngine): Promise<GraphEngine> => {
  const file = join(dir, `spec-${files++}.snap`);
  await engine.save(file);
  return GraphEngine.load(file);
};
const T = Date.UTC(2026, 0, 1);

graphEngineSpec('live links in the delta', { create: () => new GraphEngine(), settle: (g) => g });
graphEngineSpec('compacted CSR', {
  create: () => new GraphEngine(),
  settle: (g) => {
    g.compact();
    return g;
  },
});
graphEngineSpec('compacting on every write', {
  create: () => new GraphEngine({ compactMin: 0, compactRatio: 0 }),
  settle: (g) => g,
});
graphEngineSpec('folding one node per write', {
  create: () => new GraphEngine({ compactMin: 0, compactRatio: 0, foldWork: 1 }),
  settle: (g) => g,
});
graphEngineSpec('restored from a snapshot', { create: () => new GraphEngine(), settle: roundTrip });

describe('change feed', () => {
  it('calls subscribers with links, repeats, unlinks and attribute changes, until unsubscribed', () => {
    const g = new GraphEngine();
    const events: ChangeEvent[] = [];
    const unsubscribe = g.subscribe((e) => events.push(e));
    g.link('a', 'Email', 'A@X.com', T);
    g.link('a', 'email', 'a@x.com', T + 2000);
    g.setCustomer('a', { label: 'FRAUDSTER', score: 0.5 });
    g.unlink('a', 'email', 'a@x.com', T + 3000);
    unsubscribe();
    g.link('b', 'email', 'b@x.com', T);
    assert.deepEqual(events, [
      {
        type: 'link',
        customerId: 'a',
        kind: 'email',
        value: 'a@x.com',
        at: T,
        firstSeen: T,
        lastSeen: T,
        count: 1,
        created: true,
      },
      {
        type: 'link',
        customerId: 'a',
        kind: 'email',
        value: 'a@x.com',
        at: T + 2000,
        firstSeen: T,
        lastSeen: T + 2000,
        count: 2,
        created: false,
      },
      { type: 'customer', customerId: 'a', label: 'FRAUDSTER', score: 0.5 },
      { type: 'unlink', customerId: 'a', kind: 'email', value: 'a@x.com', at: T + 3000 },
    ]);
  });

  it('serves the feed as an async iterator that ends on abort', async () => {
    const g = new GraphEngine();
    const controller = new AbortController();
    const seen: string[] = [];
    const reader = (async () => {
      for await (const e of g.changes({ signal: controller.signal })) {
        seen.push(e.type === 'customer' ? `customer:${e.customerId}` : `${e.type}:${e.customerId}`);
        if (seen.length === 3) controller.abort();
      }
    })();
    g.link('a', 'ip', '1.1.1.1', T);
    await new Promise((resolve) => setImmediate(resolve));
    g.setCustomer('b', { action: 'REVIEW' });
    g.link('c', 'ip', '1.1.1.1', T);
    g.link('d', 'ip', '1.1.1.1', T); // after the abort: not delivered
    await reader;
    assert.deepEqual(seen, ['link:a', 'customer:b', 'link:c']);
  });
});

describe('folds (compaction spread over writes)', () => {
  const ids = (g: GraphEngine, c: string): string[] => g.network(c)!.nodes.map((n) => n.id);

  it('keeps a link unlinked while a fold is copying it out of the delta', () => {
    const g = new GraphEngine({ compactMin: 0, compactRatio: 0, foldWork: 1 });
    g.link('c1', 'email', 'a@x.io', T); // starts a fold of c1, email:a@x.io and their link
    g.link('c2', 'email', 'a@x.io', T); // the fold copies c1 with its link
    assert.equal(g.unlink('c1', 'email', 'a@x.io'), true); // then the link goes
    g.link('c3', 'email', 'b@x.io', T); // the fold finishes; c1's copy of the link is a tombstone
    assert.equal(g.stats().deltaLinks, 2, 'the fold swapped in, keeping only the links made since it began');
    assert.deepEqual(ids(g, 'c1'), ['c:c1']);
    assert.deepEqual(ids(g, 'c2'), ['c:c2', 'email:a@x.io']);
    assert.equal(g.path('c1', 'c2'), null);
    assert.deepEqual(g.component('c1'), { customers: 1, identifiers: 0, fraudsters: 0, share: 0, truncated: false });
  });

  it('answers from the old base and delta until the fold swaps in, and the same after', () => {
    const g = new GraphEngine({ compactMin: 10, compactRatio: 0.1, foldWork: 3 });
    const whole = new GraphEngine({ compactRatio: Infinity });
    const link = (k: number): void => {
      // (k mod 97, 7k mod 89) never repeats below 8,633 links: every link is new and grows the delta
      for (const engine of [g, whole]) engine.link(`c${k % 97}`, k % 3 ? 'device' : 'ip', `v${(k * 7) % 89}`, T + k);
    };
    let folds = 0;
    for (let k = 0; k < 400; k++) {
      link(k);
      if (g.stats().folding) folds++;
      if (k % 20 === 19) assert.deepEqual(ids(g, `c${k % 97}`), ids(whole, `c${k % 97}`), `after ${k + 1} links`);
    }
    assert.ok(folds > 50, `writes spent ${folds} steps folding`);
    let k = 400;
    while (!g.stats().folding) link(k++);
    g.compact(); // an explicit compaction drops the fold in progress and does the whole job
    assert.equal(g.stats().folding, false);
    for (const end = k + 60; k < end; k++) link(k);
    for (let c = 0; c < 97; c += 7) assert.deepEqual(ids(g, `c${c}`), ids(whole, `c${c}`));
  });
});

describe('fold() for hosts', () => {
  it('starts and advances a fold on request, and finishes it in one call when asked', () => {
    const g = new GraphEngine({ compactRatio: Infinity });
    assert.equal(g.fold(), false, 'nothing to fold');
    for (let k = 0; k < 50; k++) g.link(`c${k}`, 'ip', `10.0.0.${k % 7}`, T + k);
    assert.equal(g.fold(0), true, 'started, nothing copied yet');
    assert.equal(g.stats().deltaLinks, 50);
    while (g.fold(5));
    assert.deepEqual(g.stats(), { ...g.stats(), deltaLinks: 0, folding: false });
    assert.deepEqual(
      g.network('c0')!.nodes.map((n) => n.id),
      ['c:c0', 'ip:10.0.0.0', 'c:c7', 'c:c14', 'c:c21', 'c:c28', 'c:c35', 'c:c42', 'c:c49'],
    );
    g.link('c99', 'ip', '10.0.0.0', T);
    assert.equal(g.fold(), false, 'a whole fold in one call');
    assert.equal(g.stats().deltaLinks, 0);
  });
});

describe('tenants', () => {
  it('two engines share no nodes, even for the same ids', () => {
    const tenants = new Map([
      ['t1', new GraphEngine()],
      ['t2', new GraphEngine()],
    ]);
    tenants.get('t1')!.link('a', 'email', 'shared@x.com', T);
    tenants.get('t2')!.link('b', 'email', 'shared@x.com', T);
    tenants.get('t2')!.link('a', 'phone', '+1', T);
    assert.deepEqual(
      tenants
        .get('t1')!
        .network('a', { depth: 6 })!
        .nodes.map((n) => n.id),
      ['c:a', 'email:shared@x.com'],
    );
    assert.equal(tenants.get('t1')!.network('b'), null);
    assert.deepEqual(
      tenants
        .get('t2')!
        .network('a', { depth: 6 })!
        .nodes.map((n) => n.id),
      ['c:a', 'phone:+1'],
    );
    assert.equal(tenants.get('t1')!.stats().links, 1);
  });
});

describe('snapshot files', () => {
  const sample = async (): Promise<string> => {
    const g = new GraphEngine();
    for (let k = 0; k < 200; k++) g.link(`c${k}`, k % 2 ? 'email' : 'device', `v${k % 37}`, T + k * 1000);
    g.setCustomer('c3', { label: 'FRAUDSTER', score: 0.25 });
    const file = join(dir, `sample-${files++}.snap`);
    await g.save(file);
    return file;
  };

  it('round-trips the graph, attributes and component figures, and saves atomically', async () => {
    const file = await sample();
    const g = GraphEngine.load(file);
    assert.equal(g.stats().links, 200);
    assert.equal(g.network('c3')!.nodes[0].label, 'FRAUDSTER');
    assert.equal(g.component('c3')!.fraudsters, 1);
    assert.equal(readFileSync(file).toString('latin1', 0, 8), SNAPSHOT_MAGIC);
    await g.save(file); // overwrite in place through a temporary file
    assert.equal(GraphEngine.load(file).stats().links, 200);
  });

  it('rejects a flipped byte with a checksum error', async () => {
    const file = await sample();
    const bytes = readFileSync(file);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(file, bytes);
    assert.throws(() => GraphEngine.load(file), /checksum mismatch/);
  });

  it('rejects truncated files, naming the expected size', async () => {
    const file = await sample();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    assert.throws(() => GraphEngine.load(file), /truncated: \d+ bytes, expected \d+/);
    writeFileSync(file, bytes.subarray(0, 10));
    assert.throws(() => GraphEngine.load(file), /truncated: 10 bytes, the header alone needs 32/);
    writeFileSync(file, Buffer.concat([bytes, Buffer.from('junk')]));
    assert.throws(() => GraphEngine.load(file), /4 unexpected bytes after the end/);
  });

  it('rejects foreign files and unknown versions', async () => {
    const file = join(dir, 'foreign.snap');
    writeFileSync(file, Buffer.alloc(64, 1));
    assert.throws(() => GraphEngine.load(file), /not a Redoubt graph snapshot/);
    const good = readFileSync(await sample());
    good.writeUInt32LE(99, 8);
    writeFileSync(file, good);
    assert.throws(() => GraphEngine.load(file), /unsupported format version 99/);
    assert.throws(() => GraphEngine.load(join(dir, 'missing.snap')), /ENOENT/);
  });
});
