import { type WorkflowHandle, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { PARAMETERS } from '../../config/parameters';
import { dateIn } from '../../shared/domain/zoned-time';
import { cancelSessionUpdate, finaliseSessionUpdate, moveSessionUpdate, sessionWorkflowId } from '../workflows/definitions';
import { sessionRemedyWorkflowId } from '../workflows/remedy-definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { quotaOutboxRepository } from '../infra/quota-outbox.repository';
import { sessionQualityRepository } from '../infra/session-quality.repository';
import { sessionWorkflowOutboxRepository } from '../infra/session-workflow-outbox.repository';
import { drainQuotaOutbox } from './quota-outbox';
import type { SessionCentre } from '../domain/session';
import type { SessionReport } from './session-report';
import {
  type QualityRow,
  type QueuedStep,
  type QuotaReport,
  type SessionWorkflowOutboxRepository,
  sessionOfStep,
  type WorkflowStep,
} from './ports';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

export type { QueuedStep, WorkflowStep } from './ports';

type Deps = Pick<ApplicationDeps, 'db' | 'temporal' | 'taskQueue'>;

/** SES-10 workflow calls in flight at once (each is one round trip to Temporal); a session's own steps go in order. */
const CALLS_IN_FLIGHT = 16;

/**
 * Applies queued steps, each session's in order, sessions in parallel; a delivered step's row goes.
 * A failed step and the later steps of its session stay for the next drain (attempts and the error
 * recorded). Returns the first error, if any, after recording what was delivered.
 */
export async function deliverWorkflowSteps(deps: Deps, queued: QueuedStep[]): Promise<{ delivered: number; error: unknown }> {
  const outbox = sessionWorkflowOutboxRepository(deps.db);
  return deliverSteps(outbox, (step) => applyStep(deps, step), await withEarlierSteps(outbox, queued));
}

/**
 * SES-10: a session's steps go in order across requests too. A request that committed its step and died before
 * delivering it (a killed API replica, issue 15) leaves it queued until a drain; a later request's step for the same
 * session (its finalisation) must not overtake it — delivered alone it would find no workflow, and the late start
 * would then open a deadline nobody closes. The earlier steps still waiting go first, in order (each is idempotent:
 * a drain delivering them meanwhile changes nothing).
 */
async function withEarlierSteps(outbox: Pick<SessionWorkflowOutboxRepository, 'stepsBefore'>, queued: QueuedStep[]): Promise<QueuedStep[]> {
  if (queued.length === 0) return queued;
  const first = queued.reduce((min, q) => (BigInt(q.id) < BigInt(min) ? q.id : min), queued[0]!.id);
  const earlier = await outbox.stepsBefore([...new Set(queued.map((q) => sessionOfStep(q.step)))], first);
  return [...earlier, ...queued];
}

/** deliverWorkflowSteps over its ports: `apply` makes one step's workflow call. */
export async function deliverSteps(
  outbox: Pick<SessionWorkflowOutboxRepository, 'removeSteps' | 'recordFailure'>,
  apply: (step: WorkflowStep) => Promise<void>,
  queued: QueuedStep[],
): Promise<{ delivered: number; error: unknown }> {
  const bySession = new Map<string, QueuedStep[]>();
  for (const q of queued) bySession.set(sessionOfStep(q.step), [...(bySession.get(sessionOfStep(q.step)) ?? []), q]);
  const done: string[] = [];
  const failed: Array<{ id: string; error: string }> = [];
  let firstError: unknown = null;
  const sessions = [...bySession.values()];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CALLS_IN_FLIGHT, sessions.length) }, async () => {
      for (let i = next++; i < sessions.length; i = next++) {
        for (const q of sessions[i]!) {
          try {
            await apply(q.step);
            done.push(q.id);
          } catch (err) {
            firstError ??= err;
            failed.push({ id: q.id, error: err instanceof Error ? err.message : String(err) });
            break; // the session's later steps wait for this one
          }
        }
      }
    }),
  );
  if (done.length) await outbox.removeSteps(done);
  for (const f of failed) await outbox.recordFailure(f.id, f.error);
  return { delivered: done.length, error: firstError };
}

