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
 * Issue 15: an organisation looked up row by row through its index (and so an agrément, in DEADLINES_FROM). `OFFSET 0`
 * keeps PostgreSQL from flattening the lookup into a join it would plan over every organisation or agrément (a hash of
 * all 10,000 for a few dozen rows: it cannot tell how few deadlines are already past).
 */
const organisationOf = (idColumn: string) =>
  `JOIN LATERAL (SELECT id, name, department, network_id FROM organisations WHERE id = ${idColumn} OFFSET 0) o ON true`;

const ISO_AT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Issue 15: every open deadline of the five sources (agrément deadlines, SES-10 finalisations, BIL-1 statements,
 * SUS-3/TER-5 payments, SES-12 remedies) is a row of the read table `dashboard_deadlines` their triggers keep
 * (migration 1763900081000), indexed on its instant; its organisation and agrément are looked up row by row, as they are
 * now (an agrément's deadline: that agrément; a session: the agrément of the organisation it falls under; a statement or
 * a remedy: its network's agrément, else its organisation's).
 */
const DEADLINES_FROM = `dashboard_deadlines d ${organisationOf('d.organisation_id')}
  LEFT JOIN LATERAL (SELECT id, kind FROM agrements WHERE id = d.agrement_id OFFSET 0) ad ON true
  LEFT JOIN LATERAL (SELECT id, kind FROM agrements
                      WHERE organisation_id = CASE WHEN d.agrement_of_network THEN coalesce(o.network_id, o.id) ELSE d.agrement_organisation_id END
                     OFFSET 0) ao ON true`;
const DEADLINE_COLUMNS = { department: 'o.department', kind: 'coalesce(ad.kind, ao.kind)', organisation: 'o.id', network: 'o.network_id' };
const DEADLINE_ROW = `d.subject, d.subject_id AS "subjectId", coalesce(ad.id, ao.id) AS "agrementId", o.id AS "organisationId",
  o.name AS "organisationName", o.department, coalesce(ad.kind, ao.kind) AS kind, d.deadline, d.rule_id AS "ruleId", d.on_date AS "on",
  ${ISO_AT('d.at')} AS at, d.key`;
