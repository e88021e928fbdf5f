import { allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { EmailActivities } from '../../mail/activities/email.activities';
import type { RemedyActivities } from '../activities/remedy.activities';
import { PARAMETERS } from '../../config/parameters';
import { decideRemedy, isRemedyClosed, openRemedy, type RemedyCommand, type RemedyEvent, type SessionRemedy } from '../domain/remedy';
import {
  type RecordRemedy,
  recordRemedyUpdate,
  remedyStateQuery,
  type SessionRemedyInput,
  type SessionRemedySnapshot,
} from './remedy-definitions';
import { EMAIL_ACTIVITY, RECORD_LOCAL_ACTIVITY } from '../../shared/workflows/activity-options';
import { orFailure } from '../../shared/workflows/shared/domain-failure';
import { serialQueue } from '../../shared/workflows/shared/serial';

const { recordRemedy } = proxyLocalActivities<RemedyActivities>(RECORD_LOCAL_ACTIVITY);
const { sendEmail } = proxyActivities<EmailActivities>(EMAIL_ACTIVITY);

/**
 * SES-12: a follow-up opened past its due date is late at once, not through a 1 ms timer (one firing while the
 * opening's workflow task runs cannot be cancelled on the time-skipping server, sdk-java #3088). Histories recorded
 * before replay with their timer.
 */
export const REMEDY_DUE_AT_ONCE = 'remedy-due-at-once';

const SYSTEM = 'system';
const CENTRE = 'Pix Certif (centre)';
const DAY_MS = 86_400_000;

/**
 * SES-12: after an incident attributable to the centre, the candidates concerned are owed a free new
 * session or a full refund within 5 days. The centre is told at once; the workflow waits for the remedy
 * it records; past the deadline it alerts operations and keeps waiting, for a while, for a late one.
 */
export async function sessionRemedyWorkflow(input: SessionRemedyInput): Promise<SessionRemedySnapshot> {
  const now = () => new Date(Date.now() + (input.clockOffsetMs ?? 0));
  const opening = openRemedy(input);
  let remedy: SessionRemedy = opening.remedy;
  const snapshot = (): SessionRemedySnapshot => ({ ...remedy, centreId: input.centreId, asOf: now().toISOString() });

  const serially = serialQueue();

  const record = async (events: RemedyEvent[], firstSeq: number, actor: string) => {
    await recordRemedy({
      centreId: input.centreId,
      remedy,
      events: events.map(({ emails: _e, ...e }) => e),
      firstSeq,
      actor,
      at: now().toISOString(),
    });
    for (const [i, event] of events.entries()) {
      for (const email of event.emails) {
        await sendEmail({
          key: `session-remedy:${input.sessionId}:${firstSeq + i}:${email.template}:${email.audience}`,
          to: email.audience === 'centre' ? input.centreEmail : null,
          audience: email.audience,
          template: email.template,
          data: email.data,
        });
      }
    }
  };
  const decide = (command: RemedyCommand) => orFailure(() => decideRemedy(remedy, command));
  const apply = async (command: RemedyCommand, actor: string) => {
    const d = decide(command);
    if (d.events.length === 0) return snapshot();
    remedy = d.remedy;
    await record(d.events, remedy.version - d.events.length, actor);
    return snapshot();
  };
  const recordCommand = (u: RecordRemedy): RemedyCommand => ({
    type: 'record',
    kind: u?.kind,
    candidateLocalIds: u?.candidateLocalIds,
    note: u?.note,
    at: now(),
  });

  // The opening is queued before the handlers exist, so a remedy recorded at once is logged after it.
  const opened = serially(() => record(opening.events, 0, SYSTEM));
  setHandler(remedyStateQuery, snapshot);
  setHandler(recordRemedyUpdate, (u) => serially(() => apply(recordCommand(u), u?.actor ?? CENTRE)), {
    validator: (u) => {
      decide(recordCommand(u));
    },
  });
  await opened;

  const untilDue = Date.parse(remedy.dueAt) - now().getTime();
  // SES-12: a remedy follow-up opened after its due date (a late finalisation) is late at once, with no timer (REMEDY_DUE_AT_ONCE).
  const onTime =
    untilDue <= 0 && !isRemedyClosed(remedy) && patched(REMEDY_DUE_AT_ONCE)
      ? false
      : await condition(() => isRemedyClosed(remedy), Math.max(untilDue, 1));
  if (!onTime) await serially(() => apply({ type: 'deadline-reached', at: now() }, SYSTEM));
  if (!isRemedyClosed(remedy)) {
    const late = await condition(() => isRemedyClosed(remedy), PARAMETERS.sessions.remedyFollowUpDays * DAY_MS);
    if (!late) await serially(() => apply({ type: 'follow-up-ended', at: now() }, SYSTEM));
  }
  await condition(allHandlersFinished);
  return snapshot();
}
