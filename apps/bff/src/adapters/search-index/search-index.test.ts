import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { searchIndexContract } from '../../../test/contracts/search-index.contract.ts';
import type { CustomerDoc } from '../../ports/search-index.ts';
import { SqliteSearchIndex } from './sqlite-search-index.ts';
import { ElasticsearchSearchIndex } from './elasticsearch-search-index.ts';

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

// Elasticsearch cannot run on this project's machines or CI; the same suite runs live wherever
// ELASTICSEARCH_URL points at a cluster (a plain condition, not needs(): its absence is expected
// here and must not fail strict mode). The adapter's exact requests are checked with a mock in
// elasticsearch.test.ts.
const elasticsearchUrl = process.env.ELASTICSEARCH_URL;
if (elasticsearchUrl) {
  searchIndexContract('Elasticsearch (live)', async () => {
    const index = await ElasticsearchSearchIndex.open({
      node: elasticsearchUrl,
      index: `redoubt_test_${process.pid}_${Date.now().toString(36)}`,
    });
    return {
      index,
      raw: (tenant, id) => index.getDocument(tenant, id),
      cleanup: () => index.deleteIndex(),
    };
  });
}
