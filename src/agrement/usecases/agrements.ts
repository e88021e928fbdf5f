import { timelineView } from '../../audit/usecases/timeline';
import { blockerMessage, blockerRuleIds } from '../domain/affected-sessions';
import { type Agrement, sessionBlocker as sessionBlockerOf } from '../domain/agrement';
import { TransitionRefused } from '../../shared/domain/errors';
import { findAgrement, listAgrements } from '../infra/agrement.repository';
import { agrementActionUpdate, type AgrementActionInput, type AgrementSnapshot, agrementWorkflowId } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { translateWorkflowError } from '../../shared/usecases/workflow-errors';
import { ledgerView } from './ledger-view';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

/**
 * Sends a person's action to the agrément's workflow and waits until it is recorded.
 * The update id is the client's idempotency key: a retried request is applied once.
 */
export async function actOnAgrement(
  deps: ApplicationDeps,
  agrementId: string,
  input: AgrementActionInput,
  idempotencyKey?: string,
): Promise<AgrementSnapshot> {
  const { agrement } = await findAgrement(deps.db, agrementId);
  const handle = deps.temporal.workflow.getHandle(agrementWorkflowId(agrement.organisationId));
  try {
    return await withinWorkflowBudget(handle, () =>
      handle.executeUpdate(agrementActionUpdate, { args: [input], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) }),
    );
  } catch (err) {
    throw translateWorkflowError(err, () => {
      const end = (agrement.snapshot as Agrement).end;
      const ruleId = agrement.state === 'expired' ? 'AGR-4' : 'TER-5';
      return new TransitionRefused(
        ruleId,
        `the agrément has ${agrement.state === 'expired' ? 'expired' : 'ended'}${end ? ` on ${end.on}` : ''} (${ruleId})`,
        {
          state: agrement.state,
        },
      );
    });
  }
}

/** SES-9: may the centre organise a session or register candidates now? 409 names the rule that forbids it. */
export async function checkSessionAllowed(deps: Pick<ApplicationDeps, 'db'>, agrementId: string): Promise<{ allowed: true }> {
  const { agrement } = await findAgrement(deps.db, agrementId);
  const blocker = sessionBlockerOf(agrement.snapshot);
  if (blocker)
    throw new TransitionRefused(blocker.ruleId, blockerMessage(agrement.snapshot, blocker), {
      state: agrement.state,
      ruleIds: blockerRuleIds(agrement.snapshot, blocker.ruleId),
    });
  return { allowed: true };
}

export async function getAgrement(deps: Pick<ApplicationDeps, 'db'>, agrementId: string) {
  const { agrement: a, organisation, timeline } = await findAgrement(deps.db, agrementId);
  return {
    id: a.id,
    workflowId: agrementWorkflowId(a.organisationId),
    organisation: { id: organisation.id, name: organisation.name, email: organisation.email, department: organisation.department },
    kind: a.kind,
    state: a.state,
    startOn: a.startOn,
    termOn: a.termOn,
    firstGrantOn: a.firstGrantOn,
    candidates: a.candidates,
    agrement: a.snapshot,
    sessionBlocker: sessionBlockerOf(a.snapshot),
    deadlines: a.deadlines,
    // Issue 10 §3: each deadline once, with its date, rule and outcome (met, missed, reached, cancelled, superseded, pending).
    ledger: ledgerView(a.snapshot, a.deadlines),
    timeline: timelineView(timeline),
  };
}

export async function listAgrementsView(
  deps: Pick<ApplicationDeps, 'db'>,
  query: { state?: string; organisationIds?: string[]; limit: number; offset: number },
) {
  const { total, items } = await listAgrements(deps.db, query);
  return {
    total,
    limit: query.limit,
    offset: query.offset,
    items: items.map((a) => ({
      id: a.id,
      organisationId: a.organisationId,
      organisationName: a.snapshot.organisationName,
      kind: a.kind,
      state: a.state,
      termOn: a.termOn,
      candidates: a.candidates,
      nextDeadline: a.deadlines[0] ?? null,
    })),
  };
}
