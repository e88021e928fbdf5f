import { type Db, entityManager } from '../../shared/database/db';
import { preparedQuery } from '../../shared/database/prepared-query';
import { QUOTA_BASIS_MOVING } from '../../shared/database/migrations/1763900087000-quota-risk-counts';
import { type JsonText, parseJsonText } from '../../shared/domain/json-text';
import { departmentsOfRegion } from '../../shared/domain/regions';
import { readLogEntries } from '../../shared/event-log/event-log';
import { sessionStreamId } from '../../sessions/usecases/session-stream';
import type {
  DashboardFilter,
  DashboardRepository,
  DeadlineRow,
  JsonPage,
  KeyedDeadlineRow,
  OverdueRow,
  QuotaRow,
  UpcomingFilter,
} from '../usecases/ports';

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
/** A deadline's row (DeadlineRow); the calendar feed's also has its key (KeyedDeadlineRow). */
const DEADLINE_ROW = `d.subject, d.subject_id AS "subjectId", coalesce(ad.id, ao.id) AS "agrementId", o.id AS "organisationId",
  o.name AS "organisationName", o.department, coalesce(ad.kind, ao.kind) AS kind, d.deadline, d.rule_id AS "ruleId", d.on_date AS "on",
  ${ISO_AT('d.at')} AS at`;
const KEYED_DEADLINE_ROW = `${DEADLINE_ROW}, d.key`;
/** A page's LIMIT and OFFSET as parameters: the text of a prepared statement stays the same from page to page. */
const pageOf = (f: { limit: number; offset: number }, params: unknown[]) =>
  `LIMIT $${params.push(Number(f.limit))} OFFSET $${params.push(Number(f.offset))}`;

/**
 * A list's count and one of its pages in one round trip, as a prepared statement, the page as JSON built by PostgreSQL
 * (issue 15: the API serves it as is; parsing 50 rows into objects and serialising them again cost it more CPU than
 * the rest of the request). Each item is its row, keyed by the page's column names. json_agg takes the rows in the
 * page's order: they come straight from its sorted, limited subquery, with nothing above it that could reorder them (a
 * join would; the form PostgreSQL's documentation gives for an ordered aggregate without ORDER BY, which it says
 * "will usually work", and how PostgREST builds its bodies); the integration tests check every page's order against
 * the previous definitions. `head` may add columns (e.g. whether the quotas are fresh); `withClause` may name what both
 * the count and the page read.
 */
async function countedPage<Row, Head extends object = object>(
  db: Db,
  sql: { withClause?: string; head?: string; count: string; page: string },
  params: unknown[],
): Promise<JsonPage<Row> & { head: Head }> {
  const [row]: Array<{ total: number; items: JsonText<Row[]> } & Head> = await preparedQuery(
    db,
    `${sql.withClause ?? ''} SELECT ${sql.head ? `${sql.head}, ` : ''}(${sql.count}) AS total,
            (SELECT coalesce(json_agg(p), '[]')::text FROM (${sql.page}) p) AS items`,
    params,
  );
  const { total, items, ...head } = row!;
  return { head: head as unknown as Head, total, items };
}

/** Whether a filter has neither a network nor an organisation scope (the counts' read tables answer it by kind and department). */
const unscoped = (f: DashboardFilter) => !f.networkId && !f.organisationIds;

/** Whether a filter reads the organisation or the agrément (else the read table alone answers a count). */
const filtered = (f: DashboardFilter) => Boolean(f.department || f.region || f.kind || f.networkId || f.organisationIds);

/** QUO-3's projection basis: the day it is made for and the two targets. */
type QuotaBasis = { today: string; targets: { centre: number; network: number } };
/** Its parameters ($1..$3) and its key as the read table's rows carry it (one SQL function, migration 1763900083000). */
const basisParams = (b: QuotaBasis) => [b.today, Number(b.targets.centre), Number(b.targets.network)];
const BASIS_KEY = `dashboard_quota_basis_key($1::date, $2::int, $3::int)`;
/** Whether every row of the read table is projected on the basis $1..$3 (or there is none): two ends of its index. */
const ON_BASIS = `coalesce((SELECT min(quota_basis) FROM dashboard_agrements) = ${BASIS_KEY} AND (SELECT max(quota_basis) FROM dashboard_agrements) = ${BASIS_KEY}, true)`;

