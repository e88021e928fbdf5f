import { PARAMETERS } from '../../config/parameters';
import type { Db } from '../../shared/database/db';
import { departmentsOfRegion } from '../../shared/domain/regions';
import { readLogEntries } from '../../shared/event-log/event-log';
import { sessionStreamId } from '../../sessions/usecases/session-stream';
import type { AgrementAwaiting, DashboardFilter, DashboardRepository, KeyedDeadlineRow, QuotaProjection } from '../usecases/ports';

/**
 * The dashboards' read models, straight from the tables the workflows keep: every list filtered (region or
 * department, kind, network, the user's organisations) by `where`, counted and paged in SQL where it is long.
 * bench:api measures this SQL.
 */
function where(f: DashboardFilter, params: unknown[], organisationColumn = 'a.organisation_id'): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (f.department) add('o.department = ?', f.department);
  if (f.region) add('o.department = ANY(?)', departmentsOfRegion(f.region) ?? []);
  if (f.kind) add('a.kind = ?', f.kind);
  if (f.networkId) add('(o.id = ? OR o.network_id = ?)', f.networkId);
  if (f.organisationIds) add(`${organisationColumn} = ANY(?)`, f.organisationIds);
  return clauses.length ? `AND ${clauses.join(' AND ')}` : '';
}

/**
 * Every source of dated deadlines, as one SELECT each with the same columns. `$1`/`$2` bound the
 * instants; the filter's parameters are appended by `where`. Each source reads an index on its instant.
 */
type DeadlineSource = (params: unknown[], f: DashboardFilter & { name?: string }) => string;

const ISO_AT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const agrementDeadlines: DeadlineSource = (params, f) => {
  const nameClause = f.name ? `AND d.name = $${params.push(f.name)}` : '';
  return `SELECT 'agrement' AS subject, a.id::text AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, d.name AS deadline, d.rule_id AS "ruleId", to_char(d.on_date, 'YYYY-MM-DD') AS "on", d.at, d.key AS tiebreak, d.key
            FROM agrement_deadlines d JOIN agrements a ON a.id = d.agrement_id JOIN organisations o ON o.id = a.organisation_id
           WHERE d.at >= $1 AND d.at < $2 ${nameClause} ${where(f, params)}`;
};

/** SES-10: sessions not yet finalised, due 48 hours after their end (the date shown is the venue's). */
const FINALISATION = 'finalisation-due';
const sessionFinalisations =
  (overdue: boolean): DeadlineSource =>
  (params, f) => {
    if (f.name && f.name !== FINALISATION) return '';
    const range = overdue ? 's.deadline_at < $1' : 's.deadline_at >= $1 AND s.deadline_at < $2';
    return `SELECT 'session' AS subject, s.id AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${FINALISATION}' AS deadline, 'SES-10' AS "ruleId",
                 to_char(s.deadline_at AT TIME ZONE s.time_zone, 'YYYY-MM-DD') AS "on", s.deadline_at AS at, s.id AS tiebreak, '${FINALISATION}' AS key
            FROM sessions s JOIN organisations o ON o.id = s.organisation_id LEFT JOIN agrements a ON a.organisation_id = s.agrement_organisation_id
           WHERE s.status = 'planned' AND ${range} ${where(f, params, 's.organisation_id')}`;
  };

/** BIL-1: monthly statements not yet sent, due by the 5th (end of day, Paris). */
const STATEMENT = 'statement-due';
const statementsDue =
  (overdue: boolean): DeadlineSource =>
  (params, f) => {
    if (f.name && f.name !== STATEMENT) return '';
    const range = overdue ? 'st.due_at < $1' : 'st.due_at >= $1 AND st.due_at < $2';
    // SUS-3, TER-5: a statement made payable at once is due the day of the suspension or end, under that rule.
    return `SELECT 'statement' AS subject, st.id::text AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${STATEMENT}' AS deadline, coalesce(st.payable_rule_id, 'BIL-1') AS "ruleId",
                 to_char(st.due_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "on", st.due_at AS at, st.id::text AS tiebreak, '${STATEMENT}' AS key
            FROM monthly_statements st JOIN organisations o ON o.id = st.organisation_id LEFT JOIN agrements a ON a.organisation_id = coalesce(o.network_id, o.id)
           WHERE st.state = 'prepared' AND ${range} ${where(f, params, 'st.organisation_id')}`;
  };

/**
 * SUS-3, TER-5: statements sent or invoiced, not paid, made payable at once by a suspension or an end: due on
 * that day (an invoice issued later: on its issue day; never later than BIL-2's 30 days), end of day in Paris.
 */
