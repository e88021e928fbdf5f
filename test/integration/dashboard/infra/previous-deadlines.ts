import { PARAMETERS } from '../../../../src/config/parameters';
import type { Db } from '../../../../src/shared/database/db';
import { departmentsOfRegion } from '../../../../src/shared/domain/regions';
import type { DashboardFilter, KeyedDeadlineRow, OverdueRow } from '../../../../src/dashboard/usecases/ports';
import type { Agrement } from '../../../../src/agrement/domain/agrement';
import { dateIn } from '../../../../src/shared/domain/zoned-time';

/**
 * Issue 15: the deadlines dashboards' previous definition, verbatim (commit 8d4c731, src/dashboard/infra/dashboard.repository.ts):
 * a union of the five sources planned on every request. The read table `dashboard_deadlines` must answer exactly as it
 * did (test/integration/dashboard/infra/dashboard-read-tables.test.ts). The overdue dashboard's previous merge follows
 * (previousOverdue, commit 56dc746).
 */
function where(f: DashboardFilter, params: unknown[], organisationColumn = 'a.organisation_id', columns = JOINED): string {
  const clauses = placeAndKind(f, params, columns);
  if (f.networkId) clauses.push(`(${columns.organisation} = $${params.push(f.networkId)} OR ${columns.network} = $${params.length})`);
  if (f.organisationIds) clauses.push(`${organisationColumn} = ANY($${params.push(f.organisationIds)})`);
  return clauses.length ? `AND ${clauses.join(' AND ')}` : '';
}

/** The department, region and kind filters, for a table that has these columns (every one `where` reads, or the counts table). */
function placeAndKind(f: DashboardFilter, params: unknown[], columns: { department: string; kind: string }): string[] {
  const clauses: string[] = [];
  if (f.department) clauses.push(`${columns.department} = $${params.push(f.department)}`);
  if (f.region) clauses.push(`${columns.department} = ANY($${params.push(departmentsOfRegion(f.region) ?? [])})`);
  if (f.kind) clauses.push(`${columns.kind} = $${params.push(f.kind)}`);
  return clauses;
}

/** The filters' columns: over agrements `a` joined to organisations `o`, or over the read table dashboard_agrements `r`. */
const JOINED = { department: 'o.department', kind: 'a.kind', organisation: 'o.id', network: 'o.network_id' };

/**
 * Issue 15: an organisation, and an agrément by its organisation, looked up row by row through their index. `OFFSET 0`
 * keeps PostgreSQL from flattening the lookup into a join it would plan over every organisation or agrément (a hash of
 * all 10,000 for a few dozen rows: it cannot tell how few planned sessions are already past their deadline).
 */
const organisationOf = (idColumn: string) =>
  `JOIN LATERAL (SELECT id, name, department, network_id FROM organisations WHERE id = ${idColumn} OFFSET 0) o ON true`;
const agrementOf = (organisationColumn: string) =>
  `LEFT JOIN LATERAL (SELECT id, kind FROM agrements WHERE organisation_id = ${organisationColumn} OFFSET 0) a ON true`;

/**
 * Every source of dated deadlines, as one SELECT each with the same columns. `$1`/`$2` bound the
 * instants; the filter's parameters are appended by `where`. Each source reads an index on its instant.
 */
type DeadlineSource = (params: unknown[], f: DashboardFilter & { name?: string }, mode?: SourceMode) => string;

/**
 * How a source is read. `count`: only counted (the agréments' deadlines then join their agrément and organisation by
 * LEFT JOIN, the same rows since both are foreign keys, which PostgreSQL drops when no filter reads them: an index-only
 * count; the other sources read their own table, see countedAlone). `top`: only its first `top` rows by instant, ties
 * included, each an ordered index scan (issue 15: a page of the union needs no more from any source).
 */
interface SourceMode {
  count?: boolean;
  top?: number;
}

/**
 * Issue 15: a count needs neither the agrément (a LEFT JOIN) nor the organisation's columns when no filter reads them,
 * only that the organisation exists (the list's inner join; sessions have no foreign key): joining 1,500 sessions to
 * both took most of the deadlines' time. Null: the source's full SELECT.
 */
