// The page of bench:live's network figure (apps/bff/bench/live-bench.ts bundles this file with
// esbuild; the dashboard never imports it): draws a network exactly as the customer page does
// (canvasOptions: the same elements, groups, style and layout) and says when it was laid out; the
// bench then taps the root customer to time "interactive".
import cytoscape from 'cytoscape';
import type { Network } from '@redoubt/contracts/api';
import { SMOOTH_NODES } from './network-elements';
import { canvasOptions } from './network-tools';

export interface Drawn {
  /** performance.now() when drawing started (the network is already parsed). */
  started: number;
  /** ms until cytoscape() returned: elements made, layout run. */
  layoutMs: number;
  /** The grouping limit used, and what was drawn. */
  limit: number;
  nodes: number;
  edges: number;
  /** Where the root customer is on the page, for the bench to tap. */
  x: number;
  y: number;
}

declare global {
  interface Window {
    /** `limit` undefined: the page's own (SMOOTH_NODES). */
    drawNetwork: (network: Network, rootId: string, limit: number | undefined) => Promise<Drawn>;
    /** performance.now() of the first tap the canvas handled. */
    tappedAt: number | undefined;
  }
}

window.drawNetwork = async (network, rootId, limit = SMOOTH_NODES) => {
  const container = document.getElementById('cy')!;
  const started = performance.now();
  const cy = cytoscape({ container, ...canvasOptions(network, rootId, limit) });
  const layoutMs = performance.now() - started;
  cy.on('tap', 'node', () => (window.tappedAt ??= performance.now()));
  // Two frames: the first drawn canvas is on screen.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const root = cy.nodes('.root').first();
  const at = root.renderedPosition();
  const box = container.getBoundingClientRect();
  return {
    started,
    layoutMs,
    limit,
    nodes: cy.nodes().length,
    edges: cy.edges().length,
    x: box.left + at.x,
    y: box.top + at.y,
  };
};
