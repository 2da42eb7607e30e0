// `npm test`: lint, type-check, unit + contract suites (node:test), dashboard specs (Vitest),
// end-to-end journeys (Playwright). Prints the totals at the end. In strict mode (CI=true or
// REDOUBT_STRICT=1) a skipped test is a failure: a real adapter's suite must run, not skip.
import { spawn } from 'node:child_process';

const strict = process.env.CI === 'true' || process.env.REDOUBT_STRICT === '1';
const only = process.argv.slice(2);

const steps = [
  { name: 'lint', cmd: 'npm run lint' },
  { name: 'typecheck', cmd: 'npm run typecheck' },
  { name: 'unit', cmd: 'npm run test:unit', counts: 'node' },
  { name: 'dashboard', cmd: 'npm run test:dashboard', counts: 'vitest' },
  { name: 'e2e', cmd: 'npm run test:e2e', counts: 'playwright' },
].filter((s) => only.length === 0 || only.includes(s.name));

function run(cmd) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, { shell: true, stdio: ['inherit', 'pipe', 'pipe'], env: process.env });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}

// Strip ANSI colours before matching the runners' summary lines.
// eslint-disable-next-line no-control-regex
const plain = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');
const parsers = {
  node(out) {
    const n = (k) =>
      [...plain(out).matchAll(new RegExp(`^ℹ ${k} (\\d+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
    return { passed: n('pass'), failed: n('fail') + n('cancelled'), skipped: n('skipped') + n('todo') };
  },
  vitest(out) {
    const line = plain(out).match(/^\s*Tests\s+(.*)$/m)?.[1] ?? '';
    const n = (k) => Number(line.match(new RegExp(`(\\d+) ${k}`))?.[1] ?? 0);
    return { passed: n('passed'), failed: n('failed'), skipped: n('skipped') + n('todo') };
  },
  playwright(out) {
    const n = (k) => Number(plain(out).match(new RegExp(`^\\s*(\\d+) ${k}`, 'm'))?.[1] ?? 0);
    return { passed: n('passed'), failed: n('failed') + n('flaky'), skipped: n('skipped') + n('did not run') };
  },
};

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
let ok = true;
for (const step of steps) {
  const started = Date.now();
  const { code, out } = await run(step.cmd);
  const counts = step.counts ? parsers[step.counts](out) : undefined;
  if (counts) for (const k of Object.keys(totals)) totals[k] += counts[k];
  const skippedInStrict = strict && counts && counts.skipped > 0;
  const passed = code === 0 && !skippedInStrict;
  ok &&= passed;
  summary.push(
    `${passed ? 'ok  ' : 'FAIL'} ${step.name.padEnd(10)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s` +
      (counts ? `  passed ${counts.passed}, failed ${counts.failed}, skipped ${counts.skipped}` : '') +
      (skippedInStrict ? '  (skips are failures in strict mode)' : ''),
  );
  if (!passed) break;
}
console.log('\n' + summary.join('\n'));
console.log(
  `\nTOTAL: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${strict ? ' (strict)' : ''}`,
);
process.exit(ok ? 0 : 1);
