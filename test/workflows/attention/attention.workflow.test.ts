import { randomUUID } from 'node:crypto';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAttention } from '../../../src/attention/usecases/attention';
import { applicationWorkflowId } from '../../../src/application/workflows/definitions';
import { agrementWorkflowId } from '../../../src/agrement/workflows/definitions';
import { statementWorkflowId } from '../../../src/billing/workflows/definitions';
import { agrementStart } from '../../support/agrement-fixtures';
import { individualApplication, workflowInput } from '../../support/fixtures';
import { createHarness, type Harness } from '../../support/harness';

/**
 * Issue 11, "no workflow is ever stuck": for each kind of deterministic failure, the workflow ends (failed,
 * on the activity's first attempt) instead of retrying forever, and the failure is on the attention list
 * with its workflow, its error and what to do.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The workflow's end: its failure, as the activity's ApplicationFailure. */
async function failureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await result.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activity = (err as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  const cause = (activity as ActivityFailure).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

async function itemsOf(workflowId: string) {
  return (await listAttention(h.db, { status: 'open', workflowId, limit: 10, offset: 0 })).items;
}

describe('deterministic failures end the workflow and land on the attention list', () => {
  it('APP-1 template data missing (an organisation name of only spaces): the acknowledgement is refused for good, the application workflow fails and is listed', async () => {
    await h.run(async () => {
      const input = workflowInput(
        individualApplication({ organisation: { ...individualApplication().organisation, name: ' \u00a0 ' } }),
        new Date(await h.env.currentTimeMs()),
      );
      const workflowId = applicationWorkflowId(input.applicationId);
      const handle = await h.client.workflow.start('applicationWorkflow', { workflowId, taskQueue: h.taskQueue, args: [input] });
      const failure = await failureOf(handle.result());
      expect(failure).toMatchObject({ type: 'TemplateDataInvalid', nonRetryable: true });
      expect(failure.message).toContain('organisationName');

      const [item] = await itemsOf(workflowId);
      expect(item).toMatchObject({
        kind: 'activity-failed',
        workflowType: 'applicationWorkflow',
        activityType: 'sendEmail',
        errorType: 'TemplateDataInvalid',
        attempts: 1,
        resolvedAt: null,
      });
      expect(item!.action).toMatch(/corriger la donnée à la source/);
      const queued = await h.db.query(`SELECT 1 FROM email_outbox WHERE key LIKE $1`, [`application:${input.applicationId}:%`]);
      expect(queued).toEqual([]);
    });
  });

  it('BIL-1 a statement for a centre the engine does not know: prepareStatement throws NotFound, not retried; the workflow fails and is listed', async () => {
    await h.run(async () => {
      const organisationId = randomUUID();
      const workflowId = statementWorkflowId(organisationId, '2026-01');
      const handle = await h.client.workflow.start('statementWorkflow', {
        workflowId,
        taskQueue: h.taskQueue,
        args: [{ organisationId, month: '2026-01' }],
      });
      const failure = await failureOf(handle.result());
      expect(failure).toMatchObject({ type: 'NotFound', nonRetryable: true });

      const [item] = await itemsOf(workflowId);
      expect(item).toMatchObject({
        kind: 'activity-failed',
        workflowType: 'statementWorkflow',
        activityType: 'prepareStatement',
        errorType: 'NotFound',
        attempts: 1,
      });
      expect(item!.errorMessage).toContain(organisationId);
      expect(item!.action).toMatch(/n'existe pas/);
    });
  });

  it('AGR-1 an agrément whose organisation was never registered: PostgreSQL refuses the row (SQLSTATE 23503, class 23), the workflow fails and is listed', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-01-05');
      const workflowId = agrementWorkflowId(start.organisationId);
      const handle = await h.client.workflow.start('agrementWorkflow', { workflowId, taskQueue: h.taskQueue, args: [{ start }] });
      const failure = await failureOf(handle.result());
      expect(failure).toMatchObject({ type: 'DatabaseDataError', nonRetryable: true });

      const [item] = await itemsOf(workflowId);
      expect(item).toMatchObject({
        kind: 'activity-failed',
        workflowType: 'agrementWorkflow',
        activityType: 'recordAgrement',
        errorType: 'DatabaseDataError',
        attempts: 1,
      });
      expect(item!.details).toMatchObject({ sqlState: '23503' });
      expect(item!.action).toMatch(/SQLSTATE/);
    });
  });
});
