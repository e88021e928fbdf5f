import { ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { BillingActivities } from '../activities/billing.activities';
import { PARAMETERS } from '../../config/parameters';
import { previousMonth } from '../domain/statement';
import { dateIn } from '../../shared/domain/zoned-time';
import { LISTING_ACTIVITY } from '../../shared/workflows/activity-options';
import { type MonthlyStatementsInput, statementWorkflowId } from './definitions';
import { statementWorkflow } from './statement.workflow';

const { centresWithPayingSessions } = proxyActivities<BillingActivities>(LISTING_ACTIVITY);

/**
 * BIL-1: run by the monthly Temporal schedule (1st of the month, 06:00 Europe/Paris): one statement
 * workflow per centre with paying sessions in the previous month. Ids are per centre and month, so a
 * re-run (catch-up, manual trigger) starts nothing twice.
 * Sessions finalised after this run (held on the month's last evening, or late) are not lost: their
 * finalisation recomputes the open statement, or starts the month's statement when the centre has none
 * (startLateStatements); as a safety net for a start that failed then, each run also starts the month
 * before's missing statements. A session finalised after its statement was sent is carried to the next.
 */
export async function monthlyStatementsWorkflow(input: MonthlyStatementsInput = {}): Promise<{ month: string; started: number }> {
  const now = new Date(Date.now() + (input.clockOffsetMs ?? 0));
  const month = input.month ?? previousMonth(dateIn(now, PARAMETERS.agrement.timeZone).slice(0, 7));
  let started = 0;
  for (const m of [previousMonth(month), month]) started += await startStatements(m, input.clockOffsetMs);
  return { month, started };
}

async function startStatements(month: string, clockOffsetMs: number | undefined): Promise<number> {
  let started = 0;
  for (const organisationId of await centresWithPayingSessions(month)) {
    try {
      await startChild(statementWorkflow, {
        workflowId: statementWorkflowId(organisationId, month),
        args: [{ organisationId, month, clockOffsetMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return started;
}
