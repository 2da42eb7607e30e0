// The audit plugin's checkpoint timer: each tenant whose chain moved gets a signed checkpoint row
// and a log line naming its head; an unmoved chain gets neither.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { migrate, openPglite } from '../../db/database.ts';
import { SqlReviewStore } from '../../adapters/review-store/sql-review-store.ts';
import configPlugin from '../config.ts';
import database from './database.ts';
import audit from './audit.ts';
import { baseConfig } from '../../../test/auth/fake-services.ts';
import type { Config } from '../../config.ts';

describe('audit plugin', () => {
  it('checkpoints every moved chain on its timer, in the table and in the logs', async () => {
    const db = await openPglite(undefined);
    await migrate(db);
    const store = new SqlReviewStore(db);
    await store.ensureTenant('acme', 'Acme');
    await store.ensureTenant('quiet', 'Quiet');
    const lines: { msg: string; auditCheckpoint?: { tenant: string; position: number; hash: string } }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const config: Config = { ...baseConfig, secret: { current: 'x'.repeat(40), previous: undefined } } as Config;
    const app = Fastify({ logger: { level: 'info', stream } });
    await app.register(configPlugin, { config });
    await app.register(database, { use: db });
    await app.register(audit, { checkpointEveryMs: 100 });
    await app.ready();
    try {
      for (let i = 0; i < 3; i++) {
        await store.addNote(
          'acme',
          { sub: 's', email: 'a@x.test' },
          { id: crypto.randomUUID(), customerId: 'c', body: 'b' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      const logged = lines.filter((l) => l.msg === 'audit chain checkpoint');
      assert.equal(logged.length, 1, JSON.stringify(lines));
      assert.deepEqual([logged[0]!.auditCheckpoint!.tenant, logged[0]!.auditCheckpoint!.position], ['acme', 3]);
      const rows = await db.query<{ tenant_id: string; chain_pos: number; hash: string }>(
        "SELECT tenant_id, chain_pos, encode(row_hash, 'hex') AS hash FROM audit_checkpoints",
      );
      assert.deepEqual(rows.rows, [{ tenant_id: 'acme', chain_pos: 3, hash: logged[0]!.auditCheckpoint!.hash }]);
      const verified = await app.audit.verify('acme');
      assert.deepEqual([verified.ok, verified.checkpoint?.position], [true, 3]);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
