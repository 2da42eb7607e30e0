import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateOpenApi } from './openapi.ts';

it('docs/openapi.json is the document generated from the route schemas (run `npm run openapi`)', async () => {
  const committed = await readFile(resolve(import.meta.dirname, '../../../../docs/openapi.json'), 'utf8');
  const generated = await generateOpenApi();
  assert.ok(JSON.parse(generated).paths['/api/tenants/{tenant}/customers/search'], 'search route documented');
  assert.equal(committed, generated, 'docs/openapi.json is out of date: run `npm run openapi`');
});