/** Whether a filter reads the organisation or the agrément (else the read table alone answers a count). */
const filtered = (f: DashboardFilter) => Boolean(f.department || f.region || f.kind || f.networkId || f.organisationIds);

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
    async overviewCounts(f: DashboardFilter) {
      const params: unknown[] = [];
      // Issue 15: the counts per kind, state and department the agréments' trigger keeps (a few dozen rows); a network
      // or an organisation scope counts its own agréments in the per-agrément read table, by index.
      const agrements =
        !f.networkId && !f.organisationIds
          ? `SELECT kind, state, sum(n)::int AS n FROM dashboard_agrement_counts
              WHERE ${['n <> 0', ...placeAndKind(f, params, { department: 'department', kind: 'kind' })].join(' AND ')}
              GROUP BY 1, 2 HAVING sum(n) > 0`
          : `SELECT r.kind, r.state, count(*)::int AS n FROM dashboard_agrements r WHERE true ${where(f, params, 'r.organisation_id', READ_TABLE)} GROUP BY 1, 2`;
      // A centre or a coordinator counts only its own applications; the place filters apply (kind is the agrément's,
      // not the application's).
      const applications = `SELECT ap.state, count(*)::int AS n, count(ap.overdue_flagged_at)::int AS overdue
         FROM applications ap JOIN organisations o ON o.id = ap.organisation_id WHERE true ${where({ ...f, kind: undefined }, params, 'ap.organisation_id')}
        GROUP BY 1`;
      // One round trip: both lists as JSON.
      const [row]: Array<{
        agrements: { kind: string; state: string; n: number }[];
        applications: { state: string; n: number; overdue: number }[];
      }> = await db.query(
        `SELECT (SELECT coalesce(json_agg(x), '[]'::json) FROM (${agrements}) x) AS agrements,
                (SELECT coalesce(json_agg(x), '[]'::json) FROM (${applications}) x) AS applications`,
        params,
      );
      return row!;
    },

    async upcomingDeadlines(f: DashboardFilter & { days: number; name?: string; now: Date }) {
      const params: unknown[] = [f.now.toISOString(), new Date(f.now.getTime() + f.days * 86_400_000).toISOString()];
      const range = `d.upcoming AND d.registered AND d.at >= $1 AND d.at < $2${f.name ? ` AND d.deadline = $${params.push(f.name)}` : ''}`;
      const filter = where(f, params, 'd.organisation_id', DEADLINE_COLUMNS);
      // Counted (an index-only count when no filter reads the organisation or the agrément) and paged in one round trip.
      const counted = filtered(f)
        ? `SELECT count(*)::int FROM ${DEADLINES_FROM} WHERE ${range} ${filter}`
        : `SELECT count(*)::int FROM dashboard_deadlines d WHERE ${range}`;
      const rows: Array<KeyedDeadlineRow & { total: number }> = await db.query(
        `SELECT (${counted}) AS total, p.* FROM (SELECT true) one LEFT JOIN (
           SELECT ${DEADLINE_ROW} FROM ${DEADLINES_FROM} WHERE ${range} ${filter}
            ORDER BY d.at, o.name, d.tiebreak LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}
         ) p ON true`,
        params,
      );
      const total = rows[0]?.total ?? 0;
      return { total, items: rows.filter((r) => r.subject !== null).map(({ total: _n, ...r }) => r) };
    },

    async overdueSources(f: DashboardFilter & { now: Date; applications: boolean }) {
      // Issue 15: the three sources in one round trip, each a JSON list (the overdue use case merges and pages them).
      const params: unknown[] = [f.now.toISOString()];
      const awaiting = `SELECT a.id AS "agrementId", o.name AS "organisationName", a.snapshot->'proposals' AS proposals,
             to_char(a.renewal_missed_on, 'YYYY-MM-DD') AS "renewalMissedOn"
        FROM agrements a ${organisationOf('a.organisation_id')}
       WHERE (a.open_proposals > 0 OR a.renewal_missed_on IS NOT NULL) AND a.state NOT IN ('expired', 'terminated') ${where(f, params)}`;
      // APP-7: applications flagged overdue and not yet decided; the place filters apply, not the scope.
      const applications = f.applications
        ? `SELECT a.id AS "applicationId", o.name AS "organisationName", ${ISO_AT('a.overdue_flagged_at')} AS "flaggedAt"
             FROM applications a JOIN organisations o ON o.id = a.organisation_id
            WHERE a.overdue_flagged_at IS NOT NULL AND a.state NOT IN ('rejected', 'attestation-issued')
              ${where({ department: f.department, region: f.region, limit: f.limit, offset: f.offset }, params)}`
        : null;
      const deadlines = `SELECT ${DEADLINE_ROW}, d.tiebreak FROM ${DEADLINES_FROM}
       WHERE d.overdue_listed AND d.registered AND d.at < $1 ${where(f, params, 'd.organisation_id', DEADLINE_COLUMNS)}`;
      const list = (sql: string | null, order = '') =>
        sql ? `(SELECT coalesce(json_agg(x ${order}), '[]'::json) FROM (${sql}) x)` : `'[]'::json`;
      const [row]: Array<{
        agrements: AgrementAwaiting[];
        applications: Array<{ applicationId: string; organisationName: string; flaggedAt: string }>;
        deadlines: Array<KeyedDeadlineRow & { tiebreak: string }>;
      }> = await db.query(
        `SELECT ${list(awaiting)} AS agrements, ${list(applications)} AS applications,
                ${list(deadlines, 'ORDER BY x.at, x.tiebreak')} AS deadlines`,
        params,
      );
      return {
        agrements: row!.agrements,
        applications: row!.applications.map((a) => ({ ...a, flaggedAt: new Date(a.flaggedAt) })),
        deadlines: row!.deadlines.map(({ tiebreak: _t, key: _k, ...d }) => d),
      };
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
      // Issue 15: paged here, over the read table (state, name, department, kind, network), each page's agréments' JSON
      // read by their key; ordered by state, name, then agrément (stable across pages).
      const params: unknown[] = [];
      const chosen = `r.state IN ('suspended', 'under-notice', 'terminating') ${where(f, params, 'r.organisation_id', READ_TABLE)}`;
      const rows: Array<Record<string, unknown> & { total: number }> = await db.query(
        `SELECT (SELECT count(*)::int FROM dashboard_agrements r WHERE ${chosen}) AS total, p.*
           FROM (SELECT true) one LEFT JOIN (
             SELECT r.agrement_id AS "agrementId", r.name AS "organisationName", r.department, r.kind, r.state,
                    a.snapshot->'suspension' AS suspension, a.snapshot->'breach' AS breach, a.snapshot->'termination' AS termination
               FROM dashboard_agrements r JOIN agrements a ON a.id = r.agrement_id
              WHERE ${chosen} ORDER BY r.state, r.name, r.agrement_id LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}
           ) p ON true`,
        params,
      );
      return { total: rows[0]?.total ?? 0, items: rows.filter((r) => r.agrementId !== null).map(({ total: _n, ...r }) => r) };
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
