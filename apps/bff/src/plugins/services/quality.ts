// The team's work figures for leads (app.quality): read from the reviews and the audit rows on
// app.db (adapters/team-quality, docs/audit.md "Team figures").
import fp from 'fastify-plugin';
import { SqlTeamQuality } from '../../adapters/team-quality/sql-team-quality.ts';
import type { TeamQualityReader } from '../../ports/team-quality.ts';
import { guardStore } from '../../adapters/store-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    quality: TeamQualityReader;
  }
}

export interface QualityPluginOptions {
  /** A reader to use instead of the one on app.db; whoever passes it closes what it holds. */
  use?: TeamQualityReader;
}

export default fp<QualityPluginOptions>(
  async (app, { use }) => {
    // Same database as the reviews: its failures are the reviews store's (adapters/store-errors.ts).
    app.decorate('quality', use ?? guardStore('reviews', new SqlTeamQuality(app.db)));
  },
  { name: 'quality', dependencies: ['database'] },
);
