// ReviewStore on PostgreSQL: the same code for node-postgres and PGlite (see db/database.ts).
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor, Note, ReviewStore } from '../../ports/review-store.ts';

interface NoteRow {
  id: string;
  customer_id: string;
  author_email: string;
  body: string;
  created_at: Date | string;
}

const toNote = (r: NoteRow): Note => ({
  id: r.id,
  customerId: r.customer_id,
  authorEmail: r.author_email,
  body: r.body,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function audit(
  tx: Queryable,
  tenant: string,
  actor: Actor,
  entry: {
    action: string;
    objectType: string;
    objectId: string;
    outcome?: 'success' | 'failure';
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (tenant_id, actor_sub, actor_email, action, outcome, object_type, object_id, request_id, client_ip, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      tenant,
      actor.sub,
      actor.email,
      entry.action,
      entry.outcome ?? 'success',
      entry.objectType,
      entry.objectId,
      actor.requestId ?? null,
      actor.clientIp ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  );
}

export class SqlReviewStore implements ReviewStore {
  readonly db: Database;
  constructor(db: Database) {
    this.db = db;
  }

  async ensureTenant(id: string, name: string): Promise<void> {
    await this.db.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
  }

  async listTenants(): Promise<{ id: string; name: string }[]> {
    return (await this.db.query<{ id: string; name: string }>('SELECT id, name FROM tenants ORDER BY id')).rows;
  }

  listNotes(tenant: string, customerId: string, limit: number): Promise<Note[]> {
    return this.db.withTenant(tenant, async (tx) => {
      const { rows } = await tx.query<NoteRow>(
        `SELECT id, customer_id, author_email, body, created_at FROM notes
         WHERE customer_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
        [customerId, limit],
      );
      return rows.map(toNote);
    });
  }

  addNote(
    tenant: string,
    actor: Actor,
    note: { id: string; customerId: string; body: string },
  ): Promise<{ note: Note; created: boolean } | { conflict: true }> {
    return this.db.withTenant(tenant, async (tx) => {
      const inserted = await tx.query<NoteRow>(
        `INSERT INTO notes (tenant_id, id, customer_id, author_sub, author_email, body)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, id) DO NOTHING
         RETURNING id, customer_id, author_email, body, created_at`,
        [tenant, note.id, note.customerId, actor.sub, actor.email, note.body],
      );
      if (inserted.rows[0]) {
        const created = toNote(inserted.rows[0]);
        await audit(tx, tenant, actor, {
          action: 'note.add',
          objectType: 'customer',
          objectId: note.customerId,
          after: created,
        });
        return { note: created, created: true };
      }
      const existing = await tx.query<NoteRow & { author_sub: string }>(
        'SELECT id, customer_id, author_sub, author_email, body, created_at FROM notes WHERE id = $1',
        [note.id],
      );
      const row = existing.rows[0];
      if (row && row.customer_id === note.customerId && row.body === note.body && row.author_sub === actor.sub) {
        return { note: toNote(row), created: false };
      }
      return { conflict: true };
    });
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
