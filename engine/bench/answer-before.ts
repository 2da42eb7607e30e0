// networkColumns() as it was at the end of session 5 (engine/src/answer.ts and traversal.ts at
// commit d27d476), kept for answer-variants.ts to time against the current one in the same process.
// Its arrays are its own, so the two never share scratch space.
import { DEAD } from '../src/csr.ts';
import { grown } from '../src/growable.ts';
import { CUSTOMER } from '../src/ids.ts';
import { NO_AS_OF, headroom, toSeconds } from '../src/state.ts';
import type { EngineState } from '../src/state.ts';
import { DEFAULT_NETWORK_CAP } from '../src/traversal.ts';
import type { NetworkColumns, NetworkOptions } from '../src/types.ts';
import { traverseBefore as traverse } from './traversal-before.ts';

/** Reused arrays behind NetworkColumns (grown on demand, never shrunk), and node id -> index in the answer. */
type AnswerArrays = { position: Int32Array } & Pick<
  NetworkColumns,
  | 'kind'
  | 'depth'
  | 'degree'
  | 'label'
  | 'action'
  | 'score'
  | 'keyStart'
  | 'keyEnd'
  | 'edgeSource'
  | 'edgeTarget'
  | 'firstSeen'
  | 'lastSeen'
  | 'count'
>;

let arrays: AnswerArrays | undefined;

/** The answer arrays, sized for `size` nodes in a graph of `nodes` nodes. */
function answerArrays(s: EngineState, size: number, nodes: number): AnswerArrays {
  let a = arrays;
  if (!a) {
    const none = 0;
    a = arrays = {
      position: new Int32Array(none),
      kind: new Uint8Array(none),
      depth: new Int32Array(none),
      degree: new Int32Array(none),
      label: new Uint8Array(none),
      action: new Uint8Array(none),
      score: new Float64Array(none),
      keyStart: new Uint32Array(none),
      keyEnd: new Uint32Array(none),
      edgeSource: new Int32Array(1024),
      edgeTarget: new Int32Array(1024),
      firstSeen: new Uint32Array(1024),
      lastSeen: new Uint32Array(1024),
      count: new Uint16Array(1024),
    };
  }
  if (a.position.length < nodes) a.position = new Int32Array(headroom(nodes));
  if (a.kind.length < size) {
    const n = Math.max(size, a.kind.length * 2, 1024);
    a.kind = new Uint8Array(n);
    a.depth = new Int32Array(n);
    a.degree = new Int32Array(n);
    a.label = new Uint8Array(n);
    a.action = new Uint8Array(n);
    a.score = new Float64Array(n);
    a.keyStart = new Uint32Array(n);
    a.keyEnd = new Uint32Array(n);
  }
  return a;
}

function growEdgeArrays(a: AnswerArrays, min: number): void {
  const n = Math.max(min, a.edgeSource.length * 2);
  a.edgeSource = grown(a.edgeSource, n);
  a.edgeTarget = grown(a.edgeTarget, n);
  a.firstSeen = grown(a.firstSeen, n);
  a.lastSeen = grown(a.lastSeen, n);
  a.count = grown(a.count, n);
}

/**
 * The network of a known customer as columns. The arrays are the engine's and are overwritten by
 * its next query or write: read (or serialise) the answer before calling the engine again.
 */
