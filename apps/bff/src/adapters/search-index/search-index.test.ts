import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { searchIndexContract } from '../../../test/contracts/search-index.contract.ts';
import type { CustomerDoc } from '../../ports/search-index.ts';
import { SqliteSearchIndex } from './sqlite-search-index.ts';

searchIndexContract('embedded (node:sqlite FTS5 + trigrams)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'redoubt-search-'));
  const file = join(dir, 'search.db');
  const index = new SqliteSearchIndex(file);
  const probe = new DatabaseSync(file, { readOnly: true });
  return {
    index,
    raw: async (tenant, id) => {
      const row = probe.prepare('SELECT body FROM docs WHERE tenant = ? AND id = ?').get(tenant, id) as
        { body: string } | undefined;
      return row ? (JSON.parse(row.body) as CustomerDoc) : undefined;
    },
    cleanup: async () => {
      probe.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

// Elasticsearch cannot run on this project's CI machines; the live suite runs wherever
// ELASTICSEARCH_URL points at a cluster. Its requests are checked with a mock in elasticsearch.test.ts.
