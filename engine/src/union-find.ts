// Connected components maintained on insert, so component size and fraud share are O(α(n)) reads
// instead of a traversal in the request path. Deletes cannot be undone in a union-find: the engine
// marks it stale and rebuilds it from the live links (O(nodes + links)) before the next read.
import { column, extended } from './growable.ts';

export interface UnionFindArrays {
  parent: Int32Array;
  customers: Int32Array;
  fraudsters: Map<number, number>;
}

/**
 * Told before a write to parent[v] and customers[v] (v = -1: before a reset of them all), so a
 * snapshot being written can keep the values it captured (codec.ts).
 */
export interface UnionFindWatch {
  beforeWrite(v: number): void;
}

export class UnionFind {
  /** parent[v] >= 0 links to the parent; a root holds -(component size). */
  parent: Int32Array;
  /** At roots: customers in the component (elsewhere: stale). */
  customers: Int32Array;
  /** Root -> fraudsters in the component, for the few components that have any (saves 4 bytes a node). */
  fraudsters: Map<number, number>;
  watch: UnionFindWatch | undefined;

  constructor(capacity: number, arrays?: UnionFindArrays) {
    this.parent = arrays?.parent ?? column(Int32Array, capacity, -1);
    this.customers = arrays?.customers ?? column(Int32Array, capacity);
    this.fraudsters = arrays?.fraudsters ?? new Map();
  }

  ensure(capacity: number): void {
    if (capacity <= this.parent.length) return;
    this.parent = extended(this.parent, capacity, -1);
    this.customers = extended(this.customers, capacity);
  }

  /** Resets nodes 0..n-1 to singletons. */
  reset(n: number, isCustomer: (v: number) => boolean, isFraudster: (v: number) => boolean): void {
    this.watch?.beforeWrite(-1);
    this.parent.fill(-1, 0, n);
    this.fraudsters.clear();
    for (let v = 0; v < n; v++) {
      this.customers[v] = isCustomer(v) ? 1 : 0;
      if (isFraudster(v)) this.fraudsters.set(v, 1);
    }
  }

  /** A new singleton node. */
  add(v: number, customer: boolean): void {
    this.watch?.beforeWrite(v);
    this.parent[v] = -1;
    this.customers[v] = customer ? 1 : 0;
  }

  find(v: number): number {
    const parent = this.parent;
    for (;;) {
      const p = parent[v];
      if (p < 0) return v;
      const g = parent[p];
      if (g < 0) return p;
      this.watch?.beforeWrite(v);
      parent[v] = g; // path halving
      v = g;
    }
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    const parent = this.parent;
    if (parent[ra] > parent[rb]) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    if (this.watch) {
      this.watch.beforeWrite(ra);
      this.watch.beforeWrite(rb);
    }
    parent[ra] += parent[rb];
    parent[rb] = ra;
    this.customers[ra] += this.customers[rb];
    if (this.fraudsters.size > 0) {
      const moved = this.fraudsters.get(rb);
      if (moved !== undefined) {
        this.fraudsters.delete(rb);
        this.fraudsters.set(ra, (this.fraudsters.get(ra) ?? 0) + moved);
      }
    }
  }

  size(v: number): number {
    return -this.parent[this.find(v)];
  }

  addFraudster(v: number, delta: number): void {
    const root = this.find(v);
    const count = (this.fraudsters.get(root) ?? 0) + delta;
    if (count === 0) this.fraudsters.delete(root);
    else this.fraudsters.set(root, count);
  }
}
