// Writes the OpenAPI document generated from the route schemas (the same one /docs/json serves)
// to docs/openapi.json, so the API contract can be read and diffed without running the BFF.
// `npm run openapi`; `npm run openapi -- --check` fails when the committed file is out of date.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { buildApp } from '../app.ts';

export async function generateOpenApi(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'redoubt-openapi-'));
  const config = loadConfig({ REDOUBT_DATA_DIR: dataDir, DEMO_CUSTOMERS: '0', REDOUBT_DASHBOARD_DIR: 'none' });
  try {
    const app = await buildApp({ config, logger: false });
    try {
      await app.ready();
      return JSON.stringify(app.swagger(), null, 2) + '\n';
    } finally {
      await app.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const target = resolve(import.meta.dirname, '../../../../docs/openapi.json');
  const document = await generateOpenApi();
  if (process.argv.includes('--check')) {
    const committed = await readFile(target, 'utf8').catch(() => '');
    if (committed !== document) {
      console.error('docs/openapi.json is out of date: run `npm run openapi`');
      process.exit(1);
    }
    console.log('docs/openapi.json is up to date');
  } else {
    await writeFile(target, document);
    console.log(`wrote ${target}`);
  }
}
