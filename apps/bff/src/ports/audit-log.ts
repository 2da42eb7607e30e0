// The tenant audit log's reader and verifier. Writers do not go through here: every writer inserts
// into audit_log in its own transaction, and the database chains the row (migration 011).
import type { AuditEntry, AuditOutcome, AuditVerification } from '@redoubt/contracts/audit';
import type { Actor } from './review-store.ts';

export interface AuditFilter {
  /** The actor's email, exactly. */
  actor?: string;
  action?: string;
  /** A customer id: rows whose target is that customer. */
  customer?: string;
  outcome?: AuditOutcome;
  /** Rows at or before this chain position (a link to one row: it comes first). */
  position?: number;
  /** ISO instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

/** The reader, whose read is itself audited, with the role they read as. */
export type AuditReader = Actor & { role: string };

export interface AuditCheckpoint {
  tenant: string;
  position: number;
  hash: string;
  at: string;
}

export interface AuditLog {
  /** One page, newest first; `after` is a cursor from a previous page of the same filter. */
  list(
    tenant: string,
    filter: AuditFilter,
    page: { limit: number; after?: string },
    reader: AuditReader,
  ): Promise<{ rows: AuditEntry[]; next?: string }>;
  /**
   * Every matching row, newest first, read in batches as the stream is consumed (an export). The
   * export's own audit row is written before this resolves, so a failed audit write sends nothing.
   */
  export(
    tenant: string,
    filter: AuditFilter,
    format: 'csv' | 'jsonl',
    reader: AuditReader,
  ): Promise<AsyncIterable<AuditEntry>>;
  /** Walks the tenant's chain from its first row and compares it with the signed checkpoints. */
  verify(tenant: string, reader?: AuditReader): Promise<AuditVerification>;
  /** Signs and stores the chain head of `tenant` when it moved since the last checkpoint. */
  checkpoint(tenant: string): Promise<AuditCheckpoint | undefined>;
  /** Tenants that have an audit chain. */
  tenants(): Promise<string[]>;
}
