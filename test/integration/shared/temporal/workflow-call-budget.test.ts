import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unavailableDependency } from '../../../../src/shared/dependency-errors';
import { withinWorkflowBudget } from '../../../../src/shared/temporal/workflow-call-budget';
import { finaliseSessionUpdate, sessionStateQuery, sessionWorkflowId } from '../../../../src/sessions/workflows/definitions';
import { createHarness, type Harness } from '../../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A session deadline workflow on a task queue no worker polls: it exists, and never answers. */
async function unansweredSession() {
  const id = randomUUID();
  return h.client.workflow.start('sessionDeadlineWorkflow', {
    workflowId: sessionWorkflowId(`S-${id.slice(0, 8)}`),
    taskQueue: `nobody-polls-${id}`,
    args: [{ sessionId: `S-${id.slice(0, 8)}` }],
  });
}

describe('a workflow call that waits on a worker is bounded (SES-10, issue 15: no request held forever)', () => {
  it('an update the workflow never accepts fails past its budget as Temporal unavailable (503, retried with the same update id)', async () => {
    const handle = await unansweredSession();
    const error = await withinWorkflowBudget(
      handle,
      () => handle.executeUpdate(finaliseSessionUpdate, { args: [{ candidatesWhoSat: 3 }], updateId: 'finalise' }),
      500,
    ).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).not.toBeNull();
    expect(unavailableDependency(error)).toBe('temporal');
    // The workflow is untouched: it still waits for its first task.
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });

  it('a query no worker answers fails past its budget as Temporal unavailable', async () => {
    const handle = await unansweredSession();
    const error = await withinWorkflowBudget(handle, () => handle.query(sessionStateQuery), 500).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).not.toBeNull();
    expect(unavailableDependency(error), `${String(error)}; cause: ${String((error as { cause?: unknown } | null)?.cause)}`).toBe(
      'temporal',
    );
  });

  it('within its budget a call answers as it would unbounded', async () => {
    const id = randomUUID();
    const handle = await h.client.workflow.start('sessionDeadlineWorkflow', {
      workflowId: sessionWorkflowId(`S-${id.slice(0, 8)}`),
      taskQueue: h.taskQueue,
      args: [
        {
          sessionId: `S-${id.slice(0, 8)}`,
          centreId: id,
          agrementOrganisationId: null,
          centreName: `Centre ${id.slice(0, 6)}`,
          centreEmail: `centre-${id.slice(0, 8)}@test.fr`,
          date: '2099-03-28',
          endTime: '16:00',
          timeZone: 'Europe/Paris',
          candidates: 5,
        },
      ],
    });
    const state = await h.run(() => withinWorkflowBudget(handle, () => handle.query(sessionStateQuery)));
    expect(state).toMatchObject({ state: 'scheduled', deadlineAt: '2099-03-30T15:00:00.000Z' });
  });
});
