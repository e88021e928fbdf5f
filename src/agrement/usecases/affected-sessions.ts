import type { DataSource } from 'typeorm';
import { type AffectedSession, affectedSessions, affectedSessionsEmails, type AffectingEvent } from '../domain/affected-sessions';
import type { Agrement } from '../domain/agrement';
import { dateIn } from '../../shared/domain/zoned-time';
import { findAgrement } from '../infra/agrement.repository';
import { affectedSessionsRepository } from '../infra/affected-sessions.repository';
import type { SendEmailInput } from '../../mail/usecases/queue-email';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import type { AffectedSessionsRepository } from './ports';

/**
 * The planned sessions an agrément's suspension, notice or end affects (SES-9, SUS-2, SUS-6, TER-3, TER-5,
 * AGR-4, BRE-1), read through AffectedSessionsRepository and judged by src/agrement/domain/affected-sessions.ts.
 */

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
export async function listAffectedSessions(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  agrementId: string,
  scope: { organisationIds?: string[] } = {},
) {
  const { agrement } = await findAgrement(deps.db, agrementId);
  const a = agrement.snapshot as Agrement;
  const now = deps.now();
  const today = dateIn(now, a.timeZone);
  const planned = (await affectedSessionsRepository(deps.db).plannedSessionsUnder(a.organisationId, today)).filter(
    (s) => !scope.organisationIds || scope.organisationIds.includes(s.organisationId),
  );
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
  return noticeAffectedSessions({ sessions: affectedSessionsRepository(deps.db), sendEmail: deps.sendEmail }, input);
}

/** notifyAffectedSessions over its ports: the sessions' repository and the e-mail outbox. */
export async function noticeAffectedSessions(
  deps: { sessions: AffectedSessionsRepository; sendEmail: (input: SendEmailInput) => Promise<unknown> },
  input: NotifyAffectedSessionsInput,
): Promise<AffectedSessionsNotice> {
  const a = input.agrement;
  const now = new Date(input.at);
  const planned = await deps.sessions.plannedSessionsUnder(a.organisationId, dateIn(now, a.timeZone));
  const affected = affectedSessions(a, planned, now);
  const memberIds = [...new Set(affected.map((s) => s.organisationId))].filter((id) => id !== a.organisationId);
  const members = memberIds.length ? await deps.sessions.recipients(memberIds) : [];
  await deps.sessions.transaction((sessions) =>
    sessions.recordNotices({
      key: input.key,
      agrementId: a.agrementId,
      agrementOrganisationId: a.organisationId,
      event: input.event.type,
      sessions: affected,
      at: now,
    }),
  );
  const emails = affectedSessionsEmails(a, input.event, affected, members);
  for (const e of emails) {
    await deps.sendEmail({
      key: `${input.key}:${e.organisationId}`,
      to: e.to,
      audience: 'centre',
      template: 'planned-sessions-affected',
      data: e.data,
    });
  }
  return {
    blocked: affected.filter((s) => s.status === 'blocked').map((s) => s.sessionId),
    atRisk: affected.filter((s) => s.status === 'at-risk').map((s) => s.sessionId),
    notified: emails.map((e) => e.organisationId),
  };
}
