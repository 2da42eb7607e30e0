// The live streams behind GET /api/live (docs/live.md): one server-sent-event stream per open
// dashboard page, fed from the LiveBus. Each stream watches a few customers; it receives what
// changes inside their networks (new links, scores, labels, reviews, notes) and who else has them
// open. Every tenant keeps a bounded ring of recent changes so a reconnect with Last-Event-ID
// resumes; older ids (or ids from another server run) get a `reload` event instead.
// Memory is bounded: a stream whose unsent bytes pass maxBufferBytes is dropped (the browser's
// EventSource reconnects and resumes or reloads), and each principal holds at most maxPerPrincipal.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { normaliseKind, normaliseValue } from '@redoubt/engine';
import type { GraphEngine } from '@redoubt/engine';
import type { LiveEvent } from '@redoubt/contracts/live';
import type { LiveBus, LiveChange } from './live-bus.ts';
import { RateLimited } from '../domain/errors.ts';

export interface LiveHubOptions {
  /** A comment line this often keeps proxies and the socket from timing the stream out. */
  heartbeatMs: number;
  /** Open streams per principal (a person with many tabs); the next one is refused with 429. */
  maxPerPrincipal: number;
  /** Unsent bytes a stream may hold before it is dropped as too slow. */
  maxBufferBytes: number;
  /** Changes per tenant kept for Last-Event-ID resumes. */
  replayEvents: number;
  /** Most nodes of a watched customer's network that count as "in it" (the dashboard's default budget). */
  scopeMaxNodes: number;
}

export const LIVE_DEFAULTS: LiveHubOptions = {
  heartbeatMs: 15_000,
  maxPerPrincipal: 8,
  maxBufferBytes: 256 * 1024,
  replayEvents: 2_000,
  scopeMaxNodes: 500,
};

/** Someone with a customer open (presence), as replicas tell each other over the change feed. */
export interface PresenceViewer {
  sub: string;
  email: string;
}

export interface OpenStream {
  tenant: string;
  sub: string;
  email: string;
  watch: readonly string[];
  depth: number;
  lastEventId: string | undefined;
  res: ServerResponse;
}

/**
 * One event in the tenant's ring: a change in its networks (to the streams watching it), or an
 * event for one person only (`to`: a hit on their watch), so both resume after Last-Event-ID.
 */
type Entry =
  | {
      seq: number;
      to: undefined;
      change: Exclude<LiveChange, { type: 'customer' }>;
      /** Node ids the change touches, as the engine names them (computed once, not per stream). */
      customerNode: string;
      identifierNode: string | undefined;
      /** The SSE frame, written once and sent to every stream that wants it. */
      text: string | undefined;
    }
  | { seq: number; to: string; text: string };

interface Stream {
  readonly tenant: string;
  readonly sub: string;
  readonly email: string;
  readonly watch: readonly string[];
  readonly depth: number;
  readonly res: ServerResponse;
  /** Node ids of the watched networks; undefined when it must be computed again. */
  scope: Set<string> | undefined;
  closed: boolean;
}

interface TenantState {
  seq: number;
  ring: Entry[];
  streams: Set<Stream>;
  viewers: Map<string, Set<Stream>>;
  unsubscribe: () => void;
}

export class LiveHub {
  readonly options: LiveHubOptions;
  /** Distinguishes this server run's event ids: an id from another run cannot be resumed. */
  readonly #run = randomBytes(4).toString('hex');
  readonly #tenants = new Map<string, TenantState>();
  readonly #perPrincipal = new Map<string, number>();
  readonly #bus: LiveBus;
  readonly #graph: (tenant: string) => GraphEngine;
  readonly #timer: NodeJS.Timeout;
  #closing = false;
  /**
   * Viewers on other replicas (the change feed, services/change-relay.ts): tenant → customer →
   * replica run → who and when last told. Refreshed every heartbeat; an entry not refreshed for
   * three heartbeats (a replica that died) no longer counts.
   */
  readonly #remote = new Map<string, Map<string, Map<string, { viewers: PresenceViewer[]; at: number }>>>();
  #presenceRelay: ((tenant: string, customerId: string, viewers: PresenceViewer[]) => void) | undefined;
  /** Streams dropped for falling behind, since start. */
  dropped = 0;

