// What a spawned `node apps/bff/src/server.ts` writes, stdout and stderr together, read line by
// line as it comes, and the address it says it listens at (Fastify's "Server listening at …").
// Used by the tests that start the server as its own process (hardening/sigterm.test.ts,
// replicas/two-processes.test.ts).
import type { ChildProcess } from 'node:child_process';

export class ServerLog {
  readonly lines: string[] = [];
  /** From the "Server listening at" line; '' until the server has written it. */
  url = '';

  /** `keep`: the most lines kept (the oldest go first); `onLine` sees every line. */
  constructor(child: ChildProcess, options: { keep?: number; onLine?: (line: string) => void } = {}) {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        this.lines.push(line);
        if (options.keep !== undefined && this.lines.length > options.keep) this.lines.shift();
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (listening && !this.url) this.url = listening[1]!;
        options.onLine?.(line);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  }
}
