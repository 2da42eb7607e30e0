// The network answer, columnar: what network() returns, as typed arrays reused by every query plus
// the engine's string tables, built in one pass over the traversal's queue and one scan of the
// answer's customers' links. No object, string or closure per node or edge: keys stay UTF-8 bytes
// in the key pool until a caller decodes one (key()) or copies them into JSON (network-json.ts).
// network() builds its objects from these columns.
import { DEAD } from './csr.ts';
import { CUSTOMER } from './ids.ts';
import { NO_AS_OF, headroom, toSeconds } from './state.ts';
import type { EngineState } from './state.ts';
import { DEFAULT_NETWORK_CAP, traverse } from './traversal.ts';
import type { Network, NetworkColumns, NetworkEdge, NetworkNode, NetworkOptions } from './types.ts';

/**
 * Reused arrays behind NetworkColumns (grown on demand, never shrunk), node id -> index in the
 * answer, and the edge ids of the answer's edges.
 */
export type AnswerArrays = { position: Int32Array; edgeId: Int32Array } & Pick<
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

/** The state's answer arrays, sized for `size` nodes in a graph of `nodes` nodes. */
function answerArrays(s: EngineState, size: number, nodes: number): AnswerArrays {
  let a = s.answer;
  if (!a) {
    const none = 0;
    a = s.answer = {
      position: new Int32Array(none),
      kind: new Uint8Array(none),
      depth: new Int32Array(none),
      degree: new Int32Array(none),
      label: new Uint8Array(none),
      action: new Uint8Array(none),
      score: new Float64Array(none),
      keyStart: new Uint32Array(none),
      keyEnd: new Uint32Array(none),
      edgeId: new Int32Array(none),
      edgeSource: new Int32Array(none),
      edgeTarget: new Int32Array(none),
      firstSeen: new Uint32Array(none),
      lastSeen: new Uint32Array(none),
      count: new Uint16Array(none),
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

/** Sizes the edge arrays for `links` edges. */
function edgeArrays(a: AnswerArrays, links: number): AnswerArrays {
  if (a.edgeId.length < links) {
    const n = Math.max(links, a.edgeId.length * 2, 1024);
    a.edgeId = new Int32Array(n);
    a.edgeSource = new Int32Array(n);
    a.edgeTarget = new Int32Array(n);
    a.firstSeen = new Uint32Array(n);
    a.lastSeen = new Uint32Array(n);
    a.count = new Uint16Array(n);
  }
  return a;
}

/**
 * The network of a known customer as columns. The arrays are the engine's and are overwritten by
 * its next query or write: read (or serialise) the answer before calling the engine again.
 *
 * Speed: at 1M customers nearly every read of a node or edge column is a cache miss, so the work
 * is split into short loops, one or two columns each, rather than one loop doing everything per
 * node: a short loop body lets the processor run many iterations ahead and wait for many misses
 * at once. That pays on plain arrays, which compact() leaves (growable.ts): through views of
 * resizable buffers the same gathers take about twice as long (engine/bench/resizable-gather.ts).
 * engine/bench/answer-variants.ts times this against the one-loop version on resizable columns
 * (session 5's).
 */
export function networkColumns(s: EngineState, start: number, options: NetworkOptions): NetworkColumns {
  const asOf = options.asOf === undefined ? NO_AS_OF : toSeconds(options.asOf, 'asOf');
  const nodeCount = traverse(s, start, options, options.maxNodes ?? DEFAULT_NETWORK_CAP);
  const included = s.epoch; // traverse() stamps included nodes with the current epoch
  const queue = s.queue;
  const ends = s.depthEnds;
  const { nodeKind, meta, visit, edgeFirst, edgeLast, edgeCount } = s;
  const scores = s.score;
  const adj = s.adj;
  const { offsets, targets, slotEdges, baseNodes, head, dNext, dTarget, dEdge, hasDelta: deltaBits } = adj;
  const hasDelta = adj.deltaSize > 0;
  const { starts, pool: keyBytes } = s.ids.keys();
  // Tombstones (unlinked links not yet compacted) are skipped one by one; an asOf filters edges.
  const exactDegrees = s.deadSlots === 0;
  const checkEdges = asOf !== NO_AS_OF || !exactDegrees;
  const a = answerArrays(s, nodeCount, s.ids.count);
  const { position, kind, depth, degree, label, action, score, keyStart, keyEnd } = a;

  // Levels: the graph is bipartite and the search starts at a customer, so even levels are
  // customers and odd ones identifiers.
  for (let d = 0, from = 0; d < ends.length; from = ends[d++]) {
    depth.fill(d, from, ends[d]);
    if (d % 2 === 0) kind.fill(CUSTOMER, from, ends[d]);
    else for (let k = from; k < ends[d]; k++) kind[k] = nodeKind[queue[k]];
  }
  for (let k = 0; k < nodeCount; k++) position[queue[k]] = k;
  for (let k = 0; k < nodeCount; k++) {
    const v = queue[k];
    keyStart[k] = starts[v] + 1; // after the key's kind byte
    keyEnd[k] = starts[v + 1];
  }
  // Degrees: live links, whatever the query's filters.
  let customerLinks = 0; // bounds the edge count
  for (let k = 0; k < nodeCount; k++) {
    const v = queue[k];
    let d = 0;
    if (exactDegrees) {
      if (v < baseNodes) d = offsets[v + 1] - offsets[v];
      if (hasDelta && (deltaBits[v >>> 5] & (1 << (v & 31))) !== 0) for (let j = head[v]; j >= 0; j = dNext[j]) d++;
    } else {
      if (v < baseNodes)
        for (let j = offsets[v], end = offsets[v + 1]; j < end; j++) d += +(edgeFirst[slotEdges[j]] !== DEAD);
      for (let j = head[v]; j >= 0; j = dNext[j]) d += +(edgeFirst[dEdge[j]] !== DEAD);
    }
    degree[k] = d;
    if (kind[k] === CUSTOMER) customerLinks += d;
  }
  for (let d = 0, from = 0; d < ends.length; from = ends[d++]) {
    if (d % 2 === 0) {
      for (let k = from; k < ends[d]; k++) {
        const m = meta[queue[k]];
        label[k] = m & 15;
        action[k] = m >>> 4;
      }
      for (let k = from; k < ends[d]; k++) {
        const sc = scores[queue[k]];
        score[k] = Number.isNaN(sc) ? NaN : Math.round(sc * 1e6) / 1e6;
      }
    } else {
      label.fill(0, from, ends[d]);
      action.fill(0, from, ends[d]);
      score.fill(NaN, from, ends[d]);
    }
  }

  // Edges: the links (passing asOf) of each customer in the answer to identifiers in the answer,
  // customers in breadth-first order, each one's links oldest first (base slots, then the delta).
  // A tombstone's firstSeen (DEAD) fails every asOf test. First the edge ids and ends, then their
  // times and counts in one short loop.
  const { edgeId, edgeSource, edgeTarget, firstSeen, lastSeen, count } = edgeArrays(a, customerLinks);
  let edges = 0;
  for (let d = 0; d < ends.length; d += 2) {
    for (let k = d === 0 ? 0 : ends[d - 1]; k < ends[d]; k++) {
      const c = queue[k];
      if (c < baseNodes) {
        for (let j = offsets[c], end = offsets[c + 1]; j < end; j++) {
          const w = targets[j];
          if (visit[w] !== included) continue;
          const e = slotEdges[j];
          if (checkEdges && edgeFirst[e] > asOf) continue;
          edgeId[edges] = e;
          edgeSource[edges] = k;
          edgeTarget[edges++] = position[w];
        }
      }
      if (hasDelta && (deltaBits[c >>> 5] & (1 << (c & 31))) !== 0) {
        // The delta list runs newest first: count it, then fill its slice of the output backwards.
        let n = 0;
        for (let j = head[c]; j >= 0; j = dNext[j]) {
          if (visit[dTarget[j]] === included && !(checkEdges && edgeFirst[dEdge[j]] > asOf)) n++;
        }
        let at = edges + n;
        for (let j = head[c]; j >= 0; j = dNext[j]) {
          const w = dTarget[j];
          const e = dEdge[j];
          if (visit[w] !== included || (checkEdges && edgeFirst[e] > asOf)) continue;
          edgeId[--at] = e;
          edgeSource[at] = k;
          edgeTarget[at] = position[w];
        }
        edges += n;
      }
    }
  }
  for (let j = 0; j < edges; j++) firstSeen[j] = edgeFirst[edgeId[j]];
  for (let j = 0; j < edges; j++) lastSeen[j] = edgeLast[edgeId[j]];
  for (let j = 0; j < edges; j++) count[j] = edgeCount[edgeId[j]];
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
    edgeSource,
    edgeTarget,
    firstSeen,
    lastSeen,
    count,
    truncated: s.truncated,
    component: s.componentStats(start),
  };
}

/** Node k's key (customer id or identifier value), decoded from the key pool. */
export function keyOf(columns: NetworkColumns, k: number): string {
  return columns.keyBytes.toString('utf8', columns.keyStart[k], columns.keyEnd[k]);
}

/** network(): the columns as objects, each node id built once. */
export function networkObjects(columns: NetworkColumns): Network {
  const { nodeCount, kind, depth, degree, label, action, score, kindNames, labels, actions } = columns;
  const nodes: NetworkNode[] = new Array(nodeCount);
  const ids: string[] = new Array(nodeCount);
  for (let k = 0; k < nodeCount; k++) {
    const key = keyOf(columns, k);
    let node: NetworkNode;
    if (kind[k] === CUSTOMER) {
      node = { id: `c:${key}`, type: 'customer', key, depth: depth[k], degree: degree[k] };
      if (label[k] !== 0) node.label = labels[label[k]];
      if (action[k] !== 0) node.action = actions[action[k]];
      if (!Number.isNaN(score[k])) node.score = score[k];
    } else {
      const kindName = kindNames[kind[k]];
      node = { id: `${kindName}:${key}`, type: 'identifier', key, kind: kindName, depth: depth[k], degree: degree[k] };
    }
    ids[k] = node.id;
    nodes[k] = node;
  }
  const edges: NetworkEdge[] = new Array(columns.edgeCount);
  const { edgeSource, edgeTarget, firstSeen, lastSeen, count } = columns;
  for (let j = 0; j < columns.edgeCount; j++) {
    edges[j] = {
      source: ids[edgeSource[j]],
      target: ids[edgeTarget[j]],
      firstSeen: firstSeen[j] * 1000,
      lastSeen: lastSeen[j] * 1000,
      count: count[j],
    };
  }
  return { nodes, edges, truncated: columns.truncated, component: columns.component };
}
