/**
 * VIS-1: the facts of the risk rules (src/rules/visits), read from the database for many centres at once.
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
import type { DataSource, EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import type { Agrement } from '../../agrement/domain/agrement';
import { addMonths, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { NotFound } from '../../shared/domain/errors';
import type { RiskFacts } from '../rules';

type Db = DataSource | EntityManager;

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
export async function riskFactsFor(db: Db, subjects: readonly RiskSubject[], today: string): Promise<Map<string, RiskFacts>> {
  const result = new Map<string, RiskFacts>();
  if (subjects.length === 0) return result;
  const organisations = [...new Set(subjects.map((s) => s.organisationId))];
  const agrementIds = [...new Set(subjects.map((s) => s.agrementId))];
  const since = isoDate(addMonths(parseIsoDate(today), -PARAMETERS.visits.risk.lookbackMonths));

  const agrements: Array<{ id: string; organisation_id: string; first_grant_on: string; candidates: number; snapshot: Agrement }> = await db.query(
    `SELECT id, organisation_id, to_char(first_grant_on, 'YYYY-MM-DD') AS first_grant_on, candidates, snapshot FROM agrements WHERE id = ANY($1)`,
    [agrementIds],
  );
  const agrementById = new Map(agrements.map((a) => [a.id, a]));
  for (const s of subjects) if (!agrementById.has(s.agrementId)) throw new NotFound(`agrément ${s.agrementId} not found`, { agrementId: s.agrementId });

  // SUS-1, BRE-1: every suspension and breach notice of the agréments held by the same organisations (across renewals).
  const owners = [...new Set(agrements.map((a) => a.organisation_id))];
  const history: Array<{ owner: string; type: string; n: number }> = await db.query(
    `SELECT a.organisation_id AS owner, e.type, count(*)::int AS n
       FROM event_log e JOIN agrements a ON a.id = e.stream_id
      WHERE e.stream_type = 'agrement' AND a.organisation_id = ANY($1) AND e.type IN ('suspended', 'breach-notified')
      GROUP BY 1, 2`,
    [owners],
  );
  const historyCount = (owner: string, type: string) => history.find((h) => h.owner === owner && h.type === type)?.n ?? 0;

  // SES-10
  const lateSessions: Array<{ organisation_id: string; session_id: string }> = await db.query(
    `SELECT organisation_id, session_id FROM session_quality WHERE organisation_id = ANY($1) AND late AND deadline_at >= $2::date`,
    [organisations, since],
  );
  // SES-12, SUS-1: reported at the sessions' finalisation.
  const finalisations: Array<{ centre_id: string; session_id: string; incidents: number; fraud_reports: number }> = await db.query(
    `SELECT DISTINCT ON (data->>'sessionId') data->>'centreId' AS centre_id, data->>'sessionId' AS session_id,
            COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(data->'incidents') = 'array' THEN data->'incidents' END), 0) AS incidents,
            COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(data->'fraudReports') = 'array' THEN data->'fraudReports' END), 0) AS fraud_reports
       FROM event_log
      WHERE stream_type = 'session' AND type IN ('finalised', 'finalised-late') AND data->>'centreId' = ANY($1) AND occurred_at >= $2::date
      ORDER BY data->>'sessionId', id DESC`,
    [organisations, since],
  );
  // SES-12: remedies not offered within their 5 days (the follow-up workflows' read model).
  const remedies: Array<{ organisation_id: string; n: number }> = await db.query(
    `SELECT organisation_id, count(*)::int AS n FROM session_remedies
      WHERE organisation_id = ANY($1) AND state IN ('overdue', 'remedied-late', 'unremedied') AND due_at >= $2::date GROUP BY 1`,
    [organisations, since],
  );
  const events: Array<{ organisation_id: string; kind: string; session_id: string | null }> = await db.query(
    `SELECT organisation_id, kind, details->>'sessionId' AS session_id FROM centre_quality_events
      WHERE organisation_id = ANY($1) AND occurred_on >= $2::date AND occurred_on <= $3::date`,
    [organisations, since, today],
  );
  const visits: Array<{ organisation_id: string; last: string }> = await db.query(
    `SELECT organisation_id, to_char(max(planned_on), 'YYYY-MM-DD') AS last FROM control_visits WHERE organisation_id = ANY($1) AND status = 'done' AND planned_on <= $2::date GROUP BY 1`,
    [organisations, today],
  );
  const lastVisit = new Map(visits.map((v) => [v.organisation_id, v.last]));

  for (const s of subjects) {
    const org = s.organisationId;
    const a = agrementById.get(s.agrementId)!;
    const mine = events.filter((e) => e.organisation_id === org);

    // SES-10: one per session, whichever source names it; events without a session count each.
    const late = new Set(lateSessions.filter((r) => r.organisation_id === org).map((r) => r.session_id));
    let lateWithoutSession = 0;
    for (const e of mine.filter((e) => e.kind === 'late-finalisation')) {
      if (e.session_id) late.add(e.session_id);
      else lateWithoutSession++;
    }

    // SES-12, SUS-1: per session, the larger count of the two sources; events without a session count each.
    const perSession = (field: 'incidents' | 'fraud_reports', kind: string): number => {
      const counts = new Map<string, number>();
      for (const f of finalisations) if (f.centre_id === org && Number(f[field]) > 0) counts.set(f.session_id, Number(f[field]));
      const reported = new Map<string, number>();
      let loose = 0;
      for (const e of mine.filter((e) => e.kind === kind)) {
        if (e.session_id) reported.set(e.session_id, (reported.get(e.session_id) ?? 0) + 1);
        else loose++;
      }
      for (const [session, n] of reported) counts.set(session, Math.max(n, counts.get(session) ?? 0));
      return [...counts.values()].reduce((sum, n) => sum + n, 0) + loose;
    };

    const firstGrantOn = a.first_grant_on;
    const last = lastVisit.get(org) ?? null;
    result.set(key(s), {
      lateFinalisations: late.size + lateWithoutSession,
      incidents: perSession('incidents', 'incident'),
      remediesLate: remedies.find((r) => r.organisation_id === org)?.n ?? 0,
      fraudReports: perSession('fraud_reports', 'fraud-report'),
      complaints: mine.filter((e) => e.kind === 'complaint').length,
      monthsSinceFirstGrant: wholeMonthsBetween(firstGrantOn, today),
      pastSuspensions: Math.max(historyCount(a.organisation_id, 'suspended'), a.snapshot?.suspension && (a.snapshot.suspension as { cause?: string }).cause !== 'force-majeure' ? 1 : 0),
      pastBreaches: Math.max(historyCount(a.organisation_id, 'breach-notified'), a.snapshot?.breach ? 1 : 0),
      everVisited: last !== null,
      monthsWithoutVisit: wholeMonthsBetween(last ?? firstGrantOn, today),
      candidates: Number(a.candidates),
    });
  }
  return result;
}

/** The risk facts of one centre under one agrément. */
export async function riskFacts(db: Db, subject: RiskSubject, today: string): Promise<RiskFacts> {
  return (await riskFactsFor(db, [subject], today)).get(key(subject))!;
}

export { key as riskSubjectKey };