const countedAlone = (f: DashboardFilter, mode: SourceMode | undefined, table: string, organisationColumn: string) =>
  mode?.count === true && !f.department && !f.region && !f.kind && !f.networkId
    ? `SELECT 1 FROM ${table} WHERE EXISTS (SELECT 1 FROM organisations o WHERE o.id = ${organisationColumn})`
    : null;

/** A source's SELECT as a branch of the union: its first rows by instant, ties included. */
const branch = (sql: string, mode: Required<Pick<SourceMode, 'top'>>) =>
  `(${sql} ORDER BY at FETCH FIRST ${Number(mode.top)} ROWS WITH TIES)`;

const ISO_AT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const agrementDeadlines: DeadlineSource = (params, f, mode) => {
  const nameClause = f.name ? `AND d.name = $${params.push(f.name)}` : '';
  const join = mode?.count ? 'LEFT JOIN' : 'JOIN';
  const columns = mode?.count
    ? '1'
    : `'agrement' AS subject, a.id::text AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, d.name AS deadline, d.rule_id AS "ruleId", to_char(d.on_date, 'YYYY-MM-DD') AS "on", d.at, d.key AS tiebreak, d.key`;
  return `SELECT ${columns}
            FROM agrement_deadlines d ${join} agrements a ON a.id = d.agrement_id ${join} organisations o ON o.id = a.organisation_id
           WHERE d.at >= $1 AND d.at < $2 ${nameClause} ${where(f, params)}`;
};

/** SES-10: sessions not yet finalised, due 48 hours after their end (the date shown is the venue's). */
const FINALISATION = 'finalisation-due';
const sessionFinalisations =
  (overdue: boolean): DeadlineSource =>
  (params, f, mode) => {
    if (f.name && f.name !== FINALISATION) return '';
    const range = overdue ? 's.deadline_at < $1' : 's.deadline_at >= $1 AND s.deadline_at < $2';
    const counted = countedAlone(f, mode, 'sessions s', 's.organisation_id');
    if (counted) return `${counted} AND s.status = 'planned' AND ${range} ${where(f, params, 's.organisation_id')}`;
    return `SELECT 'session' AS subject, s.id AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${FINALISATION}' AS deadline, 'SES-10' AS "ruleId",
                 to_char(s.deadline_at AT TIME ZONE s.time_zone, 'YYYY-MM-DD') AS "on", s.deadline_at AS at, s.id AS tiebreak, '${FINALISATION}' AS key
            FROM sessions s ${organisationOf('s.organisation_id')} ${agrementOf('s.agrement_organisation_id')}
           WHERE s.status = 'planned' AND ${range} ${where(f, params, 's.organisation_id')}`;
  };

/** BIL-1: monthly statements not yet sent, due by the 5th (end of day, Paris). */
const STATEMENT = 'statement-due';
const statementsDue =
  (overdue: boolean): DeadlineSource =>
  (params, f, mode) => {
    if (f.name && f.name !== STATEMENT) return '';
    const range = overdue ? 'st.due_at < $1' : 'st.due_at >= $1 AND st.due_at < $2';
    const counted = countedAlone(f, mode, 'monthly_statements st', 'st.organisation_id');
    if (counted) return `${counted} AND st.state = 'prepared' AND ${range} ${where(f, params, 'st.organisation_id')}`;
    // SUS-3, TER-5: a statement made payable at once is due the day of the suspension or end, under that rule.
    return `SELECT 'statement' AS subject, st.id::text AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${STATEMENT}' AS deadline, coalesce(st.payable_rule_id, 'BIL-1') AS "ruleId",
                 to_char(st.due_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS "on", st.due_at AS at, st.id::text AS tiebreak, '${STATEMENT}' AS key
            FROM monthly_statements st ${organisationOf('st.organisation_id')} ${agrementOf('coalesce(o.network_id, o.id)')}
           WHERE st.state = 'prepared' AND ${range} ${where(f, params, 'st.organisation_id')}`;
  };

/**
 * SUS-3, TER-5: statements sent or invoiced, not paid, made payable at once by a suspension or an end: due on
 * that day (an invoice issued later: on its issue day; never later than BIL-2's 30 days), end of day in Paris.
 */
