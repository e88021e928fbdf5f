import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { PARAMETERS } from '../../config/parameters';
import { STATEMENT_SCHEDULE_ID } from '../workflows/definitions';

/**
 * BIL-1: a Temporal schedule prepares the monthly statements on the 1st of every month at 06:00 in
 * Paris (daylight saving handled by the schedule's time zone). Created once, updated to the current
 * spec on every start, so a change of the parameters reaches the running schedule.
 */
export function statementScheduleSpec() {
  return {
    calendars: [
      { dayOfMonth: 1, hour: PARAMETERS.billing.statementPreparedHour, minute: 0, comment: 'BIL-1: statements of the previous month' },
    ],
    timezone: PARAMETERS.agrement.timeZone,
  };
}

export async function ensureStatementSchedule(client: Client, taskQueue: string): Promise<void> {
  const action = { type: 'startWorkflow' as const, workflowType: 'monthlyStatementsWorkflow', taskQueue, args: [{}] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' as const };
  try {
    await client.schedule.create({ scheduleId: STATEMENT_SCHEDULE_ID, spec: statementScheduleSpec(), action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(STATEMENT_SCHEDULE_ID)
      .update((previous) => ({ ...previous, spec: statementScheduleSpec(), action, policies }));
  }
}