  constructor(bus: LiveBus, graph: (tenant: string) => GraphEngine, options: Partial<LiveHubOptions> = {}) {
    this.options = { ...LIVE_DEFAULTS, ...options };
    this.#bus = bus;
    this.#graph = graph;
    this.#timer = setInterval(() => this.#heartbeat(), this.options.heartbeatMs);
    this.#timer.unref();
  }

  get streamCount(): number {
    let n = 0;
    for (const t of this.#tenants.values()) n += t.streams.size;
    return n;
  }

  /**
   * Refuses a principal over its cap (429) before anything is written. Call before hijacking the
   * reply; then open().
   */
  admit(sub: string): void {
    if ((this.#perPrincipal.get(sub) ?? 0) >= this.options.maxPerPrincipal) {
      throw new RateLimited(
        `At most ${this.options.maxPerPrincipal} live streams per person are open; close another tab`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  /** Starts the stream on a response whose head is not sent yet; it ends when the response closes. */
  open(o: OpenStream): void {
    this.admit(o.sub);
    const stream: Stream = {
      tenant: o.tenant,
      sub: o.sub,
      email: o.email,
      watch: o.watch,
      depth: o.depth,
      res: o.res,
      scope: undefined,
      closed: false,
    };
    const state = this.#state(o.tenant);
    o.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-content-type-options': 'nosniff',
      // Reverse proxies must pass events through as they come.
      'x-accel-buffering': 'no',
    });
    o.res.socket?.setTimeout(0);
    this.#perPrincipal.set(o.sub, (this.#perPrincipal.get(o.sub) ?? 0) + 1);
    state.streams.add(stream);
    o.res.on('close', () => this.#remove(stream));
    // EventSource waits this long before reconnecting after a drop.
    this.#write(stream, 'retry: 3000\n\n');
    this.#resume(stream, state, o.lastEventId);
    for (const id of o.watch) {
      let set = state.viewers.get(id);
      if (!set) state.viewers.set(id, (set = new Set()));
      set.add(stream);
    }
    this.#presence(o.tenant, state, o.watch);
  }

  /**
   * Hands who has which customer open here to `relay` (the change feed to other replicas) whenever
   * it changes, and again every heartbeat so the others know this replica is still there.
   */
  relayPresenceTo(relay: (tenant: string, customerId: string, viewers: PresenceViewer[]) => void): void {
    this.#presenceRelay = relay;
  }

  /** Who has the customer open on another replica (`origin`): told to the viewers here. */
  remotePresence(origin: string, tenant: string, customerId: string, viewers: PresenceViewer[]): void {
    let byCustomer = this.#remote.get(tenant);
    if (!byCustomer) this.#remote.set(tenant, (byCustomer = new Map()));
    let byOrigin = byCustomer.get(customerId);
    if (!byOrigin) byCustomer.set(customerId, (byOrigin = new Map()));
    const before = JSON.stringify(byOrigin.get(origin)?.viewers ?? []);
    if (viewers.length > 0) byOrigin.set(origin, { viewers, at: Date.now() });
    else byOrigin.delete(origin);
    if (byOrigin.size === 0) byCustomer.delete(customerId);
    if (byCustomer.size === 0) this.#remote.delete(tenant);
    // A refresh that changes nothing is not news for the viewers here.
    const state = this.#tenants.get(tenant);
    if (state && JSON.stringify(viewers) !== before) this.#presence(tenant, state, [customerId], false);
  }

  /**
   * Sends one event to every stream one person has open in the tenant, whatever it watches (a hit
   * on their watch, services/watches.ts). It has an id and stays in the ring like a change, so a
   * stream of theirs that reconnects with Last-Event-ID gets it too. Returns how many streams it
   * went to now.
   */
  notify(tenant: string, sub: string, event: LiveEvent): number {
    // A tenant nobody has streamed here has no stream to send to nor to resume.
    const state = this.#tenants.get(tenant);
    if (!state) return 0;
    const seq = ++state.seq;
    const entry: Entry = { seq, to: sub, text: frame(this.#id(seq), event) };
    this.#remember(state, entry);
    let sent = 0;
    for (const stream of state.streams) {
      if (stream.sub !== sub) continue;
      this.#write(stream, entry.text);
      sent++;
    }
    return sent;
  }

  /** Ends every stream with a `bye` event (shutdown): the server can then close its sockets. */
  close(): void {
    this.#closing = true;
    clearInterval(this.#timer);
    for (const state of this.#tenants.values()) {
      state.unsubscribe();
      for (const stream of state.streams) {
        this.#write(stream, frame(undefined, { type: 'bye', reason: 'shutdown' }));
        stream.res.end();
      }
    }
  }

  #state(tenant: string): TenantState {
    let state = this.#tenants.get(tenant);
    if (!state) {
      const created: TenantState = { seq: 0, ring: [], streams: new Set(), viewers: new Map(), unsubscribe: () => {} };
      // Subscribed for the server's life once a tenant has been streamed, so the ring still holds
      // what a client missed while it was reconnecting.
      created.unsubscribe = this.#bus.subscribe(tenant, (change) => this.#publish(created, change));
      this.#tenants.set(tenant, (state = created));
    }
    return state;
  }

  #publish(state: TenantState, change: LiveChange): void {
    // A new customer shows up through its links.
    if (change.type === 'customer') return;
    let identifierNode: string | undefined;
    if (change.type === 'link') {
      const kind = normaliseKind(change.kind);
      identifierNode = `${kind}:${normaliseValue(kind, change.value)}`;
    }
    const entry: Entry = {
      seq: ++state.seq,
      to: undefined,
      change,
      customerNode: `c:${change.customerId}`,
      identifierNode,
      text: undefined,
    };
    this.#remember(state, entry);
    for (const stream of state.streams) {
      if (this.#relevant(stream, entry)) this.#write(stream, this.#frameOf(entry));
    }
  }

  /** Keeps the entry for resumes: past replayEvents the older half of the ring goes. */
  #remember(state: TenantState, entry: Entry): void {
    state.ring.push(entry);
    if (state.ring.length > this.options.replayEvents) state.ring.splice(0, state.ring.length >> 1);
  }

  #resume(stream: Stream, state: TenantState, lastEventId: string | undefined): void {
    if (lastEventId === undefined) return;
    const match = /^([0-9a-f]{8})\.(\d{1,15})$/.exec(lastEventId);
    const seq = match ? Number(match[2]) : NaN;
    const oldest = state.ring[0]?.seq ?? state.seq + 1;
    if (!match || match[1] !== this.#run || seq > state.seq || seq < oldest - 1) {
      this.#write(stream, frame(undefined, { type: 'reload', reason: 'the stream cannot resume from Last-Event-ID' }));
      return;
    }
    for (const entry of state.ring) {
      if (entry.seq > seq && this.#relevant(stream, entry)) this.#write(stream, this.#frameOf(entry));
    }
  }

  /** Tells every viewer of these customers who else has them open (never themselves). */
  #presence(tenant: string, state: TenantState, customers: readonly string[], relay = true): void {
    for (const customerId of customers) {
      const viewers = state.viewers.get(customerId);
      if (relay && this.#presenceRelay) this.#presenceRelay(tenant, customerId, localViewers(viewers));
      if (!viewers) continue;
      const remote = this.#remoteViewers(tenant, customerId);
      for (const to of viewers) {
        const others = new Set<string>();
        for (const v of viewers) if (v.sub !== to.sub) others.add(v.email);
        for (const v of remote) if (v.sub !== to.sub) others.add(v.email);
        this.#write(to, frame(undefined, { type: 'presence', customerId, viewers: [...others].sort() }));
      }
    }
  }

  /** The customer's viewers on other replicas that told so within the last three heartbeats. */
  #remoteViewers(tenant: string, customerId: string): PresenceViewer[] {
    const byOrigin = this.#remote.get(tenant)?.get(customerId);
    if (!byOrigin) return [];
    const since = Date.now() - 3 * this.options.heartbeatMs;
    const out: PresenceViewer[] = [];
    for (const entry of byOrigin.values()) if (entry.at >= since) out.push(...entry.viewers);
    return out;
  }

  /** True when the entry is for this person, or its change touches a network the stream watches. */
  #relevant(stream: Stream, entry: Entry): boolean {
    if (entry.to !== undefined) return entry.to === stream.sub;
    const scope = this.#scope(stream);
    const hit =
      scope.has(entry.customerNode) || (entry.identifierNode !== undefined && scope.has(entry.identifierNode));
    // The network grew: computed again at the next change.
    if (hit && entry.identifierNode !== undefined) stream.scope = undefined;
    return hit;
  }

  #frameOf(entry: Entry): string {
    if (entry.to !== undefined) return entry.text;
    return (entry.text ??= frame(this.#id(entry.seq), toEvent(entry.change)));
  }

  #scope(stream: Stream): Set<string> {
    if (stream.scope) return stream.scope;
    const scope = new Set<string>(stream.watch.map((id) => `c:${id}`));
    const graph = this.#graph(stream.tenant);
    for (const id of stream.watch) {
      const network = graph.network(id, { depth: stream.depth, maxNodes: this.options.scopeMaxNodes });
      if (network) for (const node of network.nodes) scope.add(node.id);
    }
    stream.scope = scope;
    return scope;
  }

  #write(stream: Stream, text: string): void {
    if (stream.closed) return;
    const res = stream.res;
    // What the socket has not taken yet stays in Node's buffer: past the bound the client is too
    // slow, and it is dropped rather than letting the buffer grow.
    if (res.writableLength > this.options.maxBufferBytes) {
      this.dropped++;
      stream.closed = true;
      res.destroy();
      return;
    }
    res.write(text);
  }

  #heartbeat(): void {
    for (const [tenant, state] of this.#tenants) {
      for (const stream of state.streams) this.#write(stream, ': hb\n\n');
      if (this.#presenceRelay) {
        for (const [customerId, viewers] of state.viewers)
          this.#presenceRelay(tenant, customerId, localViewers(viewers));
      }
    }
  }

  #remove(stream: Stream): void {
    stream.closed = true;
    const state = this.#tenants.get(stream.tenant);
    if (!state?.streams.delete(stream)) return;
    const left = (this.#perPrincipal.get(stream.sub) ?? 1) - 1;
    if (left > 0) this.#perPrincipal.set(stream.sub, left);
    else this.#perPrincipal.delete(stream.sub);
    for (const id of stream.watch) {
      const set = state.viewers.get(id);
      set?.delete(stream);
      if (set?.size === 0) state.viewers.delete(id);
    }
    if (!this.#closing) this.#presence(stream.tenant, state, stream.watch);
  }

  #id(seq: number): string {
    return `${this.#run}.${seq}`;
  }
}

/** Each person once, with the streams they have open on the customer here. */
function localViewers(streams: Set<Stream> | undefined): PresenceViewer[] {
  const bySub = new Map<string, string>();
  for (const s of streams ?? []) bySub.set(s.sub, s.email);
  return [...bySub].map(([sub, email]) => ({ sub, email })).sort((a, b) => a.sub.localeCompare(b.sub));
}

function frame(id: string | undefined, event: LiveEvent): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The bus's change in the stream's shape (no tenant: the stream is one tenant's). */
function toEvent(change: Exclude<LiveChange, { type: 'customer' }>): LiveEvent {
  switch (change.type) {
    case 'link': {
      // As the engine names the node ('<kind>:<value>'), so the dashboard merges it into its network.
      const kind = normaliseKind(change.kind);
      return {
        type: 'link',
        customerId: change.customerId,
        kind,
        value: normaliseValue(kind, change.value),
        at: change.at,
      };
    }
    case 'score':
      return {
        type: 'score',
        customerId: change.customerId,
        score: change.score,
        action: change.action,
        at: change.at,
      };
    case 'label':
      return { type: 'label', customerId: change.customerId, label: change.label, at: change.at };
    case 'note':
      return { type: 'note', customerId: change.customerId, noteId: change.noteId, by: change.by, at: change.at };
    case 'review':
      return {
        type: 'review',
        customerId: change.customerId,
        label: change.label,
        action: change.action,
        status: change.status,
        by: change.by,
        at: change.at,
      };
  }
}
