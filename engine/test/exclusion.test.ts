// Shared infrastructure in the engine: paths never enter excluded nodes (as network() does not),
// and sameComponent() answers from union-find, through new links and after an unlink.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphEngine } from '../src/index.ts';

const T = Date.UTC(2026, 0, 1);

function ring(): GraphEngine {
  // ann -ip- bob -card- cat(FRAUDSTER); ann -email- dan -phone- cat: two chains to cat.
  const g = new GraphEngine();
  g.link('ann', 'ip', '10.0.0.1', T);
  g.link('bob', 'ip', '10.0.0.1', T);
  g.link('bob', 'card', 'tok_1', T);
  g.link('cat', 'card', 'tok_1', T);
  g.link('ann', 'email', 'a@x.test', T);
  g.link('dan', 'email', 'a@x.test', T);
  g.link('dan', 'phone', '+441', T);
  g.link('cat', 'phone', '+441', T);
  g.link('eve', 'device', 'd-9', T);
  g.setCustomer('cat', { label: 'FRAUDSTER' });
  return g;
}

describe('exclusion in paths', () => {
  it('a path between customers goes round an excluded identifier, or there is none', () => {
    const g = ring();
    const shortest = g.path('ann', 'cat')!;
    assert.equal(shortest.hops, 4);
    const round = g.path('ann', 'cat', { excludeValues: ['ip:10.0.0.1'] })!;
    assert.ok(round.nodes.every((n) => n.id !== 'ip:10.0.0.1'));
    assert.deepEqual(
      round.nodes.map((n) => n.id),
      ['c:ann', 'email:a@x.test', 'c:dan', 'phone:+441', 'c:cat'],
    );
    assert.equal(g.path('ann', 'cat', { excludeValues: ['ip:10.0.0.1', 'email:A@X.TEST'] }), null);
    assert.equal(g.path('ann', 'bob', { excludeValues: ['ip:10.0.0.1', 'email:a@x.test'] }), null);
  });

  it('the nearest-label path honours exclusions too', () => {
    const g = ring();
    const viaDan = g.path('ann', { nearestLabel: 'FRAUDSTER' }, { excludeValues: ['card:tok_1'] })!;
    assert.ok(viaDan.nodes.some((n) => n.id === 'c:dan'));
    assert.equal(g.path('ann', { nearestLabel: 'FRAUDSTER' }, { excludeValues: ['card:tok_1', 'phone:+441'] }), null);
  });
});

describe('sameComponent', () => {
  it('answers from union-find for customers and identifiers, and after links and unlinks', () => {
    const g = ring();
    assert.equal(g.sameComponent('c:ann', 'c:cat'), true);
    assert.equal(g.sameComponent('c:ann', 'phone:+441'), true);
    assert.equal(g.sameComponent('c:ann', 'c:eve'), false);
    assert.equal(g.sameComponent('c:ann', 'c:nobody'), false);
    g.link('eve', 'card', 'tok_1', T);
    assert.equal(g.sameComponent('c:ann', 'c:eve'), true);
    g.unlink('eve', 'card', 'tok_1', T);
    assert.equal(g.sameComponent('c:ann', 'c:eve'), false);
    g.compact();
    assert.equal(g.sameComponent('device:d-9', 'c:eve'), true);
  });
});

describe('componentKey', () => {
  it('names components; a key lasts until its component merges, an unlink or a compaction', () => {
    const g = ring();
    const gen = g.componentGeneration;
    const ann = g.componentKey('c:ann');
    assert.equal(g.componentKey('c:cat'), ann);
    assert.notEqual(g.componentKey('c:eve'), ann);
    assert.equal(g.componentKey('c:nobody'), -1);
    assert.equal(g.isComponentKey(ann, gen), true);
    const eve = g.componentKey('c:eve');
    // Eve's component joins Ann's: one of the two keys stops naming a component.
    g.link('eve', 'card', 'tok_1', T);
    assert.equal(g.componentKey('c:eve'), g.componentKey('c:ann'));
    assert.equal(g.isComponentKey(ann, gen) && g.isComponentKey(eve, gen), false);
    const merged = g.componentKey('c:ann');
    assert.equal(g.isComponentKey(merged, gen), true);
    g.unlink('eve', 'card', 'tok_1', T);
    assert.equal(g.isComponentKey(merged, gen), false, 'an unlink ends every key');
    const after = g.componentGeneration;
    assert.equal(g.isComponentKey(g.componentKey('c:ann'), after), true);
    g.compact();
    assert.equal(g.isComponentKey(g.componentKey('c:ann'), after), false, 'so does a compaction');
  });
});
