import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { EmailActivities } from '../../mail/activities/email.activities';
import type { SessionActivities } from '../activities/session.activities';
import { PARAMETERS } from '../../config/parameters';
import { InvalidCommand } from '../../shared/domain/errors';
import {
  decide,
  dueCommand,
  isClosed,
  nextTimer,
  openSessionDeadline,
  pendingReminders,
  type SessionDeadline,
  type SessionDeadlineCommand,
  type SessionEvent,
} from '../domain/finalisation';
import { dateIn } from '../../shared/domain/zoned-time';
import { agrementWorkflowId, sessionFinalisedSignal } from '../../agrement/workflows/definitions';
import {
  cancelSessionUpdate,
  type CancelSession,
  finaliseSessionUpdate,
  type FinaliseSession,
  moveSessionUpdate,
  type MoveSession,
  type SessionDeadlineInput,
  type SessionDeadlineSnapshot,
  sessionStateQuery,
} from './definitions';
import { EMAIL_ACTIVITY, RECORD_LOCAL_ACTIVITY } from '../../shared/workflows/activity-options';
import { orFailure } from '../../shared/workflows/shared/domain-failure';
import { serialQueue } from '../../shared/workflows/shared/serial';

// A local activity: one short, idempotent database write per transition, run inside the workflow task
// instead of a round trip through the server, so starting a session costs about what starting any workflow costs.
const { recordSession } = proxyLocalActivities<SessionActivities>(RECORD_LOCAL_ACTIVITY);
const { sendEmail } = proxyActivities<EmailActivities>(EMAIL_ACTIVITY);

/**
 * SES-10: a reminder or deadline already past when the workflow looks is decided at once instead of through a 1 ms
 * timer. Such a timer fires while the workflow task that queued it may still be handling a finalisation; cancelling
 * a timer that fired meanwhile wedges the time-skipping test server (sdk-java #3088), and it is a round trip for
 * nothing on a real server. Histories recorded before replay with their timer.
 */
export const DUE_STEPS_AT_ONCE = 'session-due-steps-at-once';

/** SES-10: a reminder found due past the deadline decides the deadline (dueCommand); histories from before replay as they ran. */
export const LATE_REMINDER_IS_DEADLINE = 'session-late-reminder-is-deadline';

const SYSTEM = 'system';
const CENTRE = 'Pix Certif (centre)';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SES-10: one session's 48-hour finalisation deadline, from the session's creation to its
 * finalisation or cancellation. The workflow waits for the reminders, then the deadline; past it,
 * it alerts operations, records the lateness in the centre's quality record and keeps waiting for
 * the late finalisation. A finalised session is reported once to its agrément's quota (QUO-3).
 */
