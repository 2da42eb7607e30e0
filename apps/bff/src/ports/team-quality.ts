// The team's work figures for its leads (GET /api/tenants/:tenant/quality): per analyst and per day,
// read from the reviews, the claims and the audit rows (docs/audit.md, "Team figures").
import type { TeamQuality } from '@redoubt/contracts/audit';
import type { AuditReader } from './audit-log.ts';

export interface QualityRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** IANA time zone whose days the figures are counted in. */
  tz: string;
}

export interface TeamQualityReader {
  /**
   * The figures of `range`; the read itself is audited (`quality.read`) in the same transaction.
   * `now` bounds the claims counted as expired (a claim whose idle time has not passed has not lapsed).
   */
  figures(tenant: string, range: QualityRange, reader: AuditReader, now?: number): Promise<TeamQuality>;
}
