// The tenant audit log as the API shows it (GET /api/tenants/:tenant/audit, audit.csv, audit.jsonl,
// audit/verify): rows of one tenant's hash chain, newest first, and the chain's verification.
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
