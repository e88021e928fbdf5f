import { NotFound } from '../../shared/domain/errors';
import { sessionStateQuery, sessionWorkflowId, type SessionDeadlineSnapshot } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import type { SessionReport } from './session-report';
import type { SessionRow } from './session-row';
import type { SessionRemedy } from '../domain/remedy';

type ReadSession = SessionRow & { updated_at: Date; personal_data_erased_at: Date | null };

const COLUMNS = `id, organisation_id, agrement_organisation_id, centre_kind, to_char(date, 'YYYY-MM-DD') AS date, status, deadline_at, candidate_count,
  candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, source, finalised_at, cancelled_at, cancellation_reason, version, updated_at, personal_data_erased_at`;

function view(r: ReadSession) {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    agrementOrganisationId: r.agrement_organisation_id,
    centreKind: r.centre_kind,
    date: r.date,
    status: r.status,
    /** SES-10. */
    deadlineAt: r.deadline_at.toISOString(),
    candidates: r.candidate_count,
    candidatesWhoSat: r.candidates_who_sat,
    /** PRI-1..5, BIL-1: € incl. VAT. */
    price: { totalEur: r.price_cents / 100, pixShareEur: r.pix_share_cents / 100, payingCandidates: r.paying_candidates },
    ruleSetId: r.rule_set_id,
    source: r.source,
    finalisedAt: r.finalised_at?.toISOString() ?? null,
    cancelledAt: r.cancelled_at?.toISOString() ?? null,
    cancellationReason: r.cancellation_reason,
    /** SES-11: past its 2 years, the engine's copy no longer holds the people's data. */
    personalDataErasedAt: r.personal_data_erased_at?.toISOString() ?? null,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The stored report of a session (the base of cancel and finalise), or NotFound, also outside the caller's scope. */
export async function storedReport(deps: Pick<ApplicationDeps, 'db'>, id: string, organisationIds?: string[]): Promise<SessionReport> {
  const rows: { report: SessionReport; organisation_id: string }[] = await deps.db.query('SELECT report, organisation_id FROM sessions WHERE id = $1', [id]);
  const row = rows[0];
  if (!row || (organisationIds && !organisationIds.includes(row.organisation_id))) throw new NotFound(`session ${id} not found`, { sessionId: id });
  return row.report;
}

/** One session: what was reported, its price, and its SES-10 deadline as its workflow holds it (while it runs). */
export async function getSession(deps: Pick<ApplicationDeps, 'db' | 'temporal'>, id: string, organisationIds?: string[]) {
  const rows: ReadSession[] = await deps.db.query(`SELECT ${COLUMNS} FROM sessions WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row || (organisationIds && !organisationIds.includes(row.organisation_id))) throw new NotFound(`session ${id} not found`, { sessionId: id });
  let deadline: SessionDeadlineSnapshot | null = null;
  try {
    deadline = await deps.temporal.workflow.getHandle(sessionWorkflowId(id)).query(sessionStateQuery);
  } catch {
    deadline = null; // reported already over (history), or its workflow closed long ago: the row stands
  }
  return { ...view(row), report: row.report, deadline, remedy: await sessionRemedy(deps, id) };
}

export async function listSessions(
  deps: Pick<ApplicationDeps, 'db'>,
  q: { organisationIds?: string[]; organisationId?: string; status?: string; from?: string; to?: string; limit: number; offset: number },
) {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
  if (q.organisationIds) add('organisation_id = ANY(?)', q.organisationIds);
  if (q.organisationId) add('organisation_id = ?', q.organisationId);
  if (q.status) add('status = ?', q.status);
  if (q.from) add('date >= ?', q.from);
  if (q.to) add('date <= ?', q.to);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ total }]: { total: number }[] = await deps.db.query(`SELECT count(*)::int AS total FROM sessions ${clause}`, params);
  const rows: ReadSession[] = await deps.db.query(`SELECT ${COLUMNS} FROM sessions ${clause} ORDER BY date DESC, id LIMIT ${Number(q.limit)} OFFSET ${Number(q.offset)}`, params);
  return { total, limit: q.limit, offset: q.offset, items: rows.map(view) };
}

/** SES-12: the follow-up of a session's remedy as last recorded, or null when no incident was attributable to the centre. */
export async function sessionRemedy(deps: Pick<ApplicationDeps, 'db'>, sessionId: string): Promise<SessionRemedy | null> {
  const rows: { snapshot: SessionRemedy }[] = await deps.db.query(`SELECT snapshot FROM session_remedies WHERE session_id = $1`, [sessionId]);
  return rows[0]?.snapshot ?? null;
}
