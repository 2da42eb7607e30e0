// The SearchIndex: customer search documents (Elasticsearch when configured, else node:sqlite FTS5
// under the data folder).
import fp from 'fastify-plugin';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ElasticsearchSearchIndex } from '../../adapters/search-index/elasticsearch-search-index.ts';
import { SqliteSearchIndex } from '../../adapters/search-index/sqlite-search-index.ts';
import type { SearchIndex } from '../../ports/search-index.ts';
import { secretsFor } from '../../secrets.ts';

declare module 'fastify' {
  interface FastifyInstance {
    // Not `search`: Fastify already has app.search(), the shorthand for HTTP SEARCH routes.
    searchIndex: SearchIndex;
  }
}

export interface SearchPluginOptions {
  /** An index to use instead of opening one from the configuration; whoever passes it closes it. */
  use?: SearchIndex;
}

export default fp<SearchPluginOptions>(
  async (app, { use }) => {
    let search = use;
    if (!search) {
      const { elasticsearchUrl, dataDir } = app.config;
      // Cursors signed with the configured secret: every replica accepts every other's pages.
      const cursorSigner = secretsFor(app.config).signer('cursor');
      if (elasticsearchUrl) {
        search = await ElasticsearchSearchIndex.open({ node: elasticsearchUrl, cursorSigner });
      } else {
        await mkdir(dataDir, { recursive: true });
        search = new SqliteSearchIndex(join(dataDir, 'search.db'), { cursorSigner });
      }
      const opened = search;
      app.addHook('onClose', () => opened.close());
    }
    app.decorate('searchIndex', search);
  },
  { name: 'search', dependencies: ['config'] },
);
