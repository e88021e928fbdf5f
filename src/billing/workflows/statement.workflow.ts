import { ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BillingActivities } from '../activities/billing.activities';
import type { EmailActivities } from '../../mail/activities/email.activities';
import { overdueReminderAt, statementDueAt, statementReminders } from '../domain/statement';
import { markStatementSentUpdate, type StatementSnapshot, statementStateQuery, type StatementWorkflowInput } from './definitions';
import { EMAIL_ACTIVITY, RECORD_ACTIVITY } from '../../shared/workflows/activity-options';
import type { BillingTemplateName } from '../domain/notification-templates';

const { prepareStatement, markStatementSent, recordStatementReminder } = proxyActivities<BillingActivities>(RECORD_ACTIVITY);
const { sendEmail } = proxyActivities<EmailActivities>(EMAIL_ACTIVITY);

/** BIL-1: a statement reported sent while still being prepared waits for its preparation (was refused). */
export const SENT_WHILE_PREPARING = 'statement-sent-while-preparing';

/**
 * BIL-1: one centre's statement of one month. Prepared on the 1st (the schedule's run), it is due by
 * the 5th; the centre is reminded before, and after the due day every week until it reports the
 * statement sent; operations are told once when it is overdue.
 */
export async function statementWorkflow(input: StatementWorkflowInput): Promise<StatementSnapshot> {
  const offset = input.clockOffsetMs ?? 0;
  const now = () => new Date(Date.now() + offset);
  const dueAt = statementDueAt(input.month);
  let statementId: string | null = null;
  let state: StatementSnapshot['state'] = 'preparing';
  let sentAt: string | null = null;
  let late = false;
  let remindersSent = 0;
  let nextReminderAt: Date | null = null;

  const snapshot = (): StatementSnapshot => ({
    statementId,
    organisationId: input.organisationId,
    month: input.month,
    state,
    dueAt: dueAt.toISOString(),
    sentAt,
    late,
    remindersSent,
    nextReminderAt: state === 'sent' ? null : (nextReminderAt?.toISOString() ?? null),
  });

  setHandler(statementStateQuery, snapshot);
  setHandler(
    markStatementSentUpdate,
    async (u) => {
      // BIL-1: the statement's row is committed (and listed) a moment before the workflow hears its preparation end: a
      // centre reporting it sent then waits for it rather than being refused.
      if (state === 'preparing' && patched(SENT_WHILE_PREPARING)) await condition(() => state !== 'preparing');
      if (state !== 'prepared')
        throw ApplicationFailure.nonRetryable('the statement was already sent', 'TransitionRefused', { ruleId: 'BIL-1' });
      const at = u?.sentAt ?? now().toISOString();
      ({ late } = await markStatementSent({ statementId: statementId!, sentAt: at, actor: u?.actor ?? 'centre' }));
      state = 'sent';
      sentAt = at;
      return snapshot();
    },
    {
      validator: (u) => {
        if (state === 'sent')
          throw ApplicationFailure.nonRetryable('the statement was already sent', 'TransitionRefused', { ruleId: 'BIL-1' });
        if (u?.sentAt !== undefined && (Number.isNaN(Date.parse(u.sentAt)) || Date.parse(u.sentAt) > now().getTime())) {
          throw ApplicationFailure.nonRetryable('sentAt must be an ISO instant, not in the future', 'InvalidCommand', { field: 'sentAt' });
        }
      },
    },
  );

  const s = await prepareStatement({ organisationId: input.organisationId, month: input.month, at: now().toISOString() });
  statementId = s.id;
  if (s.state !== 'prepared') {
    // Already sent (a re-run of the month): nothing left to watch.
    state = 'sent';
    return snapshot();
  }
  state = 'prepared';
  const mail = async (key: string, template: BillingTemplateName, audience: 'centre' | 'operations', extra: { overdue?: boolean } = {}) =>
    sendEmail({
      key: `statement:${s.id}:${key}`,
      to: audience === 'centre' ? s.email : null,
      audience,
      template,
      data: {
        centreName: s.organisationName,
        month: input.month,
        dueAt: s.dueAt,
        sessions: s.lines.length,
        candidates: s.totals.candidates,
        pixShareInclVatEur: s.totals.pixShareInclVatCents / 100,
        pixShareExclVatEur: s.totals.pixShareExclVatCents / 100,
        ...extra,
      },
    });
  await mail('prepared', 'statement-prepared', 'centre');

  /** Waits until `at` or until the statement is sent; true when sent. */
  const sentBy = async (at: Date) => {
    nextReminderAt = at;
    const wait = at.getTime() - now().getTime();
    return wait <= 0 ? state === 'sent' : condition(() => state === 'sent', wait);
  };

  for (const at of statementReminders(input.month)) {
    if (at.getTime() <= now().getTime()) continue;
    if (await sentBy(at)) return snapshot();
    remindersSent++;
    await mail(`reminder-${remindersSent}`, 'statement-reminder', 'centre', { overdue: false });
    await recordStatementReminder({ statementId: s.id, n: remindersSent });
  }
  if (await sentBy(dueAt)) return snapshot();
  await mail('overdue', 'statement-overdue', 'operations');
  for (let n = 1; ; n++) {
    if (await sentBy(overdueReminderAt(input.month, n))) return snapshot();
    remindersSent++;
    await mail(`reminder-${remindersSent}`, 'statement-reminder', 'centre', { overdue: true });
    await recordStatementReminder({ statementId: s.id, n: remindersSent });
  }
}