/**
 * The stale rows rewritten (any update runs the row's BEFORE trigger, which projects it on the basis just written), then
 * counted in or out of their risk buckets (migration 1763900087000): the rows first, then the buckets in their order,
 * as every writer locks its row before its buckets, so that the move and a writer never wait for each other in turn.
 */
const MOVE_STALE_ROWS = `
  WITH stale AS (SELECT agrement_id, kind, coalesce(department, '') AS department, quota_at_risk FROM dashboard_agrements
                  WHERE quota_basis <> ${BASIS_KEY} FOR UPDATE),
       moved AS (UPDATE dashboard_agrements r SET quota_basis = '' FROM stale s WHERE r.agrement_id = s.agrement_id
                 RETURNING r.kind, coalesce(r.department, '') AS department, r.quota_at_risk),
       delta AS (SELECT kind, department, sum(sign)::int AS n
                   FROM (SELECT kind, department, 1 AS sign FROM moved WHERE quota_at_risk
                         UNION ALL SELECT kind, department, -1 FROM stale WHERE quota_at_risk) x
                  GROUP BY 1, 2 HAVING sum(sign) <> 0)
  INSERT INTO dashboard_quota_risk_counts (kind, department, n) SELECT kind, department, n FROM delta ORDER BY 1, 2
  ON CONFLICT (kind, department) DO UPDATE SET n = dashboard_quota_risk_counts.n + EXCLUDED.n`;

/**
 * Moves the quota projection's basis and rewrites every row on another one, in one transaction under an advisory lock:
 * two readers finding the basis stale move it one after the other, the second finding nothing left to rewrite.
 */
