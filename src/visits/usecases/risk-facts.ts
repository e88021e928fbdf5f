/**
 * VIS-1: the facts of the risk rules (src/visits/rules), combined from their sources (RiskFactsRepository), for many centres at once.
 *
 * Sources, over the look-back window (PARAMETERS.visits.risk.lookbackMonths) unless stated:
 * - late finalisations (SES-10): the session_quality record kept by the session workflows, and
 *   centre_quality_events of kind 'late-finalisation' (counted once per session when both name it);
 * - incidents (SES-12) and fraud reports (SUS-1): those reported at the finalisation of the centre's sessions
 *   (the session event log), and centre_quality_events of kind 'incident' / 'fraud-report' (per session,
 *   the larger of the two counts);
 * - remedies not offered within 5 days after an incident attributable to the centre (SES-12): session_remedies;
 * - complaints (SES-13): centre_quality_events of kind 'complaint';
 * - suspensions and breach notices (SUS-1, BRE-1), whenever: the agrément's event log, and its snapshot;
 * - the first grant and the candidates counted (QUO-1, QUO-3): the agrément's read model;
 * - the last control visit done: control_visits.
 */
import { PARAMETERS } from '../../config/parameters';
import { addMonths, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { NotFound } from '../../shared/domain/errors';
import type { RiskFacts } from '../rules';
import type { RiskFactsRepository } from './ports';

export interface RiskSubject {
  organisationId: string;
  /** The agrément the centre works under (its own, or its network's). */
  agrementId: string;
}

/** Whole calendar months from `from` to `to` (ISO dates), never negative. */
export function wholeMonthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  const months = (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
  return Math.max(0, months);
}

function key(s: RiskSubject): string {
  return `${s.organisationId}/${s.agrementId}`;
}

/** The risk facts of each subject on `today`; a subject whose agrément is unknown throws NotFound. */
export async function riskFactsFor(
  sources: RiskFactsRepository,
  subjects: readonly RiskSubject[],
  today: string,
): Promise<Map<string, RiskFacts>> {
  const result = new Map<string, RiskFacts>();
  if (subjects.length === 0) return result;
  const organisations = [...new Set(subjects.map((s) => s.organisationId))];
  const agrementIds = [...new Set(subjects.map((s) => s.agrementId))];
  const since = isoDate(addMonths(parseIsoDate(today), -PARAMETERS.visits.risk.lookbackMonths));

  const agrements = await sources.agrements(agrementIds);
  const agrementById = new Map(agrements.map((a) => [a.id, a]));
  for (const s of subjects)
    if (!agrementById.has(s.agrementId)) throw new NotFound(`agrément ${s.agrementId} not found`, { agrementId: s.agrementId });

  // SUS-1, BRE-1: every suspension and breach notice of the agréments held by the same organisations (across renewals).
  const owners = [...new Set(agrements.map((a) => a.organisationId))];
  const history = await sources.sanctionCounts(owners);
  const historyCount = (owner: string, type: string) => history.find((h) => h.owner === owner && h.type === type)?.count ?? 0;

  // SES-10
  const lateSessions = await sources.lateSessions(organisations, since);
  // SES-12, SUS-1: reported at the sessions' finalisation.
  const finalisations = await sources.finalisationReports(organisations, since);
  // SES-12: remedies not offered within their 5 days (the follow-up workflows' read model).
  const remedies = await sources.lateRemedies(organisations, since);
  const events = await sources.qualityEvents(organisations, since, today);
  const lastVisit = await sources.lastVisitsDone(organisations, today);

  for (const s of subjects) {
    const org = s.organisationId;
    const a = agrementById.get(s.agrementId)!;
    const mine = events.filter((e) => e.organisationId === org);

    // SES-10: one per session, whichever source names it; events without a session count each.
    const late = new Set(lateSessions.filter((r) => r.organisationId === org).map((r) => r.sessionId));
    let lateWithoutSession = 0;
    for (const e of mine.filter((e) => e.kind === 'late-finalisation')) {
      if (e.sessionId) late.add(e.sessionId);
      else lateWithoutSession++;
    }

    // SES-12, SUS-1: per session, the larger count of the two sources; events without a session count each.
    const perSession = (field: 'incidents' | 'fraudReports', kind: string): number => {
      const counts = new Map<string, number>();
      for (const f of finalisations) if (f.centreId === org && f[field] > 0) counts.set(f.sessionId, f[field]);
      const reported = new Map<string, number>();
      let loose = 0;
      for (const e of mine.filter((e) => e.kind === kind)) {
        if (e.sessionId) reported.set(e.sessionId, (reported.get(e.sessionId) ?? 0) + 1);
        else loose++;
      }
      for (const [session, n] of reported) counts.set(session, Math.max(n, counts.get(session) ?? 0));
      return [...counts.values()].reduce((sum, n) => sum + n, 0) + loose;
    };

    const firstGrantOn = a.firstGrantOn;
    const last = lastVisit.get(org) ?? null;
    result.set(key(s), {
      lateFinalisations: late.size + lateWithoutSession,
      incidents: perSession('incidents', 'incident'),
      remediesLate: remedies.find((r) => r.organisationId === org)?.count ?? 0,
      fraudReports: perSession('fraudReports', 'fraud-report'),
      complaints: mine.filter((e) => e.kind === 'complaint').length,
      monthsSinceFirstGrant: wholeMonthsBetween(firstGrantOn, today),
      pastSuspensions: Math.max(
        historyCount(a.organisationId, 'suspended'),
        a.snapshot?.suspension && (a.snapshot.suspension as { cause?: string }).cause !== 'force-majeure' ? 1 : 0,
      ),
      pastBreaches: Math.max(historyCount(a.organisationId, 'breach-notified'), a.snapshot?.breach ? 1 : 0),
      everVisited: last !== null,
      monthsWithoutVisit: wholeMonthsBetween(last ?? firstGrantOn, today),
      candidates: a.candidates,
    });
  }
  return result;
}

/** The risk facts of one centre under one agrément. */
export async function riskFacts(sources: RiskFactsRepository, subject: RiskSubject, today: string): Promise<RiskFacts> {
  return (await riskFactsFor(sources, [subject], today)).get(key(subject))!;
}

export { key as riskSubjectKey };
