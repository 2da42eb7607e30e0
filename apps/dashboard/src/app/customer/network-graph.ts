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
import { CountPipe, DayPipe, SharePipe, TimePipe } from '../format/pipes';
import { HttpClient, httpResource } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import cytoscape from 'cytoscape';
import type { Core } from 'cytoscape';
import { IDENTIFIER_KINDS } from '@redoubt/contracts/api';
import type { CustomerPath, Network, ReviewHistory } from '@redoubt/contracts/api';
import { errorMessage } from '../http/api-error';
import { injectThemeColours } from '../shell/theme-colours';
import { KIND_STYLE, SMOOTH_NODES } from './network-elements';
import { ClusterPanel } from '../review/cluster-panel';
import type { LiveEvent } from '@redoubt/contracts/live';
import type { NewSharedMark, SharedMark, SharedMarkList } from '@redoubt/contracts/watches';
import { describe, mergeLink, openLive, recolour, showPath } from './live-network';
import {
  NETWORK_BUDGETS,
  canvasOptions,
  canvasStyle,
  customerToExpand,
  downloadPng,
  expandGroup,
  markSince,
  mergeNetwork,
  nodeRows,
} from './network-tools';
import type { NodeRow } from './network-tools';

/** How long a toast about a live change stays. */
const TOAST_MS = 8_000;

export const NETWORK_DEPTH = 3;
export const NETWORK_MAX_NODES = 300;
export const NETWORK_DEPTHS = [1, 2, 3, 4] as const;
/** The time slider reaches this many days back. */
export const AS_OF_MAX_DAYS = 365;
const DAY_MS = 86_400_000;

