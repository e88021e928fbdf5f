import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { dateIn } from '../../shared/domain/zoned-time';
import { cancelSessionUpdate, finaliseSessionUpdate, moveSessionUpdate, type SessionDeadlineInput, sessionWorkflowId } from '../workflows/definitions';
import { type SessionRemedyInput, sessionRemedyWorkflowId } from '../workflows/remedy-definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { type QualityRow, upsertQuality } from '../infra/session-quality-store';
import { drainQuotaOutbox, type QuotaReport, queueQuotaReports } from './quota-outbox';
import type { SessionCentre } from '../domain/session';
import type { SessionReport } from './session-report';

/** What a committed change means for the session's SES-10 workflow. */
export type WorkflowStep =
  | { kind: 'start'; input: SessionDeadlineInput }
  | { kind: 'move'; sessionId: string; date: string; endTime: string }
  | { kind: 'cancel'; sessionId: string; reason: string }
  | { kind: 'finalise'; sessionId: string; report: SessionReport; centre: SessionCentre; deadlineAt: string }
  | { kind: 'remedy'; input: SessionRemedyInput };

type Deps = Pick<ApplicationDeps, 'db' | 'temporal' | 'taskQueue'>;
export interface QueuedStep {
  id: string;
  step: WorkflowStep;
}

const sessionOfStep = (step: WorkflowStep) => (step.kind === 'start' || step.kind === 'remedy' ? step.input.sessionId : step.sessionId);

/** SES-10 workflow calls in flight at once (each is one round trip to Temporal); a session's own steps go in order. */
const CALLS_IN_FLIGHT = 16;

/** Written in the caller's transaction: the steps exist if and only if the rows they follow are committed. */
export async function queueWorkflowSteps(m: EntityManager, steps: WorkflowStep[]): Promise<QueuedStep[]> {
  if (steps.length === 0) return [];
  const rows: { id: string; ord: number }[] = await m.query(
    `INSERT INTO session_workflow_outbox (session_id, step)
     SELECT e.v->>'session_id', e.v->'step' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, ord) ORDER BY e.ord
     RETURNING id`,
    [JSON.stringify(steps.map((step) => ({ session_id: sessionOfStep(step), step })))],
  );
  // RETURNING follows insertion order, which follows ORDER BY ord: ids rise with the steps.
  const ids = rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
  return steps.map((step, i) => ({ id: ids[i]!, step }));
}

/**
 * Applies queued steps, each session's in order, sessions in parallel; a delivered step's row goes.
 * A failed step and the later steps of its session stay for the next drain (attempts and the error
 * recorded). Returns the first error, if any, after recording what was delivered.
 */
export async function deliverWorkflowSteps(deps: Deps, queued: QueuedStep[]): Promise<{ delivered: number; error: unknown }> {
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
            await applyStep(deps, q.step);
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
  if (done.length) await deps.db.query(`DELETE FROM session_workflow_outbox WHERE id = ANY($1::bigint[])`, [done]);
  for (const f of failed) await deps.db.query(`UPDATE session_workflow_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [f.id, f.error]);
  return { delivered: done.length, error: firstError };
}

/**
 * Steps left by a failed call or a stop between commit and delivery, oldest first; returns how many were
 * delivered. `olderThanSeconds` leaves alone the steps their own request is still delivering.
 */
export async function drainWorkflowOutbox(deps: Deps, options: { olderThanSeconds?: number } = {}): Promise<number> {
  let delivered = 0;
  let after = '0';
  for (;;) {
    const rows: { id: string; step: WorkflowStep }[] = await deps.db.query(
      `SELECT id, step FROM session_workflow_outbox WHERE id > $1 AND created_at <= now() - make_interval(secs => $2) ORDER BY id LIMIT 500`,
      [after, options.olderThanSeconds ?? 0],
    );
    if (rows.length === 0) return delivered;
    after = rows[rows.length - 1]!.id;
    delivered += (await deliverWorkflowSteps(deps, rows)).delivered;
  }
}

async function applyStep(deps: Deps, step: WorkflowStep): Promise<void> {
  const wf = deps.temporal.workflow;
  if (step.kind === 'start' || step.kind === 'remedy') {
    try {
      if (step.kind === 'start') await wf.start('sessionDeadlineWorkflow', { workflowId: sessionWorkflowId(step.input.sessionId), taskQueue: deps.taskQueue, args: [step.input] });
      else await wf.start('sessionRemedyWorkflow', { workflowId: sessionRemedyWorkflowId(step.input.sessionId), taskQueue: deps.taskQueue, args: [step.input] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return;
  }
  const handle = wf.getHandle(sessionWorkflowId(step.sessionId));
  try {
    if (step.kind === 'move') await handle.executeUpdate(moveSessionUpdate, { args: [{ date: step.date, endTime: step.endTime }], updateId: `move:${step.date}:${step.endTime}` });
    if (step.kind === 'cancel') await handle.executeUpdate(cancelSessionUpdate, { args: [{ reason: step.reason }], updateId: 'cancel' });
    if (step.kind === 'finalise') {
      const f = step.report.finalisation!;
      await handle.executeUpdate(finaliseSessionUpdate, {
        args: [{ finalisedAt: f.finalisedAt, candidatesWhoSat: f.candidatesWhoSat, incidents: (f.incidents ?? []).map((x) => x.description), fraudReports: (f.fraudReports ?? []).map((x) => x.description) }],
        updateId: 'finalise',
      });
    }
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Its workflow is gone (closed long ago and removed): the row stands; quality and QUO-3 as for a history report.
    if (step.kind === 'finalise') {
      const q = quotaReport(step.report, step.centre);
      await deps.db.transaction(async (m) => {
        await upsertQuality(m, [qualityRow(step)]);
        await queueQuotaReports(m, q ? [q] : []);
      });
      if (q) await drainQuotaOutbox(deps, { organisationIds: [q.agrementOrganisationId] });
    }
  }
}

/** SES-10: a session reported already finalised goes straight into the centre's quality record (late or not). */
export function qualityRow(step: Extract<WorkflowStep, { kind: 'finalise' }>): QualityRow {
  const f = step.report.finalisation!;
  return { session_id: step.sessionId, organisation_id: step.centre.id, deadline_at: step.deadlineAt, finalised_at: f.finalisedAt, late: Date.parse(f.finalisedAt) > Date.parse(step.deadlineAt) };
}

/** QUO-3: what the agrément counts for a finalised session; a secondary school has no agrément (SCO-1). */
export function quotaReport(report: SessionReport, centre: SessionCentre): QuotaReport | null {
  const f = report.finalisation!;
  if (centre.agrementOrganisationId === null) return null;
  return {
    agrementOrganisationId: centre.agrementOrganisationId,
    session: { sessionId: report.id, finalisedOn: dateIn(new Date(f.finalisedAt), PARAMETERS.agrement.timeZone), candidates: f.candidatesWhoSat },
  };
}
