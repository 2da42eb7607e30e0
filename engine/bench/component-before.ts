// component() as it was at the start of session 7 (engine/src/traversal.ts at commit a1a1dea): the
// capped figures from traverse()'s breadth-first search (visit stamps, two bytes a node), kept for
// component-variants.ts to time against the current one in the same process.
import type { EngineState } from '../src/state.ts';
import { traverse } from '../src/traversal.ts';
import type { ComponentResult } from '../src/types.ts';

export function componentBefore(s: EngineState, start: number, max: number | undefined): ComponentResult {
  const stats = s.componentStats(start);
  if (max === undefined || stats.customers + stats.identifiers <= max) return { ...stats, truncated: false };
  const count = traverse(s, start, { depth: Infinity }, max);
  // The graph is bipartite and starts at a customer: even levels are customers, odd ones identifiers.
  const ends = s.depthEnds;
  let customers = 0;
  let fraudsters = 0;
  for (let d = 0, from = 0; d < ends.length; d++) {
    const to = ends[d];
    if (d % 2 === 0) {
      customers += to - from;
      if (stats.fraudsters > 0) for (let k = from; k < to; k++) if (s.isFraud(s.queue[k])) fraudsters++;
    }
    from = to;
  }
  return {
    customers,
    identifiers: count - customers,
    fraudsters,
    share: customers ? fraudsters / customers : 0,
    truncated: true,
  };
}