const PAYMENT = 'payment-due';
const paymentsDue =
  (overdue: boolean): DeadlineSource =>
  (params, f) => {
    if (f.name && f.name !== PAYMENT) return '';
    const term = Number(PARAMETERS.billing.paymentTermDays);
    const dueOn = `(CASE WHEN st.invoice_issued_on IS NULL THEN st.payable_on
                       ELSE LEAST(st.invoice_issued_on + ${term}, GREATEST(st.payable_on, st.invoice_issued_on)) END)`;
    const at = `((${dueOn} + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond'`;
    const range = overdue ? `${at} < $1` : `${at} >= $1 AND ${at} < $2`;
    return `SELECT 'statement' AS subject, st.id::text AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${PAYMENT}' AS deadline, st.payable_rule_id AS "ruleId",
                 to_char(${dueOn}, 'YYYY-MM-DD') AS "on", ${at} AS at, st.id::text AS tiebreak, '${PAYMENT}' AS key
            FROM monthly_statements st JOIN organisations o ON o.id = st.organisation_id LEFT JOIN agrements a ON a.organisation_id = coalesce(o.network_id, o.id)
           WHERE st.state IN ('sent', 'invoiced') AND st.payable_on IS NOT NULL AND ${range} ${where(f, params, 'st.organisation_id')}`;
  };

/** SES-12: remedies owed after an incident attributable to the centre, due by the end of the 5th day after the session. */
const REMEDY = 'remedy-due';
const remediesDue =
  (overdue: boolean): DeadlineSource =>
  (params, f) => {
    if (f.name && f.name !== REMEDY) return '';
    const range = overdue
      ? `r.state IN ('awaiting', 'overdue') AND r.due_at < $1`
      : `r.state = 'awaiting' AND r.due_at >= $1 AND r.due_at < $2`;
    return `SELECT 'session' AS subject, r.session_id AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${REMEDY}' AS deadline, 'SES-12' AS "ruleId", r.snapshot->>'dueOn' AS "on", r.due_at AS at, r.session_id AS tiebreak, '${REMEDY}' AS key
            FROM session_remedies r JOIN organisations o ON o.id = r.organisation_id LEFT JOIN agrements a ON a.organisation_id = coalesce(o.network_id, o.id)
           WHERE ${range} ${where(f, params, 'r.organisation_id')}`;
  };