async function moveQuotaBasis(db: Db, b: QuotaBasis): Promise<void> {
  await entityManager(db).transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('dashboard-quota-basis'))`);
    await m.query(
      `INSERT INTO dashboard_quota_basis (singleton, as_of, centre_target, network_target) VALUES (true, $1, $2, $3)
       ON CONFLICT (singleton) DO UPDATE SET as_of = EXCLUDED.as_of, centre_target = EXCLUDED.centre_target, network_target = EXCLUDED.network_target`,
      [b.today, b.targets.centre, b.targets.network],
    );
    // The rows' own trigger does not count them meanwhile: this statement does, in one go.
    await m.query(`SELECT set_config('${QUOTA_BASIS_MOVING}', 'on', true)`);
    await m.query(MOVE_STALE_ROWS, basisParams(b));
    await m.query(`SELECT set_config('${QUOTA_BASIS_MOVING}', 'off', true)`);
  });
}

/**
 * Every deadline held from `now` to `days` days later, soonest first, counted (an index-only count when no filter reads
 * the organisation or the agrément) and paged in one round trip; each row of `columns`.
 */
async function upcomingDeadlines<Row>(db: Db, f: UpcomingFilter, columns: string): Promise<JsonPage<Row>> {
  const params: unknown[] = [f.now.toISOString(), new Date(f.now.getTime() + f.days * 86_400_000).toISOString()];
  const range = `d.upcoming AND d.registered AND d.at >= $1 AND d.at < $2${f.name ? ` AND d.deadline = $${params.push(f.name)}` : ''}`;
  const filter = where(f, params, 'd.organisation_id', DEADLINE_COLUMNS);
  const counted = filtered(f)
    ? `SELECT count(*)::int FROM ${DEADLINES_FROM} WHERE ${range} ${filter}`
    : `SELECT count(*)::int FROM dashboard_deadlines d WHERE ${range}`;
  const { total, items } = await countedPage<Row>(
    db,
    {
      count: counted,
      page: `SELECT ${columns} FROM ${DEADLINES_FROM} WHERE ${range} ${filter} ORDER BY d.at, o.name, d.tiebreak ${pageOf(f, params)}`,
    },
    params,
  );
  return { total, items };
}

export function dashboardRepository(db: Db): DashboardRepository {
  return {
    async overviewCounts(f: DashboardFilter) {
      const params: unknown[] = [];
      // Issue 15: the counts per kind, state and department the agréments' trigger keeps (a few dozen rows); a network
      // or an organisation scope counts its own agréments in the per-agrément read table, by index.
      const agrements = unscoped(f)
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
      }> = await preparedQuery(
        db,
        `SELECT (SELECT coalesce(json_agg(x), '[]'::json) FROM (${agrements}) x) AS agrements,
                (SELECT coalesce(json_agg(x), '[]'::json) FROM (${applications}) x) AS applications`,
        params,
      );
      return row!;
    },

    upcomingDeadlines(f: UpcomingFilter) {
      return upcomingDeadlines<DeadlineRow>(db, f, DEADLINE_ROW);
    },

    async upcomingDeadlinesKeyed(f: UpcomingFilter) {
      return parseJsonText((await upcomingDeadlines<KeyedDeadlineRow>(db, f, KEYED_DEADLINE_ROW)).items);
    },

    async overdue(f: DashboardFilter & { now: Date; applications: boolean; timeZone: string }) {
      // Issue 15: the four sources as one list, ordered, counted and paged in PostgreSQL (the API used to receive every
      // row of each, merge and page them). Ties on the date and the name (French order, ICU) fall to the source, then
      // to each source's own order, so that pages never overlap.
      const params: unknown[] = [f.now.toISOString()];
      // BRE-4: each open proposal of a running agrément (its proposals column, not its whole snapshot: migration
      // 1763900084000); AGR-2: its renewal deadline missed (after its proposals).
      const agrements = `
        SELECT 'agrement' AS subject, a.id::text AS id, a.id AS "agrementId", o.name AS "organisationName",
               x.what, x.rule_id AS "ruleId", x.since, 1 AS source, NULL::timestamptz AS at, a.id::text AS tiebreak, x.ord
          FROM agrements a ${organisationOf('a.organisation_id')}
          CROSS JOIN LATERAL (
            SELECT (p->>'kind') || '-proposed' AS what, p->>'ruleId' AS rule_id, p->>'proposedOn' AS since, n AS ord
              FROM jsonb_array_elements(a.proposals) WITH ORDINALITY AS e(p, n)
            UNION ALL
            SELECT 'renewal-request-missed', 'AGR-2', to_char(a.renewal_missed_on, 'YYYY-MM-DD'), 9223372036854775807
             WHERE a.renewal_missed_on IS NOT NULL
          ) x
         WHERE (a.open_proposals > 0 OR a.renewal_missed_on IS NOT NULL) AND a.state NOT IN ('expired', 'terminated') ${where(f, params)}`;
      // APP-7: applications flagged overdue and not yet decided, since the day they were flagged (the agréments' time
      // zone); the place filters apply, not the scope.
      const applications = f.applications
        ? `UNION ALL
           SELECT 'application', a.id::text, NULL::uuid, o.name, 'procedure-overdue', 'APP-7',
                  to_char(a.overdue_flagged_at AT TIME ZONE $${params.push(f.timeZone)}::text, 'YYYY-MM-DD'), 2, NULL::timestamptz, a.id::text, 0
             FROM applications a JOIN organisations o ON o.id = a.organisation_id
            WHERE a.overdue_flagged_at IS NOT NULL AND a.state NOT IN ('rejected', 'attestation-issued')
              ${where({ department: f.department, region: f.region, limit: f.limit, offset: f.offset }, params)}`
        : '';
      // SES-10, BIL-1, SUS-3/TER-5, SES-12: the deadlines passed and still open (`finalisation-due` → `finalisation-overdue`).
      const deadlines = `UNION ALL
        SELECT d.subject, d.subject_id, coalesce(ad.id, ao.id), o.name, regexp_replace(d.deadline, '-due$', '-overdue'), d.rule_id,
               d.on_date, 3, d.at, d.tiebreak, 0
          FROM ${DEADLINES_FROM}
         WHERE d.overdue_listed AND d.registered AND d.at < $1 ${where(f, params, 'd.organisation_id', DEADLINE_COLUMNS)}`;
      const { total, items } = await countedPage<OverdueRow>(
        db,
        {
          withClause: `WITH overdue AS MATERIALIZED (${agrements} ${applications} ${deadlines})`,
          count: 'SELECT count(*)::int FROM overdue',
          page: `SELECT subject, id, "agrementId", "organisationName", what, "ruleId", since FROM overdue
                  ORDER BY since, "organisationName" COLLATE "fr-x-icu", source, at, tiebreak, ord ${pageOf(f, params)}`,
        },
        params,
      );
      return { total, items };
    },

    async quotasAtRisk(f: DashboardFilter & { today: string; targets: { centre: number; network: number } }) {
      // Issue 15: each row of the read table carries QUO-3's projection as of a basis (a day, the two targets), kept by
      // its trigger (migration 1763900080000), and its shortfall (target − projected, a generated column); the at-risk
      // rows are read in their order from their partial index, counted and paged in one round trip, with whether every
      // row is on today's basis.
      const params: unknown[] = basisParams(f);
      const filter = where(f, params, 'r.organisation_id', READ_TABLE);
      // Without a network or organisation scope, the buckets of the filters (migration 1763900087000); else the few rows.
      const count = unscoped(f)
        ? `SELECT coalesce(sum(n), 0)::int FROM dashboard_quota_risk_counts
              WHERE ${['true', ...placeAndKind(f, params, { department: 'department', kind: 'kind' })].join(' AND ')}`
        : `SELECT count(*)::int FROM dashboard_agrements r WHERE r.quota_at_risk ${filter}`;
      const page = pageOf(f, params);
      const read = () =>
        countedPage<QuotaRow, { fresh: boolean }>(
          db,
          {
            head: `${ON_BASIS} AS fresh`,
            count,
            page: `SELECT r.agrement_id AS "agrementId", r.name AS "organisationName", r.kind, r.candidates, r.quota_target AS target,
                          r.quota_projected AS projected, r.quota_shortfall AS shortfall, to_char(r.quota_window_end_on, 'YYYY-MM-DD') AS "deadlineOn"
                     FROM dashboard_agrements r WHERE r.quota_at_risk ${filter}
                    ORDER BY r.quota_shortfall DESC, r.name ${page}`,
          },
          params,
        );
      let answer = await read();
      // A row on another basis (a new day, other targets, a row written while the basis moved): move the basis, rewrite
      // the stale rows, read again. A writer racing the move leaves its row stale at worst: the next round takes it.
      for (let attempt = 0; !answer.head.fresh && attempt < 3; attempt++) {
        await moveQuotaBasis(db, f);
        answer = await read();
      }
      return { total: answer.total, items: answer.items };
    },

    async projectQuotas(basis: QuotaBasis) {
      const [{ fresh }]: { fresh: boolean }[] = await db.query(`SELECT ${ON_BASIS} AS fresh`, basisParams(basis));
      if (!fresh) await moveQuotaBasis(db, basis);
      return !fresh;
    },

    async watchlist(f: DashboardFilter) {
      // Issue 15: paged here, over the read table (state, name, department, kind, network), each page's agréments' JSON
      // read by their key; ordered by state, name, then agrément (stable across pages).
      const params: unknown[] = [];
      const chosen = `r.state IN ('suspended', 'under-notice', 'terminating') ${where(f, params, 'r.organisation_id', READ_TABLE)}`;
      const { total, items } = await countedPage<Record<string, unknown>>(
        db,
        {
          count: `SELECT count(*)::int FROM dashboard_agrements r WHERE ${chosen}`,
          page: `SELECT r.agrement_id AS "agrementId", r.name AS "organisationName", r.department, r.kind, r.state,
                        a.suspension, a.breach, a.termination
                   FROM dashboard_agrements r JOIN agrements a ON a.id = r.agrement_id
                  WHERE ${chosen} ORDER BY r.state, r.name, r.agrement_id ${pageOf(f, params)}`,
        },
        params,
      );
      return { total, items };
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
