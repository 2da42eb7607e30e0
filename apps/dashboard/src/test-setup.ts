import { vi } from 'vitest';

// jsdom has no ResizeObserver; ngx-echarts and Material observe element sizes.
class ResizeObserverStub implements ResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= ResizeObserverStub;

// The first spec that lazy-loads a route compiles Material on first use; on a busy shared machine
// (2 cores, load average above 10 while others build) that alone took 7 s, past the 5 s default.
vi.setConfig({ testTimeout: 30_000 });
