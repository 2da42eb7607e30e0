// The tenant audit log as the API shows it (GET /api/tenants/:tenant/audit, audit.csv, audit.jsonl,
// audit/verify): rows of one tenant's hash chain, newest first, and the chain's verification; and the
// team's work figures that leads read beside it (GET /api/tenants/:tenant/quality: per analyst and
// per day, computed from the reviews, the claims and the audit rows; docs/audit.md "Team figures").
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export const AuditOutcome = Type.Union([Type.Literal('success'), Type.Literal('failure')]);
export type AuditOutcome = Static<typeof AuditOutcome>;

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, hex' });

export const AuditEntry = Type.Object({
  /** Position in the tenant's chain: 1, 2, 3 … with no gaps. */
  position: Type.Integer({ minimum: 1 }),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    sub: Type.String(),
    email: Type.String(),
    role: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String(),
  outcome: AuditOutcome,
  target: Type.Object({ type: Type.String(), id: Type.String() }),
  before: Type.Unknown({ description: 'The object before the action (null when created)' }),
  after: Type.Unknown({ description: 'The object after the action (null when removed)' }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  callerRequestId: Type.Union([Type.String(), Type.Null()], { description: "The caller's X-Request-Id (untrusted)" }),
  clientIp: Type.Union([Type.String(), Type.Null()]),
  prevHash: Hash,
  hash: Hash,
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Type.Object({
  rows: Type.Array(AuditEntry),
  /** Signed cursor of the next (older) page; absent on the last page. */
  next: Type.Optional(Type.String()),
});
export type AuditPage = Static<typeof AuditPage>;

export const AuditBreak = Type.Object({
  position: Type.Integer({ minimum: 1 }),
  reason: Type.Union(
    [
      Type.Literal('content'),
      Type.Literal('link'),
      Type.Literal('missing'),
      Type.Literal('checkpoint'),
      Type.Literal('truncated'),
    ],
    {
      description:
        "content: the row's hash does not match its content; link: it does not follow the previous row; " +
        'missing: positions are skipped; checkpoint: a signed checkpoint disagrees or its signature fails; ' +
        'truncated: a signed checkpoint names a position past the end of the chain',
    },
  ),
  detail: Type.String(),
});
export type AuditBreak = Static<typeof AuditBreak>;

export const AuditVerification = Type.Object({
  tenant: Type.String(),
  ok: Type.Boolean(),
  /** Rows whose hash and link were checked (up to the break, when there is one). */
  checked: Type.Integer({ minimum: 0 }),
  /** The last intact row: verified up to here. */
  head: Type.Union([
    Type.Object({ position: Type.Integer(), hash: Hash, at: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  /** The newest signed checkpoint compared against the chain. */
  checkpoint: Type.Union([
    Type.Object({ position: Type.Integer(), at: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  broken: Type.Union([AuditBreak, Type.Null()]),
  verifiedAt: Type.String({ format: 'date-time' }),
});
export type AuditVerification = Static<typeof AuditVerification>;

// ---- Team figures (GET /api/tenants/:tenant/quality) ----
const Count = Type.Integer({ minimum: 0 });
const Seconds = Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
  description: 'Seconds; null when no decision in the group has a known queue time',
});

/** The figures of one analyst on one day, of one analyst over the range, or of the whole team. */
export const QualityFigures = Type.Object({
  /** Decisions and labels recorded (reviews of kind decision, and each customer of a cluster label). */
  decisions: Count,
  /** Of those, the decisions on customers that were in the queue: the ones timed below. */
  timed: Count,
  /** Median time from entering the queue to the decision. */
  medianSeconds: Seconds,
  /** 90th percentile of the same. */
  p90Seconds: Seconds,
  /** Claims that lapsed (the tenant's idle time passed with no review, release or reassignment). */
  claimsExpired: Count,
  /** Labels set (a label that differs from the customer's label before). */
  labels: Count,
  /** Of those, labels whose next change was made by someone else. */
  overturned: Count,
  /** Decisions on a customer that someone else had decided before (each pair counts for both analysts). */
  reviewedTwice: Count,
  /** Of those pairs, the ones where both chose the same action and labels that do not conflict. */
  agreed: Count,
  agreementRate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
    description: 'agreed / reviewedTwice; null when no customer was reviewed twice',
  }),
});
export type QualityFigures = Static<typeof QualityFigures>;

export const QualityDay = Type.Object({
  /** The day in the requested time zone, YYYY-MM-DD. */
  day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  figures: QualityFigures,
});
export type QualityDay = Static<typeof QualityDay>;

export const AnalystQuality = Type.Object({
  /** The analyst's (or lead's) email, as their reviews and claims record it. */
  analyst: Type.String(),
  totals: QualityFigures,
  /** Days with any figure, oldest first. */
  days: Type.Array(QualityDay),
});
export type AnalystQuality = Static<typeof AnalystQuality>;

export const TeamQuality = Type.Object({
  tenant: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  tz: Type.String(),
  /** Every day of the range in tz, oldest first (the charts' axis). */
  days: Type.Array(Type.String()),
  team: Type.Object({ totals: QualityFigures, days: Type.Array(QualityDay) }),
  /** By decisions, most first. */
  analysts: Type.Array(AnalystQuality),
  generatedAt: Type.String({ format: 'date-time' }),
});
export type TeamQuality = Static<typeof TeamQuality>;