/** The customer's linked network (customers and the identifiers they share), drawn with cytoscape. */
@Component({
  selector: 'rd-network-graph',
  imports: [
    CountPipe,
    DayPipe,
    SharePipe,
    TimePipe,
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    ClusterPanel,
  ],
  templateUrl: './network-graph.html',
  styleUrl: './network-graph.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworkGraph {
  private readonly router = inject(Router);

  readonly tenant = input.required<string>();
  readonly customerId = input.required<string>();

  private readonly http = inject(HttpClient);
  /** The theme's colours: the canvas is drawn in them, and restyled when the theme changes. */
  private readonly colours = injectThemeColours();

  // Controls: what the BFF's network route accepts (depth, kinds, asOf).
  protected readonly depths = NETWORK_DEPTHS;
  protected readonly allKinds = IDENTIFIER_KINDS;
  protected readonly asOfMaxDays = AS_OF_MAX_DAYS;
  protected readonly depth = signal<number>(NETWORK_DEPTH);
  /** Most nodes drawn (the network route's maxNodes). */
  protected readonly budgets = NETWORK_BUDGETS;
  protected readonly budget = signal<number>(NETWORK_MAX_NODES);
  /** Identifier kinds followed; all of them by default. */
  protected readonly kindsOn = signal<readonly string[]>(IDENTIFIER_KINDS);
  /** Days back for the time slider; 0 is now. */
  protected readonly daysBack = signal(0);
  protected readonly asOf = computed(() =>
    this.daysBack() === 0 ? undefined : new Date(Date.now() - this.daysBack() * DAY_MS).toISOString(),
  );
  /**
   * "Since last review": the customer's last review (when, by whom) whose later links are marked;
   * undefined while off, null when the customer has never been reviewed.
   */
  protected readonly lastReview = signal<{ at: string; by: string } | null | undefined>(undefined);
  /** Group nodes drawn (past SMOOTH_NODES identifiers of one kind are one node). */
  protected readonly groups = signal(0);
  /** Identifiers folded into their one customer (past SMOOTH_NODES, before any group). */
  protected readonly folded = signal(0);
  protected readonly smoothNodes = SMOOTH_NODES;
  /** How many drawn links are newer than that review. */
  protected readonly sinceCount = signal(0);
  /** The nearest fraudster's chain, in words (or why there is none). */
  protected readonly pathText = signal<string | undefined>(undefined);

  protected readonly network = httpResource<Network>(() => {
    const kinds = this.kindsOn();
    const asOf = this.asOf();
    return {
      url: `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/network`,
      params: {
        depth: this.depth(),
        maxNodes: this.budget(),
        ...(kinds.length < IDENTIFIER_KINDS.length && { kinds: [...kinds] }),
        ...(asOf && { asOf }),
      },
    };
  });
  protected readonly error = computed(() => {
    const error = this.network.error();
    return error ? errorMessage(error) : undefined;
  });
  protected readonly kinds = Object.values(KIND_STYLE);

  /** The tenant's shared infrastructure: left out of this network, listed with the reasons. */
  protected readonly marks = httpResource<SharedMarkList>(
    () => `/api/tenants/${encodeURIComponent(this.tenant())}/shared-infrastructure`,
  );
  /** The node the tools act on: an identifier tapped on the canvas, or a row of the table. */
  protected readonly focused = signal<NodeRow | undefined>(undefined);
  /** The reason being typed for marking the focused identifier as shared infrastructure. */
  protected readonly markingReason = signal<string | undefined>(undefined);
  /** What the last tool did, or why it could not. */
  protected readonly toolText = signal<string | undefined>(undefined);
  /** The table view of the drawn nodes (for the keyboard and screen readers). */
  protected readonly showTable = signal(false);
  protected readonly rows = signal<NodeRow[]>([]);

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

  protected setDepth(value: string): void {
    this.depth.set(Number(value));
  }

  protected toggleKind(kind: string): void {
    // At least one kind stays on: a network of no links is not a view anyone wants.
    this.kindsOn.update((on) =>
      on.includes(kind)
        ? on.length > 1
          ? on.filter((k) => k !== kind)
          : on
        : IDENTIFIER_KINDS.filter((k) => k === kind || on.includes(k)),
    );
  }

  protected setBudget(value: string): void {
    this.budget.set(Number(value));
  }

  protected setDaysBack(value: string): void {
    this.daysBack.set(Number(value));
  }

  /** Asks the BFF for the chain to the nearest FRAUDSTER and draws it on the graph. */
  protected pathToFraud(): void {
    const url = `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/path-to-fraud`;
    this.http.get<CustomerPath>(url).subscribe({
      next: (path) => {
        if (this.cy) showPath(this.cy, path);
        const target = path.nodes.at(-1)?.key ?? '';
        this.pathText.set(`Nearest fraudster: ${target}, ${path.hops} links away (drawn in red)`);
      },
      error: (error: unknown) => this.pathText.set(errorMessage(error)),
    });
  }

  /**
   * Marks the links first seen after the customer's last review (the network as of that review
   * had none of them) and counts them; pressed again, clears the marks.
   */
  protected toggleSinceReview(): void {
    if (this.lastReview() !== undefined) {
      this.lastReview.set(undefined);
      if (this.cy) markSince(this.cy, undefined);
      return;
    }
    const url = `/api/tenants/${encodeURIComponent(this.tenant())}/customers/${encodeURIComponent(this.customerId())}/reviews`;
    this.http.get<ReviewHistory>(url).subscribe({
      next: (history) => {
        const last = history.reviews.reduce<ReviewHistory['reviews'][number] | undefined>(
          (latest, r) => (latest === undefined || r.at > latest.at ? r : latest),
          undefined,
        );
        this.lastReview.set(last ? { at: last.at, by: last.reviewer.email } : null);
        this.applySince();
      },
      error: (error: unknown) => this.toolText.set(errorMessage(error)),
    });
  }

  /** Marks (again) what is newer than the last review on what is drawn now, if that view is on. */
  private applySince(): void {
    const review = untracked(this.lastReview);
    if (this.cy && review) this.sinceCount.set(markSince(this.cy, review.at));
  }

  /** The shortest chain between the two selected customers, drawn in red. */
  protected pathBetween(): void {
    const [a, b] = this.selected();
    if (a === undefined || b === undefined) return;
    const t = encodeURIComponent(this.tenant());
    this.http
      .get<CustomerPath>(`/api/tenants/${t}/customers/${encodeURIComponent(a)}/path/${encodeURIComponent(b)}`)
      .subscribe({
        next: (path) => {
          if (this.cy) showPath(this.cy, path);
          this.refreshRows();
          this.pathText.set(`${a} and ${b} are ${path.hops} links apart (drawn in red)`);
        },
        error: (error: unknown) => this.pathText.set(errorMessage(error)),
      });
  }

  /** Merges the node's own neighbourhood (two hops from its customer) into the picture; nothing drawn moves. */
  protected expand(nodeId: string): void {
    const cy = this.cy;
    if (!cy) return;
    const node = cy.getElementById(nodeId);
    if (node.data('type') === 'group' || node.hasClass('folded')) {
      const added = expandGroup(cy, nodeId);
      this.countGroups(cy);
      this.focused.set(undefined);
      this.refreshRows();
      this.toolText.set(
        `Expanded ${node.data('type') === 'group' ? 'the group' : nodeId}: ${added.filter((id) => !id.includes('|')).length} identifiers drawn`,
      );
      return;
    }
    const customer = customerToExpand(cy, nodeId);
    if (!customer) return;
    const t = encodeURIComponent(this.tenant());
    this.http
      .get<Network>(`/api/tenants/${t}/customers/${encodeURIComponent(customer)}/network`, {
        params: { depth: 2, maxNodes: this.budget() },
      })
      .subscribe({
        next: (network) => {
          if (this.cy !== cy) return;
          const added = mergeNetwork(cy, network, nodeId, this.customerId());
          this.refreshRows();
          const nodes = added.filter((id) => !id.includes('|')).length;
          this.toolText.set(nodes ? `Expanded ${nodeId}: ${nodes} more nodes` : `Nothing more around ${nodeId}`);
        },
        error: (error: unknown) => this.toolText.set(errorMessage(error)),
      });
  }

  protected startMarking(): void {
    this.markingReason.set('');
  }

  protected setReason(value: string): void {
    this.markingReason.set(value);
  }

  /** Marks the focused identifier as shared infrastructure; the network is read again without it. */
  protected markShared(): void {
    const node = this.focused();
    const reason = this.markingReason()?.trim();
    if (!node || node.type !== 'identifier' || !reason) return;
    const body: NewSharedMark = { kind: node.kind, value: node.key, reason };
    this.http
      .post<SharedMark>(`/api/tenants/${encodeURIComponent(this.tenant())}/shared-infrastructure`, body)
      .subscribe({
        next: (mark) => {
          this.toolText.set(`${mark.kind} ${mark.value} is shared infrastructure: left out of every network`);
          this.markingReason.set(undefined);
          this.focused.set(undefined);
          this.marks.reload();
          this.network.reload();
        },
        error: (error: unknown) => this.toolText.set(errorMessage(error)),
      });
  }

  protected exportPng(): void {
    if (this.cy) downloadPng(this.cy, `network-${this.customerId()}.png`, this.colours().surface);
  }

  protected toggleTable(): void {
    this.showTable.update((on) => !on);
    this.refreshRows();
  }

  protected focus(row: NodeRow): void {
    this.focused.set(row);
    this.markingReason.set(undefined);
  }

  private countGroups(cy: Core | undefined): void {
    this.groups.set(cy ? cy.nodes('.group').length : 0);
    this.folded.set(
      cy ? cy.nodes('.folded').reduce((sum, n) => sum + ((n.data('members') ?? []) as unknown[]).length, 0) : 0,
    );
  }

  private refreshRows(): void {
    this.rows.set(this.cy ? nodeRows(this.cy) : []);
  }

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
        this.applySince();
        this.refreshRows();
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
      // Another customer: their own last review, if that view is wanted again.
      this.lastReview.set(undefined);
      if (typeof EventSource === 'undefined') return;
      this.alsoViewing.set([]);
      const close = openLive(tenant, customerId, (event) => this.onLive(event, customerId));
      onCleanup(close);
    });

    // Another theme: the same drawing, restyled (nothing is laid out again).
    effect(() => {
      const colours = this.colours();
      untracked(() => this.cy?.style(canvasStyle(colours)));
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
        this.countGroups(undefined);
        this.selected.set([]);
        this.rows.set([]);
        return;
      }
      cy = cytoscape({ container, ...canvasOptions(network, rootId, SMOOTH_NODES, untracked(this.colours)) });
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
      // An identifier tapped is the tools' node (expand, mark as shared); a double tap expands any node.
      cy.on('tap', 'node.identifier', (event) => {
        const id = String(event.target.id());
        this.focus(nodeRows(current).find((r) => r.id === id)!);
      });
      // A group node ("37 IPs", drawn past SMOOTH_NODES) opens into its members on a tap.
      cy.on('tap', 'node.group', (event) => this.expand(String(event.target.id())));
      cy.on('dbltap', 'node', (event) => this.expand(String(event.target.id())));
      this.focused.set(undefined);
      this.rows.set(nodeRows(cy));
      this.countGroups(cy);
      this.applySince();
    });
  }
}