export function networkColumnsBefore(s: EngineState, start: number, options: NetworkOptions): NetworkColumns {
  const asOf = options.asOf === undefined ? NO_AS_OF : toSeconds(options.asOf, 'asOf');
  const nodeCount = traverse(s, start, options, options.maxNodes ?? DEFAULT_NETWORK_CAP);
  const included = s.epoch; // traverse() stamps included nodes with the current epoch
  const a = answerArrays(s, nodeCount, s.ids.count);
  const { position, kind, depth, degree, label, action, score, keyStart, keyEnd } = a;
  const queue = s.queue;
  const ends = s.depthEnds;
  const { nodeKind, meta, visit, edgeFirst, edgeLast, edgeCount } = s;
  const scores = s.score;
  const adj = s.adj;
  const { offsets, targets, slotEdges, baseNodes, head, dNext, dTarget, dEdge } = adj;
  const { starts, pool: keyBytes } = s.ids.keys();
  const exactDegrees = s.deadSlots === 0; // else tombstones must be skipped one by one
  let level = 0;
  for (let k = 0; k < nodeCount; k++) {
    while (k >= ends[level]) level++;
    const v = queue[k];
    position[v] = k;
    const kv = nodeKind[v];
    kind[k] = kv;
    depth[k] = level;
    keyStart[k] = starts[v] + 1; // after the key's kind byte
    keyEnd[k] = starts[v + 1];
    let d = 0;
    if (exactDegrees) {
      d = v < baseNodes ? offsets[v + 1] - offsets[v] : 0;
      for (let j = head[v]; j >= 0; j = dNext[j]) d++;
    } else {
      if (v < baseNodes)
        for (let j = offsets[v], end = offsets[v + 1]; j < end; j++) d += +(edgeFirst[slotEdges[j]] !== DEAD);
      for (let j = head[v]; j >= 0; j = dNext[j]) d += +(edgeFirst[dEdge[j]] !== DEAD);
    }
    degree[k] = d;
    if (kv === CUSTOMER) {
      const m = meta[v];
      label[k] = m & 15;
      action[k] = m >>> 4;
      const sc = scores[v];
      score[k] = Number.isNaN(sc) ? NaN : Math.round(sc * 1e6) / 1e6;
    } else {
      label[k] = 0;
      action[k] = 0;
      score[k] = NaN;
    }
  }
  // Edges: the links (passing asOf) of each customer in the answer to identifiers in the answer,
  // customers in breadth-first order, each one's links oldest first (base slots, then the delta).
  // A tombstone's firstSeen (DEAD) fails every asOf test.
  let edges = 0;
  for (let k = 0; k < nodeCount; k++) {
    if (kind[k] !== CUSTOMER) continue;
    const c = queue[k];
    if (c < baseNodes) {
      for (let j = offsets[c], end = offsets[c + 1]; j < end; j++) {
        const w = targets[j];
        const e = slotEdges[j];
        if (visit[w] !== included || edgeFirst[e] > asOf) continue;
        if (edges === a.edgeSource.length) growEdgeArrays(a, edges + 1);
        a.edgeSource[edges] = k;
        a.edgeTarget[edges] = position[w];
        a.firstSeen[edges] = edgeFirst[e];
        a.lastSeen[edges] = edgeLast[e];
        a.count[edges++] = edgeCount[e];
      }
    }
    if (head[c] >= 0) {
      // The delta list runs newest first: count it, then fill its slice of the output backwards.
      let n = 0;
      for (let j = head[c]; j >= 0; j = dNext[j]) {
        const w = dTarget[j];
        if (visit[w] === included && edgeFirst[dEdge[j]] <= asOf) n++;
      }
      if (edges + n > a.edgeSource.length) growEdgeArrays(a, edges + n);
      let at = edges + n;
      for (let j = head[c]; j >= 0; j = dNext[j]) {
        const w = dTarget[j];
        const e = dEdge[j];
        if (visit[w] !== included || edgeFirst[e] > asOf) continue;
        at--;
        a.edgeSource[at] = k;
        a.edgeTarget[at] = position[w];
        a.firstSeen[at] = edgeFirst[e];
        a.lastSeen[at] = edgeLast[e];
        a.count[at] = edgeCount[e];
      }
      edges += n;
    }
  }
  return {
    nodeCount,
    nodes: queue,
    kind,
    depth,
    degree,
    label,
    action,
    score,
    keyBytes,
    keyStart,
    keyEnd,
    kindNames: s.kindNames,
    labels: s.labels,
    actions: s.actions,
    edgeCount: edges,
    edgeSource: a.edgeSource,
    edgeTarget: a.edgeTarget,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    count: a.count,
    truncated: s.truncated,
    component: s.componentStats(start),
  };
}