export function dashboardRepository(db: Db): DashboardRepository {
  return {
    async agrementCounts(f: DashboardFilter) {
      const params: unknown[] = [];
      const rows: { kind: string; state: string; n: number }[] = await db.query(
        `SELECT a.kind, a.state, count(*)::int AS n FROM agrements a JOIN organisations o ON o.id = a.organisation_id WHERE true ${where(f, params)} GROUP BY 1, 2`,
        params,
      );
      return rows;
    },

    async applicationCounts(f: DashboardFilter) {
      // The place filters apply (kind is the agrément's, not the application's).
      const appParams: unknown[] = [];
      const appWhere = where({ ...f, kind: undefined }, appParams, 'ap.organisation_id');
      const apps: { state: string; n: number; overdue: number }[] = await db.query(
        `SELECT ap.state, count(*)::int AS n, count(ap.overdue_flagged_at)::int AS overdue
       FROM applications ap JOIN organisations o ON o.id = ap.organisation_id WHERE true ${appWhere} GROUP BY 1`,
        appParams,
      );
      return apps;
    },

    async upcomingDeadlines(f: DashboardFilter & { days: number; name?: string; now: Date }) {
      const params: unknown[] = [f.now.toISOString(), new Date(f.now.getTime() + f.days * 86_400_000).toISOString()];
      // Counted and paged in SQL, on indexed tables (not the snapshots' JSON).
      const union = [agrementDeadlines, sessionFinalisations(false), statementsDue(false), paymentsDue(false), remediesDue(false)]
        .map((source) => source(params, f))
        .filter(Boolean)
        .join(' UNION ALL ');
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total FROM (${union}) u`, params);
      const rows: Array<KeyedDeadlineRow & { at: Date; tiebreak?: string }> = await db.query(
        `SELECT u.*, ${ISO_AT('u.at')} AS at FROM (${union}) u ORDER BY u.at, u."organisationName", u.tiebreak LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`,
        params,
      );
      return { total, items: rows.map(({ tiebreak: _t, ...r }) => r) };
    },

    async overdueDeadlines(f: DashboardFilter & { now: Date }) {
      const params: unknown[] = [f.now.toISOString()]; // $1 only: an unused parameter has no type PostgreSQL can infer
      const union = [sessionFinalisations(true), statementsDue(true), paymentsDue(true), remediesDue(true)]
        .map((source) => source(params, f))
        .filter(Boolean)
        .join(' UNION ALL ');
      const rows: Array<KeyedDeadlineRow & { tiebreak?: string }> = await db.query(
        `SELECT u.*, ${ISO_AT('u.at')} AS at FROM (${union}) u ORDER BY u.at, u.tiebreak`,
        params,
      );
      return rows.map(({ tiebreak: _t, key: _k, ...r }) => r);
    },

    async agrementsAwaiting(f: DashboardFilter): Promise<AgrementAwaiting[]> {
      const params: unknown[] = [];
      const rows: { id: string; name: string; proposals: AgrementAwaiting['proposals']; renewal_missed_on: string | null }[] =
        await db.query(
          `SELECT a.id, o.name, a.snapshot->'proposals' AS proposals, to_char(a.renewal_missed_on, 'YYYY-MM-DD') AS renewal_missed_on
       FROM agrements a JOIN organisations o ON o.id = a.organisation_id
      WHERE (a.open_proposals > 0 OR a.renewal_missed_on IS NOT NULL) AND a.state NOT IN ('expired', 'terminated') ${where(f, params)}`,
          params,
        );
      return rows.map((r) => ({
        agrementId: r.id,
        organisationName: r.name,
        proposals: r.proposals,
        renewalMissedOn: r.renewal_missed_on,
      }));
    },

    async overdueApplications(place: Pick<DashboardFilter, 'department' | 'region'>) {
      const apps: { id: string; name: string; since: Date }[] = await db.query(
        `SELECT a.id, o.name, a.overdue_flagged_at AS since FROM applications a JOIN organisations o ON o.id = a.organisation_id
        WHERE a.overdue_flagged_at IS NOT NULL AND a.state NOT IN ('rejected', 'attestation-issued')
          AND ($1::text IS NULL OR o.department = $1) AND ($2::text[] IS NULL OR o.department = ANY($2))`,
        [place.department ?? null, place.region ? (departmentsOfRegion(place.region) ?? []) : null],
      );
      return apps.map((a) => ({ applicationId: a.id, organisationName: a.name, flaggedAt: a.since }));
    },

    async quotasAtRisk(
      f: DashboardFilter & { today: string; targets: { centre: number; network: number } },
    ): Promise<{ total: number; items: QuotaProjection[] }> {
      // QUO-3's projection (projectedCandidates) done in SQL so that the shortfall can be sorted and paged there:
      // candidates × (window in days) ÷ (days elapsed), over the 3-year window from the first grant.
      const months = PARAMETERS.quota.months;
      const params: unknown[] = [f.today, f.targets.centre, f.targets.network];
      const from = `FROM (
      SELECT a.id, o.name, a.kind, a.candidates, a.first_grant_on,
             (a.first_grant_on + make_interval(months => ${Number(months)}))::date AS deadline_on,
             CASE WHEN a.kind = 'network' THEN $3::int ELSE $2::int END AS target,
             CASE WHEN $1::date - a.first_grant_on <= 0 THEN 0
                  ELSE floor(a.candidates::numeric * ((a.first_grant_on + make_interval(months => ${Number(months)}))::date - a.first_grant_on)
                             / ($1::date - a.first_grant_on))::int END AS projected
        FROM agrements a JOIN organisations o ON o.id = a.organisation_id
       WHERE a.state NOT IN ('expired', 'terminated') ${where(f, params)}) q
    WHERE $1::date < q.deadline_on AND q.projected < q.target`;
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total ${from}`, params);
      const rows: { id: string; name: string; kind: string; candidates: number; target: number; projected: number; deadline_on: string }[] =
        await db.query(
          `SELECT q.id, q.name, q.kind, q.candidates, q.target, q.projected, to_char(q.deadline_on, 'YYYY-MM-DD') AS deadline_on
       ${from} ORDER BY q.target - q.projected DESC, q.name LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`,
          params,
        );
      return {
        total,
        items: rows.map((r) => ({
          agrementId: r.id,
          organisationName: r.name,
          kind: r.kind,
          candidates: r.candidates,
          target: r.target,
          projected: r.projected,
          deadlineOn: r.deadline_on,
        })),
      };
    },

    async watchlist(f: DashboardFilter) {
      const params: unknown[] = [];
      const rows = await db.query(
        `SELECT a.id AS "agrementId", o.name AS "organisationName", o.department, a.kind, a.state, a.snapshot->'suspension' AS suspension,
            a.snapshot->'breach' AS breach, a.snapshot->'termination' AS termination
       FROM agrements a JOIN organisations o ON o.id = a.organisation_id
      WHERE a.state IN ('suspended', 'under-notice', 'terminating') ${where(f, params)} ORDER BY a.state, o.name`,
        params,
      );
      return rows as Record<string, unknown>[];
    },

    async organisation(organisationId: string) {
      const [organisation]: { id: string; name: string; department: string | null }[] = await db.query(
        `SELECT id, name, department FROM organisations WHERE id = $1`,
        [organisationId],
      );
      return organisation ?? null;
    },

    async centreHistory(organisationId: string, page: { limit: number; offset: number }) {
      const sessions: { id: string }[] = await db.query(`SELECT id FROM sessions WHERE organisation_id = $1`, [organisationId]);
      const streams = `
    SELECT 'agrement' AS stream_type, id AS stream_id FROM agrements WHERE organisation_id = $1
    UNION ALL SELECT 'statement', id FROM monthly_statements WHERE organisation_id = $1
    UNION ALL SELECT 'control-visit', id FROM control_visits WHERE organisation_id = $1
    UNION ALL SELECT 'centre-quality', $1::uuid
    UNION ALL SELECT 'session', unnest($2::uuid[])`;
      return readLogEntries(db, streams, [organisationId, sessions.map((s) => sessionStreamId(s.id))], page);
    },
  };
}
