// Load shedding: above capacity a new request is answered at once with 503 OVERLOADED and
// Retry-After (domain/errors.ts Overloaded), before identity or any store is touched, so the
// requests already accepted keep a bounded latency instead of every request getting slow.
//
// A request is shed when all three hold, measured (thresholds in docs/load.md):
//   - the event loop was busy: utilisation (ELU) over the last window at or above maxUtilization;
//   - and late: the window's p99 event-loop delay, or this sampler's own lateness, at or above
//     maxDelayMs;
//   - and requests are piling up: at least minWaiting of them, counting those in progress (a
//     handler awaiting a store) or those already begun in this same turn of the loop. The second
//     count is the backlog of synchronous handlers (an SQLite search runs from onRequest to its
//     answer in one go, so only ~1 is ever in progress): what waited in the sockets while the loop
//     was busy is read in one turn, and past minWaiting of them the rest are turned away at once.
// The third condition is why this is not @fastify/under-pressure: bulk work on the loop (PGlite's
// start, the demo's seeding, a replay) makes the loop busy and late with nobody waiting, and must
// not turn away the one analyst who is. Once overloaded, the state holds while the loop stays busy
// and for holdMs after, so it does not flap at the window's rhythm.
//
// Never shed: the health probes (a shedding replica is alive and must say so; readiness is the
// load balancer's signal) and anything already in flight (a write that was accepted finishes).
// The sampler starts when the server listens: the start-up itself is never measured.
import fp from 'fastify-plugin';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Overloaded } from '../domain/errors.ts';

export interface LoadSheddingOptions {
  /** p99 event-loop delay over a window (ms) at or above which the loop counts as late. */
  maxDelayMs: number;
  /** Event-loop utilisation over a window (0..1) at or above which the loop counts as busy. */
  maxUtilization: number;
  /**
   * Requests waiting (in progress, or begun in the same turn of the loop) at or above which a new
   * one is shed while overloaded: also the most a turn of the loop serves then.
   */
  minWaiting: number;
  /** Window length (ms): how often delay and utilisation are sampled. */
  sampleMs: number;
  /** How long the overloaded state holds after the last overloaded window (ms). */
  holdMs: number;
  /** Retry-After sent with the 503 (seconds). */
  retryAfterSeconds: number;
}

/** Measured on the 2-core development machine (docs/load.md). */
export const LOAD_SHEDDING_DEFAULTS: LoadSheddingOptions = {
  maxDelayMs: 50,
  maxUtilization: 0.9,
  minWaiting: 32,
  sampleMs: 250,
  holdMs: 1_000,
  retryAfterSeconds: 1,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How load shedding treats the route (unset: like any request):
     *   'never': never shed (the health probes; docs/threat-model.md F6: they answer whatever the load);
     *   'stream': the response stays open as long as a page does (server-sent events, docs/live.md):
     *     once accepted, an idle stream is not a request waiting for the loop, so it is not counted
     *     in flight (1,000 open streams would otherwise make every busy moment shed everything).
     */
    shedding?: 'never' | 'stream';
  }
}

export interface LoadState {
  overloaded: boolean;
  inFlight: number;
  /** Requests begun in the current turn of the event loop. */
  thisTurn: number;
  /** Requests shed since start. */
  shed: number;
  /** The last window's figures. */
  delayP99Ms: number;
  utilization: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    loadShedding: { state(): LoadState };
  }
}

export default fp<Partial<LoadSheddingOptions>>(
  async (app, overrides) => {
    const options = { ...LOAD_SHEDDING_DEFAULTS, ...overrides };
    const state: LoadState = { overloaded: false, inFlight: 0, thisTurn: 0, shed: 0, delayP99Ms: 0, utilization: 0 };
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let timer: NodeJS.Timeout | undefined;
    let lastElu: EventLoopUtilization | undefined;
    let expected = 0;
    let overloadedUntil = 0;

    const sample = () => {
      const now = performance.now();
      const late = Math.max(0, now - expected);
      expected = now + options.sampleMs;
      const elu = performance.eventLoopUtilization(lastElu);
      lastElu = performance.eventLoopUtilization();
      state.utilization = elu.utilization;
      state.delayP99Ms = Math.max(delay.count > 0 ? delay.percentile(99) / 1e6 : 0, late);
      delay.reset();
      // Enter when busy and late; stay while still busy: shedding keeps the delay down, and
      // letting everyone in again at the first calm window would only bring it back.
      const busy = state.utilization >= options.maxUtilization;
      if (busy && (state.delayP99Ms >= options.maxDelayMs || state.overloaded)) overloadedUntil = now + options.holdMs;
      const was = state.overloaded;
      state.overloaded = now < overloadedUntil;
      if (state.overloaded !== was) {
        app.log.warn(
          {
            overloaded: state.overloaded,
            delayP99Ms: Math.round(state.delayP99Ms),
            elu: state.utilization,
            shed: state.shed,
          },
          state.overloaded ? 'overloaded: shedding new requests' : 'load back under the thresholds',
        );
      }
    };

    app.addHook('onListen', async () => {
      if (timer) return;
      delay.enable();
      lastElu = performance.eventLoopUtilization();
      expected = performance.now() + options.sampleMs;
      timer = setInterval(sample, options.sampleMs).unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      delay.disable();
    });

    app.decorate('loadShedding', { state: () => ({ ...state }) });

    const done = () => {
      state.inFlight--;
    };
    // setImmediate runs after the poll phase: the requests read from the sockets in one turn are
    // counted together, then the count starts again.
    const newTurn = () => {
      state.thisTurn = 0;
    };
    app.addHook('onRequest', async (request, reply) => {
      if (state.thisTurn++ === 0) setImmediate(newTurn);
      if (
        state.overloaded &&
        Math.max(state.inFlight, state.thisTurn - 1) >= options.minWaiting &&
        request.routeOptions.config?.shedding !== 'never'
      ) {
        state.shed++;
        throw new Overloaded('The server is over capacity; retry shortly', {
          retryAfterSeconds: options.retryAfterSeconds,
        });
      }
      if (request.routeOptions.config?.shedding === 'stream') return;
      state.inFlight++;
      reply.raw.once('close', done);
    });
  },
  { name: 'load-shedding', dependencies: ['errors'] },
);
