import type { Db } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import type { ExpiredSession, SessionView, SessionsRepository, StoredSession, WrittenSession } from '../usecases/ports';
import type { SessionReport } from '../usecases/session-report';
import type { SessionRow } from '../usecases/session-row';
import { transactionManager } from '../../shared/database/db';
import { literalLike } from '../../shared/database/like';

type ReadSession = SessionRow & {
  updated_at: Date;
  personal_data_erased_at: Date | null;
  organisation_name: string;
  agrement_id: string | null;
};

const COLUMNS = `id, organisation_id, agrement_organisation_id, centre_kind, to_char(date, 'YYYY-MM-DD') AS date, status, deadline_at, candidate_count,
  candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, source, finalised_at, cancelled_at, cancellation_reason, version, updated_at, personal_data_erased_at,
  (SELECT o.name FROM organisations o WHERE o.id = sessions.organisation_id) AS organisation_name,
  (SELECT a.id FROM agrements a WHERE a.organisation_id = sessions.agrement_organisation_id) AS agrement_id`;

function view(r: ReadSession): SessionView {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    agrementId: r.agrement_id,
    agrementOrganisationId: r.agrement_organisation_id,
    centreKind: r.centre_kind,
    date: r.date,
    status: r.status,
    deadlineAt: r.deadline_at.toISOString(),
    candidates: r.candidate_count,
    candidatesWhoSat: r.candidates_who_sat,
    price: { totalEur: r.price_cents / 100, pixShareEur: r.pix_share_cents / 100, payingCandidates: r.paying_candidates },
    ruleSetId: r.rule_set_id,
    source: r.source,
    finalisedAt: r.finalised_at?.toISOString() ?? null,
    cancelledAt: r.cancelled_at?.toISOString() ?? null,
    cancellationReason: r.cancellation_reason,
    personalDataErasedAt: r.personal_data_erased_at?.toISOString() ?? null,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The rows as one JSON array for jsonb_to_recordset, each report as the text it came as when there is one (issue 15). */
function rowsJson(rows: WrittenSession[]): string {
  let out = '[';
  for (const { report, report_json, ...columns } of rows) {
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(columns).slice(0, -1)},"report":${report_json ?? JSON.stringify(report)}}`;
  }
  return `${out}]`;
}

/** The sessions as reported (SES-1), judged and priced, with the log entries of their changes. */
export function sessionsRepository(db: Db): SessionsRepository {
  return {
    async lockStoredSessions(ids) {
      const rows: StoredSession[] = await db.query(
        `SELECT id, organisation_id, status, CASE WHEN personal_data_erased_at IS NULL THEN report END AS report, content_hash,
                to_char(date, 'YYYY-MM-DD') AS date, end_time, version
           FROM sessions WHERE id = ANY($1) FOR UPDATE`,
        [ids],
      );
      return rows;
    },

    async upsertSessions(rows) {
      if (rows.length === 0) return;
      await db.query(
        `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, source,
                           finalised_at, cancelled_at, cancellation_reason, version, updated_at)
     SELECT x.id, x.organisation_id, x.agrement_organisation_id, x.centre_kind, x.date, x.start_time, x.end_time, x.time_zone, x.status, x.deadline_at,
            x.candidate_count, x.candidates_who_sat, x.price_cents, x.pix_share_cents, x.paying_candidates, x.rule_set_id, x.report, x.source,
            x.finalised_at, x.cancelled_at, x.cancellation_reason, x.version, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, organisation_id uuid, agrement_organisation_id uuid, centre_kind text, date date, start_time text, end_time text,
            time_zone text, status text, deadline_at timestamptz, candidate_count integer, candidates_who_sat integer, price_cents integer, pix_share_cents integer,
            paying_candidates integer, rule_set_id text, report jsonb, source text, finalised_at timestamptz, cancelled_at timestamptz,
            cancellation_reason text, version integer)
     ON CONFLICT (id) DO UPDATE SET agrement_organisation_id = EXCLUDED.agrement_organisation_id, centre_kind = EXCLUDED.centre_kind, date = EXCLUDED.date,
       start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, time_zone = EXCLUDED.time_zone, status = EXCLUDED.status, deadline_at = EXCLUDED.deadline_at,
       candidate_count = EXCLUDED.candidate_count, candidates_who_sat = EXCLUDED.candidates_who_sat, price_cents = EXCLUDED.price_cents,
       pix_share_cents = EXCLUDED.pix_share_cents, paying_candidates = EXCLUDED.paying_candidates, rule_set_id = EXCLUDED.rule_set_id, report = EXCLUDED.report,
       content_hash = NULL, source = EXCLUDED.source, finalised_at = EXCLUDED.finalised_at, cancelled_at = EXCLUDED.cancelled_at,
       cancellation_reason = EXCLUDED.cancellation_reason, version = EXCLUDED.version, updated_at = now()`,
        [rowsJson(rows)],
      );
    },

    async logReports(entries) {
      await appendToLog(transactionManager(db), entries);
    },

    async findStoredReport(id) {
      const rows: { report: SessionReport; organisation_id: string }[] = await db.query(
        'SELECT report, organisation_id FROM sessions WHERE id = $1',
        [id],
      );
      const row = rows[0];
      return row ? { report: row.report, organisationId: row.organisation_id } : null;
    },

    async findSession(id) {
      const rows: ReadSession[] = await db.query(`SELECT ${COLUMNS} FROM sessions WHERE id = $1`, [id]);
      const row = rows[0];
      return row ? { ...view(row), report: row.report } : null;
    },

    async listSessions(q) {
      const params: unknown[] = [];
      const where: string[] = [];
      const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
      if (q.organisationIds) add('organisation_id = ANY(?)', q.organisationIds);
      if (q.organisationId) add('organisation_id = ?', q.organisationId);
      if (q.status) add('status = ?', q.status);
      if (q.from) add('date >= ?', q.from);
      if (q.to) add('date <= ?', q.to);
      // Whatever its case and accents, through pg_trgm's index on unaccent_lower(name), as GET /centres (migration 1763900004000).
      if (q.centre)
        add(
          "organisation_id IN (SELECT id FROM organisations WHERE unaccent_lower(name) LIKE '%' || unaccent_lower(?::text) || '%')",
          literalLike(q.centre),
        );
      // SES-10: still planned past its 48-hour finalisation deadline.
      if (q.overdueAt) add("status = 'planned' AND deadline_at < ?", q.overdueAt);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total FROM sessions ${clause}`, params);
      const rows: ReadSession[] = await db.query(
        `SELECT ${COLUMNS} FROM sessions ${clause} ORDER BY date DESC, id LIMIT ${Number(q.limit)} OFFSET ${Number(q.offset)}`,
        params,
      );
      return { total, items: rows.map(view) };
    },

    async lockExpiredSessions(cutoff, limit) {
      const rows: ExpiredSession[] = await db.query(
        `SELECT id, organisation_id, to_char(date, 'YYYY-MM-DD') AS date, report FROM sessions
          WHERE date < $1 AND personal_data_erased_at IS NULL AND status <> 'planned' ORDER BY date, id LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
        [cutoff],
      );
      return rows;
    },

    async erasePersonalData(erased, erasedAt, entries) {
      await db.query(
        `UPDATE sessions s SET report = x.report, personal_data_erased_at = $2, content_hash = COALESCE(s.content_hash, x.content_hash)
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, report jsonb, content_hash text) WHERE s.id = x.id`,
        [JSON.stringify(erased.map((e) => ({ id: e.id, report: e.report, content_hash: e.contentHash }))), erasedAt],
      );
      await appendToLog(transactionManager(db), entries);
    },
  };
}
