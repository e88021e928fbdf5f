import { NotFound } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { sessionsRepository } from '../infra/sessions.repository';
import { sessionRemediesRepository } from '../infra/session-remedies.repository';
import { sessionWorkflowsRepository } from '../infra/session-workflows.repository';
import type { SessionReport } from './session-report';
import type { SessionFilter, SessionsRepository } from './ports';
import type { SessionRemedy } from '../domain/remedy';
import { dateIn } from '../../shared/domain/zoned-time';
import { evaluateSession } from '../rules';
import { loadCentres, loadJudgingData, sessionOf } from './report-sessions';

/** The stored report of a session (the base of cancel and finalise), or NotFound, also outside the caller's scope. */
export async function storedReport(deps: Pick<ApplicationDeps, 'db'>, id: string, organisationIds?: string[]): Promise<SessionReport> {
  return reportInScope(sessionsRepository(deps.db), id, organisationIds);
}

/** storedReport over its port: a session of an organisation outside `organisationIds` does not exist for the caller (DATA-3). */
export async function reportInScope(
  sessions: Pick<SessionsRepository, 'findStoredReport'>,
  id: string,
  organisationIds?: string[],
): Promise<SessionReport> {
  const row = await sessions.findStoredReport(id);
  if (!row || (organisationIds && !organisationIds.includes(row.organisationId)))
    throw new NotFound(`session ${id} not found`, { sessionId: id });
  return row.report;
}

/** One session: what was reported, its price, and its SES-10 deadline as its workflow holds it (while it runs). */
export async function getSession(deps: Pick<ApplicationDeps, 'db' | 'temporal'>, id: string, organisationIds?: string[]) {
  const session = await sessionsRepository(deps.db).findSession(id);
  if (!session || (organisationIds && !organisationIds.includes(session.organisationId)))
    throw new NotFound(`session ${id} not found`, { sessionId: id });
  const deadline = await sessionWorkflowsRepository(deps.temporal).deadlineOf(id);
  return { ...session, deadline, remedy: await sessionRemedy(deps, id), verdicts: await sessionVerdicts(deps, session) };
}

/**
 * AGR-6: the verdicts of every SES/PRI rule of the set in force on the session's date, failing, passing and not
 * applicable, with the value seen and the value required, as the session was judged when last reported (its
 * stored report, on the day of its last change). Null once SES-11 erased its people's data (DATA-1): the checks
 * rest on them.
 */
export async function sessionVerdicts(
  deps: Pick<ApplicationDeps, 'db'>,
  session: { organisationId: string; updatedAt: string; personalDataErasedAt: string | null; report: SessionReport },
) {
  if (session.personalDataErasedAt) return null;
  const report = session.report;
  const centre = (await loadCentres(deps.db.manager, [report.organisationId])).get(report.organisationId);
  if (!centre) return null;
  const data = await loadJudgingData(deps.db.manager, [{ report, centre }]);
  const e = evaluateSession(
    sessionOf(report, centre),
    { sessionBlocker: null, today: dateIn(new Date(session.updatedAt), report.timeZone) },
    { includePassing: true },
    data.catalogue,
  );
  return {
    ruleSetId: e.ruleSetId,
    effectiveFrom: e.effectiveFrom,
    failures: e.failures,
    passes: e.passes ?? [],
    notApplicable: e.notApplicable,
  };
}

export async function listSessions(deps: Pick<ApplicationDeps, 'db'>, q: SessionFilter) {
  const { total, items } = await sessionsRepository(deps.db).listSessions(q);
  return { total, limit: q.limit, offset: q.offset, items };
}

/** SES-12: the follow-up of a session's remedy as last recorded, or null when no incident was attributable to the centre. */
export async function sessionRemedy(deps: Pick<ApplicationDeps, 'db'>, sessionId: string): Promise<SessionRemedy | null> {
  return sessionRemediesRepository(deps.db).findRemedy(sessionId);
}