const PAYMENT = 'payment-due';
const paymentsDue =
  (overdue: boolean): DeadlineSource =>
  (params, f, mode) => {
    if (f.name && f.name !== PAYMENT) return '';
    const term = Number(PARAMETERS.billing.paymentTermDays);
    const dueOn = `(CASE WHEN st.invoice_issued_on IS NULL THEN st.payable_on
                       ELSE LEAST(st.invoice_issued_on + ${term}, GREATEST(st.payable_on, st.invoice_issued_on)) END)`;
    const at = `((${dueOn} + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond'`;
    const range = overdue ? `${at} < $1` : `${at} >= $1 AND ${at} < $2`;
    const counted = countedAlone(f, mode, 'monthly_statements st', 'st.organisation_id');
    if (counted)
      return `${counted} AND st.state IN ('sent', 'invoiced') AND st.payable_on IS NOT NULL AND ${range} ${where(f, params, 'st.organisation_id')}`;
    return `SELECT 'statement' AS subject, st.id::text AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${PAYMENT}' AS deadline, st.payable_rule_id AS "ruleId",
                 to_char(${dueOn}, 'YYYY-MM-DD') AS "on", ${at} AS at, st.id::text AS tiebreak, '${PAYMENT}' AS key
            FROM monthly_statements st ${organisationOf('st.organisation_id')} ${agrementOf('coalesce(o.network_id, o.id)')}
           WHERE st.state IN ('sent', 'invoiced') AND st.payable_on IS NOT NULL AND ${range} ${where(f, params, 'st.organisation_id')}`;
  };

/** SES-12: remedies owed after an incident attributable to the centre, due by the end of the 5th day after the session. */
const REMEDY = 'remedy-due';
const remediesDue =
  (overdue: boolean): DeadlineSource =>
  (params, f, mode) => {
    if (f.name && f.name !== REMEDY) return '';
    const range = overdue
      ? `r.state IN ('awaiting', 'overdue') AND r.due_at < $1`
      : `r.state = 'awaiting' AND r.due_at >= $1 AND r.due_at < $2`;
    const counted = countedAlone(f, mode, 'session_remedies r', 'r.organisation_id');
    if (counted) return `${counted} AND ${range} ${where(f, params, 'r.organisation_id')}`;
    return `SELECT 'session' AS subject, r.session_id AS "subjectId", a.id AS "agrementId", o.id AS "organisationId", o.name AS "organisationName",
                 o.department, a.kind, '${REMEDY}' AS deadline, 'SES-12' AS "ruleId", r.snapshot->>'dueOn' AS "on", r.due_at AS at, r.session_id AS tiebreak, '${REMEDY}' AS key
            FROM session_remedies r ${organisationOf('r.organisation_id')} ${agrementOf('coalesce(o.network_id, o.id)')}
           WHERE ${range} ${where(f, params, 'r.organisation_id')}`;
  };

