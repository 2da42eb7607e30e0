// A plain Map/Set implementation of the engine's documented semantics, written for clarity, not
// speed. The property tests run the same operations on both and compare every answer.
import { normaliseKind, normaliseValue } from '../src/index.ts';
import type { ComponentResult, ComponentStats, Network, NetworkNode, NetworkOptions } from '../src/index.ts';

interface Edge {
  customer: string; // 'c:<id>'
  identifier: string; // '<kind>:<value>'
  first: number; // seconds
  last: number;
  count: number;
  live: boolean;
}

const seconds = (t: number | Date): number => Math.floor((typeof t === 'number' ? t : t.getTime()) / 1000);

export class ReferenceGraph {
  /** Edges in creation order; an unlinked edge stays dead and a new link makes a new edge. */
  edges: Edge[] = [];
  nodes = new Set<string>();
  attributes = new Map<string, { label?: string; action?: string; score?: number }>();

  link(customerId: string, kind: string, value: string, at: number): void {
    const k = normaliseKind(kind);
    const c = `c:${customerId}`;
    const i = `${k}:${normaliseValue(k, value)}`;
    this.nodes.add(c);
    this.nodes.add(i);
    const t = seconds(at);
    const edge = this.edges.find((e) => e.live && e.customer === c && e.identifier === i);
    if (edge) {
      edge.first = Math.min(edge.first, t);
      edge.last = Math.max(edge.last, t);
      edge.count++;
    } else {
      this.edges.push({ customer: c, identifier: i, first: t, last: t, count: 1, live: true });
    }
  }

  unlink(customerId: string, kind: string, value: string): boolean {
    const k = normaliseKind(kind);
    const c = `c:${customerId}`;
    const i = `${k}:${normaliseValue(k, value)}`;
    const edge = this.edges.find((e) => e.live && e.customer === c && e.identifier === i);
    if (!edge) return false;
    edge.live = false;
    return true;
  }

  setCustomer(
    customerId: string,
    attrs: { label?: string | null; action?: string | null; score?: number | null },
  ): void {
    const c = `c:${customerId}`;
    this.nodes.add(c);
    const current = { ...this.attributes.get(c) };
    for (const key of ['label', 'action', 'score'] as const) {
      const value = attrs[key];
      if (value === undefined) continue;
      if (value === null) delete current[key];
      else
        (current as Record<string, unknown>)[key] =
          key === 'score' ? Math.round(Math.fround(value as number) * 1e6) / 1e6 : value;
    }
    this.attributes.set(c, current);
  }

  /** Live neighbours in edge-creation order, with the edge. */
  neighbours(node: string): Array<[string, Edge]> {
    const out: Array<[string, Edge]> = [];
    for (const e of this.edges) {
      if (!e.live) continue;
      if (e.customer === node) out.push([e.identifier, e]);
      else if (e.identifier === node) out.push([e.customer, e]);
    }
    return out;
  }

  /** Breadth-first order with the engine's rules: filters per edge, exact cap, depth per node. */
  bfs(
    customerId: string,
    options: NetworkOptions,
    maxNodes: number,
  ): { order: string[]; depth: Map<string, number>; truncated: boolean } {
    const start = `c:${customerId}`;
    const maxDepth = options.depth ?? 3;
    const asOf = options.asOf === undefined ? Infinity : seconds(options.asOf);
    const kinds = options.kinds?.map((k) => normaliseKind(k));
    const excluded = new Set(
      (options.excludeValues ?? []).map((id) => {
        const colon = id.indexOf(':');
        const kind = id.slice(0, colon).toLowerCase();
        return kind === 'c' ? id : `${kind}:${normaliseValue(kind, id.slice(colon + 1))}`;
      }),
    );
    const order = [start];
    const depth = new Map([[start, 0]]);
    let truncated = false;
    for (let k = 0; k < order.length && !truncated; k++) {
      const v = order[k];
      if (depth.get(v)! >= maxDepth) continue;
      for (const [w, e] of this.neighbours(v)) {
        if (depth.has(w) || excluded.has(w) || e.first > asOf) continue;
        if (!w.startsWith('c:') && kinds && !kinds.includes(w.slice(0, w.indexOf(':')))) continue;
        if (order.length >= maxNodes) {
          truncated = true;
          break;
        }
        depth.set(w, depth.get(v)! + 1);
        order.push(w);
      }
    }
    return { order, depth, truncated };
  }

