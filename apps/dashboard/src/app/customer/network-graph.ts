import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { DecimalPipe, PercentPipe } from '@angular/common';
import { httpResource } from '@angular/common/http';
import { Router } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import cytoscape from 'cytoscape';
import type { Core } from 'cytoscape';
import type { Network } from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';
import { KIND_STYLE, NETWORK_STYLE, toElements } from './network-elements';
import { ClusterPanel } from '../review/cluster-panel';
import type { LiveEvent } from '@redoubt/contracts/live';
import { LIVE_STYLE, describe, mergeLink, openLive, recolour } from './live-network';

/** How long a toast about a live change stays. */
const TOAST_MS = 8_000;

export const NETWORK_DEPTH = 3;
export const NETWORK_MAX_NODES = 300;

/** The customer's linked network (customers and the identifiers they share), drawn with cytoscape. */
@Component({
  selector: 'rd-network-graph',
  imports: [DecimalPipe, PercentPipe, MatButtonModule, MatIconModule, MatProgressBarModule, ClusterPanel],
  templateUrl: './network-graph.html',
  styleUrl: './network-graph.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworkGraph {
  private readonly router = inject(Router);

  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();

  protected readonly network = httpResource<Network>(() => ({
    url: `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/network`,
    params: { depth: NETWORK_DEPTH, maxNodes: NETWORK_MAX_NODES },
  }));
  protected readonly error = computed(() => {
    const error = this.network.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly kinds = Object.values(KIND_STYLE);

  /** What the pointer is on (or was last tapped): the node's description under the canvas. */
  protected readonly pointed = signal<string | undefined>(undefined);

  private readonly canvas = viewChild.required<ElementRef<HTMLElement>>('canvas');

  /** Customers selected for a cluster label (shift-drag a box, or "Select this component"). */
  protected readonly selected = signal<string[]>([]);
  private cy: Core | undefined;

  /** Colleagues who have this customer open too (from the live stream's presence events). */
  protected readonly alsoViewing = signal<string[]>([]);
  /** The last live change, in words. */
  protected readonly toast = signal<string | undefined>(undefined);
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  protected selectComponent(): void {
    this.cy?.nodes('.customer').select();
  }

  protected clearSelection(): void {
    this.cy?.nodes().unselect();
  }

  private onLive(event: LiveEvent, customerId: string): void {
    switch (event.type) {
      case 'presence':
        if (event.customerId === customerId) this.alsoViewing.set(event.viewers);
        return;
      case 'reload':
        this.network.reload();
        return;
      case 'bye':
        return;
      case 'link':
        // Merged into the drawn graph in place; the rest of the picture does not move.
        if (this.cy) mergeLink(this.cy, event);
        break;
      default:
        if (this.cy) recolour(this.cy, event);
    }
    const text = describe(event);
    if (text) {
      this.toast.set(text);
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => this.toast.set(undefined), TOAST_MS);
    }
  }

  constructor() {
    let cy: Core | undefined;
    let drawnFor: string | undefined;
    inject(DestroyRef).onDestroy(() => {
      cy?.destroy();
      clearTimeout(this.toastTimer);
    });

    // One live stream per open customer (docs/live.md); closed when the customer or page changes.
    effect((onCleanup) => {
      const tenant = this.tenant();
      const customerId = this.customerId();
      // Unit tests run without EventSource (jsdom).
      if (typeof EventSource === 'undefined') return;
      this.alsoViewing.set([]);
      const close = openLive(tenant, customerId, (event) => this.onLive(event, customerId));
      onCleanup(close);
    });

    // Redraw whenever a new network arrives; cytoscape owns the container's children.
    afterRenderEffect(() => {
      const container = this.canvas().nativeElement;
      const network = this.network.hasValue() ? this.network.value() : undefined;
      const rootId = this.customerId();
      const tenant = this.tenant();
      // A redraw of the same customer's network (after a cluster label) keeps the selection, so the
      // cluster panel and its Revert stay; another customer starts with none.
      const keep = rootId === drawnFor ? new Set(untracked(this.selected)) : new Set<string>();
      drawnFor = rootId;
      cy?.destroy();
      cy = undefined;
      this.cy = undefined;
      if (!network || network.nodes.length === 0) {
        this.selected.set([]);
        return;
      }
      cy = cytoscape({
        container,
        elements: toElements(network, rootId),
        style: [...NETWORK_STYLE, ...LIVE_STYLE],
        layout: {
          name: 'concentric',
          concentric: (node) => -Number(node.data('ring')),
          levelWidth: () => 1,
          minNodeSpacing: network.nodes.length > 60 ? 8 : 28,
          animate: false,
          padding: 24,
        },
        minZoom: 0.2,
        maxZoom: 3,
        wheelSensitivity: 0.3,
        // With panning on, a box is drawn with shift (or ctrl) held while dragging.
        boxSelectionEnabled: true,
        selectionType: 'additive',
      });
      this.cy = cy;
      const current = cy;
      current
        .nodes('.customer')
        .filter((n) => keep.has(String(n.data('key'))))
        .select();
      this.selected.set(current.nodes('.customer:selected').map((n) => String(n.data('key'))));
      current.on('select unselect', 'node', () =>
        this.selected.set(current.nodes('.customer:selected').map((n) => String(n.data('key')))),
      );
      // A small network would be fitted at a giant zoom; keep nodes at about their drawn size.
      if (cy.zoom() > 1.2) {
        cy.zoom(1.2);
        cy.center();
      }
      this.pointed.set(undefined);
      cy.on('mouseover tap', 'node', (event) => this.pointed.set(String(event.target.data('title'))));
      cy.on('tap', 'node.customer', (event) => {
        const key = String(event.target.data('key'));
        if (key !== rootId) void this.router.navigate(['/t', tenant, 'customers', key]);
      });
    });
  }
}