/**
 * Steps left by a failed call or a stop between commit and delivery, oldest first; returns how many were
 * delivered. `olderThanSeconds` leaves alone the steps their own request is still delivering.
 */
export async function drainWorkflowOutbox(deps: Deps, options: { olderThanSeconds?: number } = {}): Promise<number> {
  const outbox = sessionWorkflowOutboxRepository(deps.db);
  let delivered = 0;
  let after = '0';
  for (;;) {
    const rows = await outbox.waitingSteps(after, options.olderThanSeconds ?? 0);
    if (rows.length === 0) return delivered;
    after = rows[rows.length - 1]!.id;
    delivered += (await deliverWorkflowSteps(deps, rows)).delivered;
  }
}

async function applyStep(deps: Deps, step: WorkflowStep): Promise<void> {
  const wf = deps.temporal.workflow;
  if (step.kind === 'start' || step.kind === 'remedy') {
    try {
      if (step.kind === 'start')
        await wf.start('sessionDeadlineWorkflow', {
          workflowId: sessionWorkflowId(step.input.sessionId),
          taskQueue: deps.taskQueue,
          args: [step.input],
        });
      else
        await wf.start('sessionRemedyWorkflow', {
          workflowId: sessionRemedyWorkflowId(step.input.sessionId),
          taskQueue: deps.taskQueue,
          args: [step.input],
        });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return;
  }
  const handle = wf.getHandle(sessionWorkflowId(step.sessionId));
  try {
    await withinWorkflowBudget(handle, () => updateSession(handle, step));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Its workflow is gone (closed long ago and removed): the row stands; quality and QUO-3 as for a history report.
    if (step.kind === 'finalise') {
      const q = quotaReport(step.report, step.centre);
      await deps.db.transaction(async (m) => {
        await sessionQualityRepository(m).upsertQuality([qualityRow(step)]);
        await quotaOutboxRepository(m).queueReports(q ? [q] : []);
      });
      if (q) await drainQuotaOutbox(deps, { organisationIds: [q.agrementOrganisationId] });
    }
  }
}

/** The update a move, cancel or finalise step makes; its update id makes a redelivery apply once. */
async function updateSession(handle: WorkflowHandle, step: Exclude<WorkflowStep, { kind: 'start' | 'remedy' }>): Promise<void> {
  if (step.kind === 'move')
    await handle.executeUpdate(moveSessionUpdate, {
      args: [{ date: step.date, endTime: step.endTime }],
      updateId: `move:${step.date}:${step.endTime}`,
    });
  if (step.kind === 'cancel') await handle.executeUpdate(cancelSessionUpdate, { args: [{ reason: step.reason }], updateId: 'cancel' });
  if (step.kind === 'finalise') {
    const f = step.report.finalisation!;
    await handle.executeUpdate(finaliseSessionUpdate, {
      args: [
        {
          finalisedAt: f.finalisedAt,
          candidatesWhoSat: f.candidatesWhoSat,
          incidents: (f.incidents ?? []).map((x) => x.description),
          fraudReports: (f.fraudReports ?? []).map((x) => x.description),
        },
      ],
      updateId: 'finalise',
    });
  }
}

/** SES-10: a session reported already finalised goes straight into the centre's quality record (late or not). */
export function qualityRow(step: Extract<WorkflowStep, { kind: 'finalise' }>): QualityRow {
  const f = step.report.finalisation!;
  return {
    session_id: step.sessionId,
    organisation_id: step.centre.id,
    deadline_at: step.deadlineAt,
    finalised_at: f.finalisedAt,
    late: Date.parse(f.finalisedAt) > Date.parse(step.deadlineAt),
  };
}

/** QUO-3: what the agrément counts for a finalised session; a secondary school has no agrément (SCO-1). */
export function quotaReport(report: SessionReport, centre: SessionCentre): QuotaReport | null {
  const f = report.finalisation!;
  if (centre.agrementOrganisationId === null) return null;
  return {
    agrementOrganisationId: centre.agrementOrganisationId,
    session: {
      sessionId: report.id,
      finalisedOn: dateIn(new Date(f.finalisedAt), PARAMETERS.agrement.timeZone),
      candidates: f.candidatesWhoSat,
    },
  };
}
