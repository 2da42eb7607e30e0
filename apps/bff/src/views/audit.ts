// The audit log's export formats: CSV (formula cells neutralised, as in views/overview.ts) and JSON
// lines, one row at a time for a streamed answer.
import type { AuditEntry } from '@redoubt/contracts/audit';
import { csvCell } from './overview.ts';

export const AUDIT_CSV_COLUMNS = [
  'position',
  'at',
  'actor_email',
  'actor_sub',
  'actor_role',
  'action',
  'outcome',
  'target_type',
  'target_id',
  'before',
  'after',
  'request_id',
  'caller_request_id',
  'client_ip',
  'prev_hash',
  'hash',
] as const;

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export function auditCsvRow(e: AuditEntry): string {
  return `${[
    e.position,
    e.at,
    e.actor.email,
    e.actor.sub,
    e.actor.role,
    e.action,
    e.outcome,
    e.target.type,
    e.target.id,
    json(e.before),
    json(e.after),
    e.requestId,
    e.callerRequestId,
    e.clientIp,
    e.prevHash,
    e.hash,
  ]
    .map(csvCell)
    .join(',')}\r\n`;
}

export async function* auditCsv(rows: AsyncIterable<AuditEntry>): AsyncGenerator<string> {
  yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  for await (const row of rows) yield auditCsvRow(row);
}

export async function* auditJsonl(rows: AsyncIterable<AuditEntry>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}
