// ReviewStore: analysts' notes (and, with the reviews issue, decisions and labels) plus the
// audit row written in the same transaction. Adapters: PostgreSQL via pg, PGlite embedded.
export interface Actor {
  sub: string;
  email: string;
  requestId?: string;
  clientIp?: string;
}

export interface Note {
  id: string;
  customerId: string;
  authorEmail: string;
  body: string;
  createdAt: string;
}

export interface ReviewStore {
  ensureTenant(id: string, name: string): Promise<void>;
  listTenants(): Promise<{ id: string; name: string }[]>;
  listNotes(tenant: string, customerId: string, limit: number): Promise<Note[]>;
  /**
   * Adds a note; the client-chosen id makes a retry safe: the same id and body return the stored
   * note (created false), the same id with another body is a conflict.
   */
  addNote(
    tenant: string,
    actor: Actor,
    note: { id: string; customerId: string; body: string },
  ): Promise<{ note: Note; created: boolean } | { conflict: true }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
