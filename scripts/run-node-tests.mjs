// Runs every *.test.ts of the Node side with node:test (type stripping, no build step).
// Files run in parallel processes; suites that share a backend use their own database or prefix.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const patterns = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['engine/**/*.test.ts', 'libs/**/*.test.ts', 'apps/bff/**/*.test.ts', 'scripts/**/*.test.ts'];
const files = patterns.flatMap((p) => globSync(p, { exclude: (f) => f.includes('node_modules') })).sort();
if (files.length === 0) {
  console.error('no test files matched', patterns);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    '--test-timeout=300000',
    '--disable-warning=ExperimentalWarning',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