export async function sessionDeadlineWorkflow(input: SessionDeadlineInput): Promise<SessionDeadlineSnapshot> {
  const offset = input.clockOffsetMs ?? 0;
  const now = () => new Date(Date.now() + offset);
  const opening = orFailure(() => {
    checkInput(input);
    return openSessionDeadline(
      {
        sessionId: input.sessionId,
        centreName: input.centreName,
        date: input.date,
        endTime: input.endTime,
        timeZone: input.timeZone,
        secondarySchool: input.agrementOrganisationId === null,
      },
      input.schedule ?? PARAMETERS.sessions,
    );
  });
  let session: SessionDeadline = opening.session;
  const { sessionId } = input;
  let agrementReport: SessionDeadlineSnapshot['agrementReport'] = 'pending';

  const snapshot = (): SessionDeadlineSnapshot => ({
    ...session,
    centreId: input.centreId,
    agrementOrganisationId: input.agrementOrganisationId,
    candidates: input.candidates,
    pendingReminders: pendingReminders(session).map((r) => ({ hoursBefore: r.hoursBefore, at: r.at.toISOString() })),
    agrementReport,
    asOf: now().toISOString(),
  });

  // Updates run one at a time, each decided against the state the previous one left.
  const serially = serialQueue();

  /** Records the events (event log, quality record), then sends their e-mails through the outbox. */
  const record = async (events: SessionEvent[], firstSeq: number, actor: string, reason: string | null) => {
    await recordSession({
      centreId: input.centreId,
      session,
      events: events.map(({ emails: _emails, ...e }) => e),
      firstSeq,
      actor,
      reason,
      at: now().toISOString(),
    });
    for (const [i, event] of events.entries()) {
      for (const email of event.emails) {
        await sendEmail({
          key: `session:${sessionId}:${firstSeq + i}:${email.template}:${email.audience}`,
          to: email.audience === 'centre' ? input.centreEmail : null,
          audience: email.audience,
          template: email.template,
          data: email.data,
        });
      }
    }
  };

  /** QUO-3: the candidates who sat count once in the agrément; the agrément dedupes by session id too. */
  const reportToAgrement = async () => {
    if (agrementReport === 'pending' && session.state === 'cancelled') agrementReport = 'skipped';
    if (agrementReport !== 'pending' || !session.finalisation) return;
    if (input.agrementOrganisationId === null) {
      agrementReport = 'skipped'; // SCO-1: no agrément, no quota
      return;
    }
    agrementReport = 'sent';
    try {
      await getExternalWorkflowHandle(agrementWorkflowId(input.agrementOrganisationId)).signal(sessionFinalisedSignal, {
        sessionId,
        // The agrément judges dates in its own zone (Europe/Paris).
        finalisedOn: dateIn(new Date(session.finalisation.finalisedAt), PARAMETERS.agrement.timeZone),
        candidates: session.finalisation.candidatesWhoSat,
      });
    } catch (err) {
      // The agrément may have ended or never started: the session's own record stands.
      agrementReport = 'failed';
      log.warn('finalised session not reported to the agrément', {
        sessionId,
        agrementOrganisationId: input.agrementOrganisationId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };

  const apply = async (command: SessionDeadlineCommand, actor: string, reason: string | null = null): Promise<SessionDeadlineSnapshot> => {
    const d = orFailure(() => decide(session, command, now()));
    if (d.events.length === 0) return snapshot();
    session = d.session;
    await record(d.events, session.version - d.events.length + 1, actor, reason);
    await reportToAgrement();
    return snapshot();
  };

  const finaliseCommand = (u: FinaliseSession): SessionDeadlineCommand => ({
    type: 'finalise',
    finalisedAt: u?.finalisedAt ?? now().toISOString(),
    candidatesWhoSat: u?.candidatesWhoSat,
    incidents: u?.incidents,
    fraudReports: u?.fraudReports,
  });
  const moveCommand = (u: MoveSession): SessionDeadlineCommand => ({ type: 'move', date: u?.date, endTime: u?.endTime });
  const cancelCommand = (u: CancelSession): SessionDeadlineCommand => ({ type: 'cancel', reason: u?.reason });
  const actorOf = (u: { actor?: string } | undefined) => u?.actor ?? CENTRE;
  /** Validators run before an update is accepted: a refused command leaves no trace in history. */
  const validate = (command: SessionDeadlineCommand, u: { actor?: string } | undefined) => {
    if (u?.actor !== undefined && (typeof u.actor !== 'string' || u.actor.trim() === '')) {
      throw ApplicationFailure.nonRetryable('actor must be a non-empty text', 'InvalidCommand', { field: 'actor' });
    }
    orFailure(() => decide(session, command, now()));
  };

  // The opening (sequence 0) is queued before any handler exists: an update delivered with the first
  // activation (a move right after the start) then queues behind it and is logged after it.
  const opened = serially(() => record(opening.events, 0, SYSTEM, null));

  setHandler(sessionStateQuery, snapshot);
  setHandler(finaliseSessionUpdate, (u) => serially(() => apply(finaliseCommand(u), actorOf(u))), {
    validator: (u) => validate(finaliseCommand(u), u),
  });
  setHandler(moveSessionUpdate, (u) => serially(() => apply(moveCommand(u), actorOf(u))), {
    validator: (u) => validate(moveCommand(u), u),
  });
  setHandler(cancelSessionUpdate, (u) => serially(() => apply(cancelCommand(u), actorOf(u), u.reason)), {
    validator: (u) => validate(cancelCommand(u), u),
  });

  await opened;

  // SES-10: what a due timer decides (dueCommand); a reminder found due past the deadline decides the deadline only
  // in histories that recorded LATE_REMINDER_IS_DEADLINE (before it, such a reminder decided nothing, again and again).
  const dueStep = (kind: 'reminder' | 'deadline'): SessionDeadlineCommand => {
    const command = dueCommand(session, kind, now());
    return kind === 'reminder' && command.type === 'deadline-passed' && !patched(LATE_REMINDER_IS_DEADLINE)
      ? { type: 'reminder-due' }
      : command;
  };

  while (!isClosed(session)) {
    const version = session.version;
    const next = nextTimer(session);
    if (next) {
      const wait = next.at.getTime() - now().getTime();
      // A reminder or deadline already past (a session reported late) is decided now, with no timer (DUE_STEPS_AT_ONCE).
      const caughtUp =
        wait <= 0 &&
        patched(DUE_STEPS_AT_ONCE) &&
        (await serially(async () => {
          if (session.version === version) await apply(dueStep(next.kind), SYSTEM);
          return session.version !== version;
        }));
      const acted = caughtUp || (await condition(() => session.version !== version, Math.max(wait, 1)));
      if (!acted) {
        await serially(async () => {
          // Only if nothing moved it meanwhile (a move, a finalisation queued at the same instant).
          if (session.version === version) await apply(dueStep(next.kind), SYSTEM);
        });
      }
    } else {
      // Overdue: only the late finalisation ends it.
      await condition(() => session.version !== version);
    }
  }
  await condition(allHandlersFinished);
  return snapshot();
}

function checkInput(input: SessionDeadlineInput): void {
  if (!input || typeof input !== 'object') throw new InvalidCommand('input', 'the workflow input is required');
  if (typeof input.centreId !== 'string' || !UUID.test(input.centreId))
    throw new InvalidCommand('centreId', 'centreId must be the organisation uuid');
  if (
    input.agrementOrganisationId !== null &&
    (typeof input.agrementOrganisationId !== 'string' || input.agrementOrganisationId.trim() === '')
  ) {
    throw new InvalidCommand(
      'agrementOrganisationId',
      'agrementOrganisationId must be an organisation id, or null for a secondary school (SCO-1)',
    );
  }
  if (typeof input.centreEmail !== 'string' || !input.centreEmail.includes('@'))
    throw new InvalidCommand('centreEmail', 'centreEmail must be an e-mail address');
  if (!Number.isInteger(input.candidates) || input.candidates < 0)
    throw new InvalidCommand('candidates', 'candidates must be a non-negative integer');
}
