// The built dashboard: each file it holds at start-up is one public GET route (@fastify/static
// with wildcard off), and each client-side route of access.ts DASHBOARD_PAGES answers the app
// shell. Nothing else is public: there is no catch-all, so a route added later without a rule in
// access.ts is refused, and an unknown path is a 404.
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DASHBOARD_PAGES } from '../access.ts';

/** The dashboard's files as URL paths ('/main-XYZ.js', '/media/x.woff2'), plus '/' for index.html. */
export function dashboardFiles(dir: string | undefined): Set<string> {
  const files = new Set<string>();
  if (!dir || !existsSync(join(dir, 'index.html'))) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files.add(`/${relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/')}`);
  }
  files.add('/');
  return files;
}

export default fp<{ dir: string | undefined }>(
  async (app, { dir }) => {
    if (!dir || !existsSync(join(dir, 'index.html'))) return;
    // preCompressed: the build writes .br and .gz beside each text file (scripts/build-dashboard.mjs);
    // a browser that accepts one gets it, with Vary: Accept-Encoding. The plugin's own `/` index
    // route answers 404 when preCompressed is on (@fastify/static 10), so `/` is one of the pages below.
    await app.register(fastifyStatic, { root: dir, wildcard: false, index: false, preCompressed: true });
    for (const page of ['/', ...DASHBOARD_PAGES]) {
      app.get(page, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
    }
  },
  { name: 'dashboard' },
);
