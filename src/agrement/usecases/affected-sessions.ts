import type { DataSource, EntityManager } from 'typeorm';
import {
  type AffectedSession,
  affectedSessions,
  affectedSessionsEmails,
  type AffectingEvent,
  type PlannedSession,
  type Recipient,
} from '../domain/affected-sessions';
import type { Agrement } from '../domain/agrement';
import { shiftDays } from '../domain/deadlines';
import { dateIn } from '../../shared/domain/zoned-time';
import { findAgrement } from '../infra/agrement-store';
import { appendToLog } from '../../shared/event-log/event-log';
import { SESSION_STREAM, sessionStreamId } from '../../sessions/usecases/session-stream';
import type { SendEmailInput } from '../../mail/usecases/queue-email';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';

/**
 * The planned sessions an agrément's suspension, notice or end affects (SES-9, SUS-2, SUS-6, TER-3, TER-5,
 * AGR-4, BRE-1), read from the database and judged by src/agrement/domain/affected-sessions.ts.
 */

type Db = DataSource | EntityManager;

/**
 * The sessions still planned under the agrément of `organisationId`, dated from the day before `today` on
 * (venues' zones differ from the agrément's; the domain keeps those not yet started): the centre's own, or for
 * a network (SUS-6) its coordinating organisation's and its member centres'. Secondary schools need no agrément
 * (SCO-1) and are left out.
 */
export async function plannedSessionsUnder(db: Db, organisationId: string, today: string): Promise<PlannedSession[]> {
  const rows: Array<{ id: string; organisation_id: string; name: string; date: string; start_time: string; end_time: string; time_zone: string; address: string | null; room: string | null }> =
    await db.query(
      `SELECT s.id, s.organisation_id, o.name, to_char(s.date, 'YYYY-MM-DD') AS date, s.start_time, s.end_time, s.time_zone,
              s.report->>'address' AS address, s.report->>'room' AS room
         FROM sessions s JOIN organisations o ON o.id = s.organisation_id
        WHERE s.status = 'planned' AND s.date >= $2::date AND s.agrement_organisation_id IS NOT NULL
          AND (s.agrement_organisation_id = $1 OR o.id = $1 OR o.network_id = $1)
        ORDER BY s.date, s.start_time, s.id`,
      [organisationId, shiftDays(today, -1)],
    );
  return rows.map((r) => ({
    sessionId: r.id,
    organisationId: r.organisation_id,
    organisationName: r.name,
    date: r.date,
    startTime: r.start_time,
    endTime: r.end_time,
    timeZone: r.time_zone,
    address: r.address ?? '',
    room: r.room ?? '',
  }));
}

/** The affected sessions as the API gives them. */
function view(s: AffectedSession) {
  return {
    sessionId: s.sessionId,
    organisationId: s.organisationId,
    organisationName: s.organisationName,
    date: s.date,
    startTime: s.startTime,
    endTime: s.endTime,
    timeZone: s.timeZone,
    address: s.address,
    room: s.room,
    status: s.status,
    ruleId: s.ruleId,
    ruleIds: s.ruleIds,
    from: s.from,
    reason: s.reason,
  };
}

/**
 * GET /agrements/{id}/affected-sessions: the planned sessions, not yet started, that the agrément as it
 * stands blocks (SES-9: SUS-2, SUS-6, TER-3, TER-5, AGR-4) or puts at risk (BRE-1), each with its rule and the
 * day from which it applies. `organisationIds` narrows it to a member centre's own sessions.
 */
