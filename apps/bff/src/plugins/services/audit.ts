// The audit log's reader and verifier (app.audit), and the periodic signed checkpoint of every
// tenant's chain head: a row in audit_checkpoints and a log line, so a removed tail is detectable
// from either (docs/audit.md).
import fp from 'fastify-plugin';
import { SqlAuditLog } from '../../adapters/audit-log/sql-audit-log.ts';
import type { AuditLog } from '../../ports/audit-log.ts';
import { guardStore } from '../../adapters/store-errors.ts';
import { secretsFor } from '../../secrets.ts';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
}

export interface AuditPluginOptions {
  /** A log to use instead of the one on app.db (no checkpoint timer then). */
  use?: AuditLog;
  /** How often each tenant's chain head is signed and stored; default 5 minutes, 0 to never. */
  checkpointEveryMs?: number;
}

export const CHECKPOINT_EVERY_MS = 5 * 60_000;

export default fp<AuditPluginOptions>(
  async (app, { use, checkpointEveryMs = CHECKPOINT_EVERY_MS }) => {
    if (use) {
      app.decorate('audit', use);
      return;
    }
    const secrets = secretsFor(app.config);
    const log = guardStore(
      'audit',
      new SqlAuditLog(app.db, { cursorSigner: secrets.signer('cursor'), checkpointSigner: secrets.signer('audit') }),
    );
    app.decorate('audit', log);
    if (checkpointEveryMs <= 0) return;
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        for (const tenant of await log.tenants()) {
          const cp = await log.checkpoint(tenant);
          // The head in the logs too: a copy outside the database to compare a checkpoint with.
          if (cp) app.log.info({ auditCheckpoint: cp }, 'audit chain checkpoint');
        }
      } catch (error) {
        app.log.error({ err: error }, 'could not checkpoint the audit chains');
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void tick(), checkpointEveryMs);
    timer.unref();
    app.addHook('onClose', () => clearInterval(timer));
  },
  { name: 'audit', dependencies: ['database', 'config'] },
);
