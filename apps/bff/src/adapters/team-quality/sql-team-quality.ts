// The team's work figures on PostgreSQL (node-postgres or PGlite: db/database.ts), read as the
// application role in the tenant's transaction (row-level security applies), with the read audited
// in that transaction. Definitions: docs/audit.md, "Team figures"; indexes: migration 013.
import type { QualityFigures, TeamQuality } from '@redoubt/contracts/audit';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditReader } from '../../ports/audit-log.ts';
import type { QualityRange, TeamQualityReader } from '../../ports/team-quality.ts';
import { audit } from '../review-store/sql-review-store.ts';

/** The reviews that count as decisions: one analyst's decision, or one customer of a cluster label. */
const DECIDED = `kind IN ('decision', 'batch')`;
const DAY = (column: string) => `to_char(${column} AT TIME ZONE $4, 'YYYY-MM-DD')`;
/** Four groupings at once: GROUPING(analyst, day) is 0 per analyst and day, 1 per analyst, 2 per day, 3 in all. */
const SETS = 'GROUP BY GROUPING SETS ((analyst, day), (analyst), (day), ())';

/** $1 tenant, $2 from, $3 to, $4 tz. Decisions and the time from entering the queue to the decision. */
const DECISIONS_SQL = `
  SELECT analyst, day, GROUPING(analyst, day) AS g, count(*) AS decisions, count(secs) AS timed,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY secs) AS p90
  FROM (
    SELECT actor_email AS analyst, ${DAY('created_at')} AS day,
           -- GREATEST skips nulls: a decision without a queue time stays null (not timed).
           CASE WHEN queued_at IS NOT NULL THEN GREATEST(0, extract(epoch FROM created_at - queued_at))::float8 END AS secs
    FROM reviews
    WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND ${DECIDED}
  ) d
  ${SETS}`;

/**
 * Labels set in the range, and of those the ones whose next change (the customer's next review
 * with another label, whenever it came) was made by someone else.
 */
const LABELS_SQL = `
  SELECT analyst, day, GROUPING(analyst, day) AS g, count(*) AS labels,
         count(*) FILTER (WHERE overturned) AS overturned
  FROM (
    SELECT r.actor_email AS analyst, ${DAY('r.created_at')} AS day,
           COALESCE(nxt.actor_sub <> r.actor_sub, false) AS overturned
    FROM reviews r
    LEFT JOIN LATERAL (
      SELECT n.actor_sub FROM reviews n
      WHERE n.tenant_id = r.tenant_id AND n.customer_id = r.customer_id AND n.seq > r.seq
        AND n.label IS DISTINCT FROM r.label
      ORDER BY n.seq LIMIT 1
    ) nxt ON true
    WHERE r.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.${DECIDED}
      AND r.label IS NOT NULL AND r.label IS DISTINCT FROM r.before->>'label'
  ) l
  ${SETS}`;

/**
 * Customers reviewed twice: each decision in the range paired with the latest earlier decision on
 * the customer by someone else. A pair counts for both analysts (on the day of the second decision)
 * and once for the team. They agree when the actions are the same and the labels do not conflict
 * (equal, or one of them unset).
 */
const PAIRS_SQL = `
  WITH pairs AS (
    SELECT r.actor_email AS second, p.actor_email AS first, ${DAY('r.created_at')} AS day,
           (p.action IS NOT DISTINCT FROM r.action AND (p.label IS NULL OR r.label IS NULL OR p.label = r.label)) AS agreed
    FROM reviews r
    JOIN LATERAL (
      SELECT p.actor_email, p.action, p.label FROM reviews p
      WHERE p.tenant_id = r.tenant_id AND p.customer_id = r.customer_id AND p.seq < r.seq
        AND p.${DECIDED} AND p.actor_sub <> r.actor_sub
      ORDER BY p.seq DESC LIMIT 1
    ) p ON true
    WHERE r.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 AND r.${DECIDED}
  )
  SELECT analyst, day, GROUPING(analyst, day) AS g, count(*) AS pairs, count(*) FILTER (WHERE agreed) AS agreed
  FROM (SELECT second AS analyst, day, agreed FROM pairs UNION ALL SELECT first, day, agreed FROM pairs) x
  GROUP BY GROUPING SETS ((analyst, day), (analyst))
  UNION ALL
  SELECT NULL, day, 2 + GROUPING(day), count(*), count(*) FILTER (WHERE agreed)
  FROM pairs GROUP BY GROUPING SETS ((day), ())`;

/**
 * Claims that lapsed, on the day they lapsed: a claim (or a lead's reassignment) whose holder's
 * idle time (the tenant's claim_idle_minutes now) passed before the customer's next queue or review
 * action, or with none since. $5 is now: claims still running have not lapsed.
 */
const CLAIMS_SQL = `
  WITH idle AS (
    SELECT COALESCE((SELECT claim_idle_minutes FROM review_settings WHERE tenant_id = $1), 30) * interval '1 minute' AS span
  ), claims AS (
    SELECT a.chain_pos, a.object_id, a.after->>'assignee' AS analyst, a.at + idle.span AS expires
    FROM audit_log a CROSS JOIN idle
    WHERE a.tenant_id = $1 AND a.action IN ('queue.claim', 'queue.reassign') AND a.outcome = 'success'
      AND a.at >= $2::timestamptz - idle.span AND a.at < $3 AND a.after->>'assignee' IS NOT NULL
  )
  SELECT analyst, day, GROUPING(analyst, day) AS g, count(*) AS expired
  FROM (
    SELECT c.analyst, ${DAY('c.expires')} AS day
    FROM claims c
    LEFT JOIN LATERAL (
      SELECT n.at FROM audit_log n
      WHERE n.tenant_id = $1 AND n.object_id = c.object_id AND n.chain_pos > c.chain_pos
        AND n.object_type = 'customer' AND (n.action LIKE 'queue.%' OR n.action LIKE 'review.%')
      ORDER BY n.chain_pos LIMIT 1
    ) n ON true
    WHERE c.expires >= $2 AND c.expires < $3 AND c.expires <= $5 AND (n.at IS NULL OR n.at > c.expires)
  ) e
  ${SETS}`;

