import { PARAMETERS } from '../../config/parameters';
import { type Db, entityManager } from '../../shared/database/db';
import { departmentsOfRegion } from '../../shared/domain/regions';
import { readLogEntries } from '../../shared/event-log/event-log';
import { sessionStreamId } from '../../sessions/usecases/session-stream';
import type { AgrementAwaiting, DashboardFilter, DashboardRepository, KeyedDeadlineRow, QuotaProjection } from '../usecases/ports';

/**
 * The dashboards' read models, straight from the tables the workflows keep: every list filtered (region or
 * department, kind, network, the user's organisations) by `where`, counted and paged in SQL where it is long.
 * bench:api measures this SQL.
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
const READ_TABLE = { department: 'r.department', kind: 'r.kind', organisation: 'r.organisation_id', network: 'r.network_id' };

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

/** QUO-3's projection basis: the day it is made for and the two targets, as the read table's rows carry it. */
type QuotaBasis = { today: string; targets: { centre: number; network: number } };
const quotaBasis = (b: QuotaBasis) => `${b.today}/${Number(b.targets.centre)}/${Number(b.targets.network)}`;
/** Whether every row of the read table is projected on the basis `$1` (or there is none): two ends of its index. */
const ON_BASIS = `coalesce((SELECT min(quota_basis) FROM dashboard_agrements) = $1 AND (SELECT max(quota_basis) FROM dashboard_agrements) = $1, true)`;

/**
 * Moves the quota projection's basis and rewrites every row on another one (their trigger projects them again), in one
 * transaction under an advisory lock: two readers finding the basis stale move it one after the other, the second
 * finding nothing left to rewrite.
 */
async function moveQuotaBasis(db: Db, b: QuotaBasis): Promise<void> {
  await entityManager(db).transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('dashboard-quota-basis'))`);
    await m.query(
      `INSERT INTO dashboard_quota_basis (singleton, as_of, centre_target, network_target) VALUES (true, $1, $2, $3)
       ON CONFLICT (singleton) DO UPDATE SET as_of = EXCLUDED.as_of, centre_target = EXCLUDED.centre_target, network_target = EXCLUDED.network_target`,
      [b.today, b.targets.centre, b.targets.network],
    );
    // Any update runs the row's BEFORE trigger, which projects it on the basis just written.
    await m.query(`UPDATE dashboard_agrements SET quota_basis = '' WHERE quota_basis <> $1`, [quotaBasis(b)]);
  });
}

export function dashboardRepository(db: Db): DashboardRepository {
  return {
    async agrementCounts(f: DashboardFilter) {
      const params: unknown[] = [];
      // Issue 15: the counts per kind, state and department the agréments' trigger keeps (a few dozen rows); a network
      // or an organisation scope counts its own agréments in the per-agrément read table, by index.
      if (!f.networkId && !f.organisationIds) {
        const counts: { kind: string; state: string; n: number }[] = await db.query(
          `SELECT kind, state, sum(n)::int AS n FROM dashboard_agrement_counts
            WHERE ${['n <> 0', ...placeAndKind(f, params, { department: 'department', kind: 'kind' })].join(' AND ')}
            GROUP BY 1, 2 HAVING sum(n) > 0`,
          params,
        );
        return counts;
      }
      const rows: { kind: string; state: string; n: number }[] = await db.query(
        `SELECT r.kind, r.state, count(*)::int AS n FROM dashboard_agrements r WHERE true ${where(f, params, 'r.organisation_id', READ_TABLE)} GROUP BY 1, 2`,
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

    async agrementsAwaiting(f: DashboardFilter): Promise<AgrementAwaiting[]> {
      const params: unknown[] = [];
      const rows: { id: string; name: string; proposals: AgrementAwaiting['proposals']; renewal_missed_on: string | null }[] =
        await db.query(
          `SELECT a.id, o.name, a.snapshot->'proposals' AS proposals, to_char(a.renewal_missed_on, 'YYYY-MM-DD') AS renewal_missed_on
       FROM agrements a ${organisationOf('a.organisation_id')}
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
      // Issue 15: each row of the read table carries QUO-3's projection as of a basis (a day, the two targets), kept by
      // its trigger (migration 1763900080000); the at-risk rows are read in their order from their partial index,
      // counted and paged in one round trip, with whether every row is on today's basis.
      const basis = quotaBasis(f);
      const params: unknown[] = [basis];
      const filter = where(f, params, 'r.organisation_id', READ_TABLE);
      type Row = { id: string; name: string; kind: string; candidates: number; target: number; projected: number; deadline_on: string };
      const read = async (): Promise<{ fresh: boolean; total: number; rows: Array<Row & { fresh: boolean; total: number }> }> => {
        const rows: Array<Row & { fresh: boolean; total: number }> = await db.query(
          `SELECT ${ON_BASIS} AS fresh,
                  (SELECT count(*)::int FROM dashboard_agrements r WHERE r.quota_at_risk ${filter}) AS total, p.*
             FROM (SELECT true) one LEFT JOIN (
               SELECT r.agrement_id AS id, r.name, r.kind, r.candidates, r.quota_target AS target, r.quota_projected AS projected,
                      to_char(r.quota_window_end_on, 'YYYY-MM-DD') AS deadline_on
                 FROM dashboard_agrements r WHERE r.quota_at_risk ${filter}
                ORDER BY r.quota_shortfall DESC, r.name LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}
             ) p ON true`,
          params,
        );
        return { fresh: rows[0]!.fresh, total: rows[0]!.total, rows: rows.filter((r) => r.id !== null) };
      };
      let answer = await read();
      // A row on another basis (a new day, other targets, a row written while the basis moved): move the basis, rewrite
      // the stale rows, read again. A writer racing the move leaves its row stale at worst: the next round takes it.
      for (let attempt = 0; !answer.fresh && attempt < 3; attempt++) {
        await moveQuotaBasis(db, f);
        answer = await read();
      }
      return {
        total: answer.total,
        items: answer.rows.map((r) => ({
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

    async projectQuotas(basis: QuotaBasis) {
      const [{ fresh }]: { fresh: boolean }[] = await db.query(`SELECT ${ON_BASIS} AS fresh`, [quotaBasis(basis)]);
      if (!fresh) await moveQuotaBasis(db, basis);
      return !fresh;
    },

    async watchlist(f: DashboardFilter) {
      const params: unknown[] = [];
      const rows = await db.query(
        `SELECT a.id AS "agrementId", o.name AS "organisationName", o.department, a.kind, a.state, a.snapshot->'suspension' AS suspension,
            a.snapshot->'breach' AS breach, a.snapshot->'termination' AS termination
       FROM agrements a ${organisationOf('a.organisation_id')}
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
