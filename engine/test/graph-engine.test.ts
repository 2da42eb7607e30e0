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
const roundTrip = (engine: GraphEngine): GraphEngine => {
  const file = join(dir, `spec-${files++}.snap`);
  engine.save(file);
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
  const sample = (): string => {
    const g = new GraphEngine();
    for (let k = 0; k < 200; k++) g.link(`c${k}`, k % 2 ? 'email' : 'device', `v${k % 37}`, T + k * 1000);
    g.setCustomer('c3', { label: 'FRAUDSTER', score: 0.25 });
    const file = join(dir, `sample-${files++}.snap`);
    g.save(file);
    return file;
  };

  it('round-trips the graph, attributes and component figures, and saves atomically', () => {
    const file = sample();
    const g = GraphEngine.load(file);
    assert.equal(g.stats().links, 200);
    assert.equal(g.network('c3')!.nodes[0].label, 'FRAUDSTER');
    assert.equal(g.component('c3')!.fraudsters, 1);
    assert.equal(readFileSync(file).toString('latin1', 0, 8), SNAPSHOT_MAGIC);
    g.save(file); // overwrite in place through a temporary file
    assert.equal(GraphEngine.load(file).stats().links, 200);
  });

  it('rejects a flipped byte with a checksum error', () => {
    const file = sample();
    const bytes = readFileSync(file);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(file, bytes);
    assert.throws(() => GraphEngine.load(file), /checksum mismatch/);
  });

  it('rejects truncated files, naming the expected size', () => {
    const file = sample();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    assert.throws(() => GraphEngine.load(file), /truncated: \d+ bytes, expected \d+/);
    writeFileSync(file, bytes.subarray(0, 10));
    assert.throws(() => GraphEngine.load(file), /truncated: 10 bytes, the header alone needs 32/);
    writeFileSync(file, Buffer.concat([bytes, Buffer.from('junk')]));
    assert.throws(() => GraphEngine.load(file), /4 unexpected bytes after the end/);
  });

  it('rejects foreign files and unknown versions', () => {
    const file = join(dir, 'foreign.snap');
    writeFileSync(file, Buffer.alloc(64, 1));
    assert.throws(() => GraphEngine.load(file), /not a Redoubt graph snapshot/);
    const good = readFileSync(sample());
    good.writeUInt32LE(99, 8);
    writeFileSync(file, good);
    assert.throws(() => GraphEngine.load(file), /unsupported format version 99/);
    assert.throws(() => GraphEngine.load(join(dir, 'missing.snap')), /ENOENT/);
  });
});