/** $1 from, $2 to, $3 tz: every day of the range in tz. */
const DAYS_SQL = `
  SELECT to_char(d, 'YYYY-MM-DD') AS day
  FROM generate_series(($1::timestamptz AT TIME ZONE $3)::date,
                       (($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3)::date,
                       interval '1 day') d
  ORDER BY 1`;

type Grouped = { analyst: string | null; day: string | null; g: number | string };
type Num = string | number | null;

export const emptyFigures = (): QualityFigures => ({
  decisions: 0,
  timed: 0,
  medianSeconds: null,
  p90Seconds: null,
  claimsExpired: 0,
  labels: 0,
  overturned: 0,
  reviewedTwice: 0,
  agreed: 0,
  agreementRate: null,
});

const num = (v: Num) => (v === null ? 0 : Number(v));
const seconds = (v: Num) => (v === null ? null : Math.round(Number(v) * 10) / 10);

export class SqlTeamQuality implements TeamQualityReader {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  figures(tenant: string, range: QualityRange, reader: AuditReader, now = Date.now()): Promise<TeamQuality> {
    const from = new Date(range.from);
    const to = new Date(range.to);
    const params = [tenant, from, to, range.tz];
    return this.#db.withTenant(tenant, async (tx) => {
      const q = <R extends Grouped>(sql: string, extra: unknown[] = []) =>
        tx.query<R>(sql, [...params, ...extra]).then((r) => r.rows);
      // One connection per transaction: the queries run one after another.
      const decisions = await q<Grouped & { decisions: Num; timed: Num; median: Num; p90: Num }>(DECISIONS_SQL);
      const labels = await q<Grouped & { labels: Num; overturned: Num }>(LABELS_SQL);
      const pairs = await q<Grouped & { pairs: Num; agreed: Num }>(PAIRS_SQL);
      const claims = await q<Grouped & { expired: Num }>(CLAIMS_SQL, [new Date(now)]);
      const days = (await tx.query<{ day: string }>(DAYS_SQL, [from, to, range.tz])).rows.map((r) => r.day);

      const groups = new Map<string, { analyst: string | null; day: string | null; figures: QualityFigures }>();
      const at = (row: Grouped) => {
        const g = Number(row.g);
        // GROUPING's bits: 1 = day rolled up, 2 = analyst rolled up.
        const analyst = g & 2 ? null : row.analyst;
        const day = g & 1 ? null : row.day;
        const key = JSON.stringify([analyst, day]);
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { analyst, day, figures: emptyFigures() }));
        return group.figures;
      };
      for (const r of decisions) {
        const f = at(r);
        f.decisions = num(r.decisions);
        f.timed = num(r.timed);
        f.medianSeconds = seconds(r.median);
        f.p90Seconds = seconds(r.p90);
      }
      for (const r of labels) Object.assign(at(r), { labels: num(r.labels), overturned: num(r.overturned) });
      for (const r of pairs) {
        const f = at(r);
        f.reviewedTwice = num(r.pairs);
        f.agreed = num(r.agreed);
      }
      for (const r of claims) at(r).claimsExpired = num(r.expired);
      for (const { figures: f } of groups.values()) {
        f.agreementRate = f.reviewedTwice === 0 ? null : f.agreed / f.reviewedTwice;
      }
      const result = assemble(tenant, range, days, [...groups.values()]);
      await this.#audit(tx, tenant, reader, range);
      return result;
    });
  }

  async #audit(tx: Queryable, tenant: string, reader: AuditReader, range: QualityRange): Promise<void> {
    // Reading the team's figures is reading about people: audited like a read of the audit log.
    await audit(tx, tenant, reader, {
      action: 'quality.read',
      objectType: 'quality',
      objectId: tenant,
      after: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), tz: range.tz },
    });
  }
}

/** The groups in the API's shape: the team, then each analyst by decisions, most first. */
export function assemble(
  tenant: string,
  range: QualityRange,
  days: string[],
  groups: { analyst: string | null; day: string | null; figures: QualityFigures }[],
): TeamQuality {
  const byDay = (a: { day: string }, b: { day: string }) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0);
  const team = {
    totals: groups.find((g) => g.analyst === null && g.day === null)?.figures ?? emptyFigures(),
    days: groups
      .filter((g) => g.analyst === null && g.day !== null)
      .map((g) => ({ day: g.day!, figures: g.figures }))
      .sort(byDay),
  };
  const analysts = groups
    .filter((g) => g.analyst !== null && g.day === null)
    .map((g) => ({
      analyst: g.analyst!,
      totals: g.figures,
      days: groups
        .filter((d) => d.analyst === g.analyst && d.day !== null)
        .map((d) => ({ day: d.day!, figures: d.figures }))
        .sort(byDay),
    }))
    .sort((a, b) => b.totals.decisions - a.totals.decisions || a.analyst.localeCompare(b.analyst));
  return {
    tenant,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    tz: range.tz,
    days,
    team,
    analysts,
    generatedAt: new Date().toISOString(),
  };
}