export async function listAffectedSessions(deps: Pick<ApplicationDeps, 'db' | 'now'>, agrementId: string, scope: { organisationIds?: string[] } = {}) {
  const { agrement } = await findAgrement(deps.db, agrementId);
  const a = agrement.snapshot as Agrement;
  const now = deps.now();
  const today = dateIn(now, a.timeZone);
  const planned = (await plannedSessionsUnder(deps.db, a.organisationId, today)).filter((s) => !scope.organisationIds || scope.organisationIds.includes(s.organisationId));
  const affected = affectedSessions(a, planned, now);
  return {
    agrementId: a.agrementId,
    organisationId: a.organisationId,
    kind: a.kind,
    state: a.state,
    asOf: now.toISOString(),
    today,
    plannedSessions: planned.length,
    blocked: affected.filter((s) => s.status === 'blocked').length,
    atRisk: affected.filter((s) => s.status === 'at-risk').length,
    sessions: affected.map(view),
  };
}

export interface NotifyAffectedSessionsInput {
  /** Idempotency key of this notice: `agrement:<id>:<event seq>:planned-sessions-affected`. */
  key: string;
  /** The agrément as the event left it (its procedures; the quota's session ids and the ledger may be left out). */
  agrement: Agrement;
  /** The event after which the centre is told, and the day it speaks of. */
  event: { type: AffectingEvent; on: string };
  /** The workflow's time (what-if and tests shift it). */
  at: string;
}

export interface AffectedSessionsNotice {
  blocked: string[];
  atRisk: string[];
  /** The organisations e-mailed (the holder always; a network's members with affected sessions). */
  notified: string[];
}

/**
 * After a suspension, force majeure, a formal notice, a termination notice or the end: records on each affected
 * session's stream of the event log that it is blocked or at risk (and by which rule, from when), and e-mails
 * « Sessions planifiées concernées » to the agrément's holder (always: the list, or that there is none) and to
 * each member centre of a network with affected sessions (SUS-6). Idempotent: the log by event key, the e-mails
 * through the outbox by key.
 */
export async function notifyAffectedSessions(
  deps: { db: DataSource; sendEmail: (input: SendEmailInput) => Promise<unknown> },
  input: NotifyAffectedSessionsInput,
): Promise<AffectedSessionsNotice> {
  const a = input.agrement;
  const now = new Date(input.at);
  const planned = await plannedSessionsUnder(deps.db, a.organisationId, dateIn(now, a.timeZone));
  const affected = affectedSessions(a, planned, now);
  const memberIds = [...new Set(affected.map((s) => s.organisationId))].filter((id) => id !== a.organisationId);
  const members: Recipient[] = memberIds.length
    ? ((await deps.db.query('SELECT id, name, email FROM organisations WHERE id = ANY($1)', [memberIds])) as Array<{ id: string; name: string; email: string }>).map((o) => ({
        organisationId: o.id,
        name: o.name,
        email: o.email,
      }))
    : [];
  await deps.db.transaction((m) =>
    appendToLog(
      m,
      affected.map((s) => ({
        eventKey: `${input.key}:${s.sessionId}`,
        streamType: SESSION_STREAM,
        streamId: sessionStreamId(s.sessionId),
        type: s.status === 'blocked' ? 'session-blocked-by-agrement' : 'session-at-risk',
        ruleIds: s.ruleIds,
        fromState: 'planned',
        toState: 'planned',
        actor: 'system',
        reason: null,
        data: {
          sessionId: s.sessionId,
          organisationId: s.organisationId,
          date: s.date,
          agrementId: a.agrementId,
          agrementOrganisationId: a.organisationId,
          agrementEvent: input.event.type,
          ruleId: s.ruleId,
          from: s.from,
        },
        occurredAt: now,
      })),
    ),
  );
  const emails = affectedSessionsEmails(a, input.event, affected, members);
  for (const e of emails) {
    await deps.sendEmail({ key: `${input.key}:${e.organisationId}`, to: e.to, audience: 'centre', template: 'planned-sessions-affected', data: e.data });
  }
  return {
    blocked: affected.filter((s) => s.status === 'blocked').map((s) => s.sessionId),
    atRisk: affected.filter((s) => s.status === 'at-risk').map((s) => s.sessionId),
    notified: emails.map((e) => e.organisationId),
  };
}
