import { TransitionRefused } from '../../shared/domain/errors';
import type { RemedyKind } from '../domain/remedy';
import { recordRemedyUpdate, type SessionRemedySnapshot, sessionRemedyWorkflowId } from '../workflows/remedy-definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { translateWorkflowError } from '../../shared/usecases/workflow-errors';
import { sessionRemedy, storedReport } from './read-sessions';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

/**
 * SES-12: the centre records the remedy it offered (a free new session or a full refund) to the
 * candidates an incident attributable to it concerned. 409 SES-12 when there is nothing to remedy or
 * the follow-up is closed; 400 names the field.
 */
export async function recordSessionRemedy(
  deps: Pick<ApplicationDeps, 'db' | 'temporal'>,
  sessionId: string,
  remedy: { kind: RemedyKind; candidateLocalIds: string[]; note?: string | null },
  actor: string,
  organisationIds?: string[],
): Promise<SessionRemedySnapshot> {
  await storedReport(deps, sessionId, organisationIds); // 404 outside the caller's scope
  try {
    const handle = deps.temporal.workflow.getHandle(sessionRemedyWorkflowId(sessionId));
    return await withinWorkflowBudget(handle, () => handle.executeUpdate(recordRemedyUpdate, { args: [{ ...remedy, actor }] }));
  } catch (err) {
    const known = await sessionRemedy(deps, sessionId);
    throw translateWorkflowError(err, () =>
      known
        ? new TransitionRefused('SES-12', `the remedy follow-up of session ${sessionId} is closed (${known.state})`, { state: known.state })
        : new TransitionRefused(
            'SES-12',
            `no incident attributable to the centre was reported for session ${sessionId}: there is no remedy to record`,
          ),
    );
  }
}