export function previousDeadlines(db: Db) {
  return {
    async upcomingDeadlines(f: DashboardFilter & { days: number; name?: string; now: Date }) {
      const params: unknown[] = [f.now.toISOString(), new Date(f.now.getTime() + f.days * 86_400_000).toISOString()];
      // Counted and paged in SQL, on indexed tables (not the snapshots' JSON).
      const sources = [agrementDeadlines, sessionFinalisations(false), statementsDue(false), paymentsDue(false), remediesDue(false)];
      const union = (mode: SourceMode, wrap: (sql: string) => string) =>
        sources
          .map((source) => source(params, f, mode))
          .filter(Boolean)
          .map(wrap)
          .join(' UNION ALL ');
      // Counted and paged in one round trip; the page reads only the first offset + limit rows of each source.
      const counted = union({ count: true }, (sql) => `SELECT count(*) AS n FROM (${sql}) b`);
      const top = { top: Number(f.offset) + Number(f.limit) };
      const paged = union(top, (sql) => branch(sql, top));
      const rows: Array<KeyedDeadlineRow & { at: Date; tiebreak?: string; total: number }> = await db.query(
        `SELECT (SELECT sum(n)::int FROM (${counted}) c) AS total, p.*
           FROM (SELECT true) one LEFT JOIN (
             SELECT u.*, ${ISO_AT('u.at')} AS at FROM (${paged}) u ORDER BY u.at, u."organisationName", u.tiebreak LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}
           ) p ON true`,
        params,
      );
      const total = rows[0]?.total ?? 0;
      return { total, items: rows.filter((r) => r.subject !== null).map(({ tiebreak: _t, total: _n, ...r }) => r) };
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
  };
}

/**
 * The overdue dashboard as it was before it was ordered and paged in PostgreSQL: its two other sources' SQL and the
 * use case's merge, verbatim; its deadlines are the union's above. The previous SQL read the agréments and the
 * applications in no defined order (ties on the date and the name then came in that order): they are taken here by id.
 */
export function previousOverdue(db: Db) {
  return async (f: DashboardFilter & { now: Date }) => {
    const applicationsListed = !f.organisationIds && !f.kind && !f.networkId;
    const params: unknown[] = [];
    const agrements: Array<{
      agrementId: string;
      organisationName: string;
      proposals: Agrement['proposals'];
      renewalMissedOn: string | null;
    }> = await db.query(
      `SELECT a.id AS "agrementId", o.name AS "organisationName", a.snapshot->'proposals' AS proposals,
                to_char(a.renewal_missed_on, 'YYYY-MM-DD') AS "renewalMissedOn"
           FROM agrements a ${organisationOf('a.organisation_id')}
          WHERE (a.open_proposals > 0 OR a.renewal_missed_on IS NOT NULL) AND a.state NOT IN ('expired', 'terminated') ${where(f, params)}
          ORDER BY a.id`,
      params,
    );
    const appParams: unknown[] = [];
    const applications: Array<{ applicationId: string; organisationName: string; flaggedAt: Date }> = applicationsListed
      ? await db.query(
          `SELECT a.id AS "applicationId", o.name AS "organisationName", a.overdue_flagged_at AS "flaggedAt"
             FROM applications a JOIN organisations o ON o.id = a.organisation_id
            WHERE a.overdue_flagged_at IS NOT NULL AND a.state NOT IN ('rejected', 'attestation-issued')
              ${where({ department: f.department, region: f.region, limit: f.limit, offset: f.offset }, appParams)}
            ORDER BY a.id`,
          appParams,
        )
      : [];
    const deadlines = await previousDeadlines(db).overdueDeadlines(f);
    const out: OverdueRow[] = [];
    for (const r of agrements) {
      for (const p of r.proposals ?? []) {
        out.push({
          subject: 'agrement',
          id: r.agrementId,
          agrementId: r.agrementId,
          organisationName: r.organisationName,
          what: `${p.kind}-proposed`,
          ruleId: p.ruleId,
          since: p.proposedOn,
        });
      }
      if (r.renewalMissedOn) {
        out.push({
          subject: 'agrement',
          id: r.agrementId,
          agrementId: r.agrementId,
          organisationName: r.organisationName,
          what: 'renewal-request-missed',
          ruleId: 'AGR-2',
          since: r.renewalMissedOn,
        });
      }
    }
    for (const a of applications) {
      out.push({
        subject: 'application',
        id: a.applicationId,
        agrementId: null,
        organisationName: a.organisationName,
        what: 'procedure-overdue',
        ruleId: 'APP-7',
        since: dateIn(a.flaggedAt, PARAMETERS.agrement.timeZone),
      });
    }
    for (const d of deadlines) {
      out.push({
        subject: d.subject as OverdueRow['subject'],
        id: d.subjectId,
        agrementId: d.agrementId,
        organisationName: d.organisationName,
        what: d.deadline.replace(/-due$/, '-overdue'),
        ruleId: d.ruleId,
        since: d.on,
      });
    }
    out.sort((x, y) => (x.since < y.since ? -1 : x.since > y.since ? 1 : x.organisationName.localeCompare(y.organisationName)));
    return { total: out.length, limit: f.limit, offset: f.offset, items: out.slice(f.offset, f.offset + f.limit) };
  };
}
