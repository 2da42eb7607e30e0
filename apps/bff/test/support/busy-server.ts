// A server past its capacity, for the load-shedding test (plugins/load-shedding.test.ts): the
// production error and load-shedding plugins in front of a route that burns the CPU
// synchronously, as an SQLite search does, and the liveness probe. It runs in a worker thread, so
// its event loop is its own and the test's clients wait on sockets as real clients do.
// workerData: { workMs, shedding } (shedding: LoadSheddingOptions overrides). Messages: posts
// { port } once listening; answers 'state' with { state } (LoadState) and 'close' by closing.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import errors from '../../src/plugins/errors.ts';
import loadShedding from '../../src/plugins/load-shedding.ts';
import type { LoadSheddingOptions } from '../../src/plugins/load-shedding.ts';

const { workMs, shedding } = workerData as { workMs: number; shedding: Partial<LoadSheddingOptions> };

const app = Fastify({ logger: false });
await app.register(errors);
await app.register(loadShedding, shedding);
app.get('/work', async () => {
  const until = performance.now() + workMs;
  while (performance.now() < until) {
    // busy, as a synchronous store call is
  }
  return { ok: true };
});
// Marked as the real probes are (routes/health.ts): never shed.
app.get('/api/health/live', { config: { shedding: 'never' } }, async () => ({ status: 'live' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
parentPort!.postMessage({ port: typeof address === 'object' && address ? address.port : 0 });
parentPort!.on('message', (message) => {
  if (message === 'state') parentPort!.postMessage({ state: app.loadShedding.state() });
  if (message === 'close') void app.close().then(() => parentPort!.close());
});