  network(customerId: string, options: NetworkOptions = {}): Network | null {
    if (!this.nodes.has(`c:${customerId}`)) return null;
    const { order, depth, truncated } = this.bfs(customerId, options, options.maxNodes ?? 2000);
    const asOf = options.asOf === undefined ? Infinity : seconds(options.asOf);
    const included = new Set(order);
    const nodes: NetworkNode[] = order.map((id) => {
      const colon = id.indexOf(':');
      const kind = id.slice(0, colon);
      const key = id.slice(colon + 1);
      const degree = this.neighbours(id).length;
      if (kind === 'c') return { id, type: 'customer', key, depth: depth.get(id)!, degree, ...this.attributes.get(id) };
      return { id, type: 'identifier', key, kind, depth: depth.get(id)!, degree };
    });
    const edges = this.edges
      .filter((e) => e.live && e.first <= asOf && included.has(e.customer) && included.has(e.identifier))
      .map((e) => ({
        source: e.customer,
        target: e.identifier,
        firstSeen: e.first * 1000,
        lastSeen: e.last * 1000,
        count: e.count,
      }));
    return { nodes, edges, truncated, component: this.componentStats(`c:${customerId}`) };
  }

  componentStats(start: string): ComponentStats {
    const seen = new Set([start]);
    const queue = [start];
    for (let k = 0; k < queue.length; k++) {
      for (const [w] of this.neighbours(queue[k])) {
        if (!seen.has(w)) {
          seen.add(w);
          queue.push(w);
        }
      }
    }
    return this.#figures(queue);
  }

  component(customerId: string, maxNodes?: number): ComponentResult | null {
    const start = `c:${customerId}`;
    if (!this.nodes.has(start)) return null;
    const all = this.componentStats(start);
    if (maxNodes === undefined || all.customers + all.identifiers <= maxNodes) return { ...all, truncated: false };
    const { order } = this.bfs(customerId, { depth: Infinity }, maxNodes);
    return { ...this.#figures(order), truncated: true };
  }

  #figures(nodes: string[]): ComponentStats {
    const customers = nodes.filter((n) => n.startsWith('c:'));
    const fraudsters = customers.filter((n) => this.attributes.get(n)?.label === 'FRAUDSTER').length;
    return {
      customers: customers.length,
      identifiers: nodes.length - customers.length,
      fraudsters,
      share: customers.length ? fraudsters / customers.length : 0,
    };
  }

  /** Hops of the shortest chain, or null when none within maxDepth. */
  distance(from: string, to: string, maxDepth: number): number | null {
    const dist = new Map([[`c:${from}`, 0]]);
    const queue = [`c:${from}`];
    for (let k = 0; k < queue.length; k++) {
      const v = queue[k];
      if (v === `c:${to}`) return dist.get(v)!;
      if (dist.get(v)! >= maxDepth) continue;
      for (const [w] of this.neighbours(v)) {
        if (!dist.has(w)) {
          dist.set(w, dist.get(v)! + 1);
          queue.push(w);
        }
      }
    }
    return null;
  }

  /** The chain to the first customer (breadth-first order) other than `from` carrying `label`. */
  nearest(from: string, label: string, maxDepth: number): string[] | null {
    const parent = new Map<string, string | null>([[`c:${from}`, null]]);
    const dist = new Map([[`c:${from}`, 0]]);
    const queue = [`c:${from}`];
    for (let k = 0; k < queue.length; k++) {
      const v = queue[k];
      if (v !== `c:${from}` && this.attributes.get(v)?.label === label) {
        const chain: string[] = [];
        for (let u: string | null = v; u !== null; u = parent.get(u)!) chain.unshift(u);
        return chain;
      }
      if (dist.get(v)! >= maxDepth) continue;
      for (const [w] of this.neighbours(v)) {
        if (!parent.has(w)) {
          parent.set(w, v);
          dist.set(w, dist.get(v)! + 1);
          queue.push(w);
        }
      }
    }
    return null;
  }

  /** True when a and b (node ids) share a live link. */
  linked(a: string, b: string): boolean {
    return this.edges.some(
      (e) => e.live && ((e.customer === a && e.identifier === b) || (e.customer === b && e.identifier === a)),
    );
  }
}
