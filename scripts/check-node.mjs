// Fails loudly when a script runs on a Node older than the project's pin (see docs/decisions/0001).
// npm scripts put node_modules/.bin first on PATH, where the `node` devDependency installs Node 22.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `Redoubt needs Node >= 22.18 (found ${process.versions.node} at ${process.execPath}).\n` +
      'Run scripts through npm (npm start, npm test) after `npm ci`, which installs the pinned Node 22.',
  );
  process.exit(1);
}
