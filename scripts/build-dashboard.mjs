// Builds the dashboard unless the last build is newer than every source it depends on, so a
// restart of `npm start` takes seconds rather than a full Angular build.
import { execSync } from 'node:child_process';
import { existsSync, statSync, globSync } from 'node:fs';

const output = 'dist/apps/dashboard/browser/index.html';
const sources = [
  ...globSync('apps/dashboard/**/*', { exclude: (f) => f.includes('node_modules') }),
  'libs/contracts/src/api.ts',
  'angular.json',
  'package-lock.json',
  'tsconfig.base.json',
];
const newest = Math.max(...sources.filter(existsSync).map((f) => statSync(f).mtimeMs));
if (process.argv.includes('--force') || !existsSync(output) || statSync(output).mtimeMs < newest) {
  execSync('ng build', { stdio: 'inherit' });
} else {
  console.log('dashboard build is up to date');
}
