import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBillingActivities } from '../../../../src/billing/activities/billing.activities';
import { PARAMETERS } from '../../../../src/config/parameters';
import { createDataSource, dataSourceFor } from '../../../../src/shared/database/data-source';
import { attentionInterceptors } from '../../../../src/attention/infra/attention-interceptor';
import { listAttention } from '../../../../src/attention/usecases/attention';

/**
 * The worker's activity interceptor, run by Temporal's activity test environment around real activities:
 * a transient failure (the activity's database has gone) is retried and listed only once it keeps failing;
 * the item resolves itself when the activity succeeds; a bounded policy's last attempt is listed as failed.
 */
let db: DataSource;
let gone: DataSource;
const THRESHOLD = PARAMETERS.attention.retryingActivityAttempts;

beforeAll(async () => {
  db = await dataSourceFor(inject('databaseUrl'));
  // A database that was there and is no more: every query fails, as while PostgreSQL restarts.
  gone = await createDataSource(inject('databaseUrl'), { poolSize: 1 }).initialize();
  await gone.destroy();
});
afterAll(async () => {
  await gone?.destroy().catch(() => undefined);
});

function run<R>(
  attempt: number,
  over: DataSource,
  workflowId: string,
  extra: Record<string, unknown> = {},
  fn?: (a: ReturnType<typeof createBillingActivities>) => Promise<R>,
) {
  const env = new MockActivityEnvironment(
    {
      attempt,
      activityType: 'recordStatementReminder',
      workflowType: 'statementWorkflow',
      workflowExecution: { workflowId, runId: 'run-1' },
      ...extra,
    },
    { interceptors: [attentionInterceptors(db)] },
  );
  const activities = createBillingActivities({ db: over });
  return env.run(() => (fn ? fn(activities) : activities.recordStatementReminder({ statementId: randomUUID(), n: 1 })));
}
const items = async (workflowId: string, status: 'open' | 'resolved' | 'all' = 'all') =>
  (await listAttention(db, { status, workflowId, limit: 10, offset: 0 })).items;

describe('attention interceptor: transient failures are retried, and listed once they persist', () => {
  it(`a transient failure stays retryable and is listed from attempt ${THRESHOLD} on; the item resolves itself when the activity succeeds`, async () => {
    const workflowId = `statement-${randomUUID()}`;
    const early = await run(THRESHOLD - 1, gone, workflowId).then(
      () => null,
      (e: unknown) => e,
    );
    expect(early).toBeInstanceOf(Error);
    expect(early).not.toBeInstanceOf(ApplicationFailure);
    expect(await items(workflowId)).toEqual([]);

    const persistent = await run(THRESHOLD, gone, workflowId).then(
      () => null,
      (e: unknown) => e,
    );
    expect(persistent).not.toBeInstanceOf(ApplicationFailure);
    await run(THRESHOLD + 1, gone, workflowId).catch(() => undefined);
    const [item] = await items(workflowId, 'open');
    expect(item).toMatchObject({
      kind: 'activity-retrying',
      workflowType: 'statementWorkflow',
      activityType: 'recordStatementReminder',
      attempts: THRESHOLD + 1,
      occurrences: 2,
    });
    expect(item!.errorMessage).toMatch(/not connected/i);
    expect(item!.action).toMatch(/continue de la relancer/);

    await run(THRESHOLD + 2, db, workflowId);
    const [resolved] = await items(workflowId, 'resolved');
    expect(resolved).toMatchObject({ id: item!.id, resolvedBy: 'system' });
    expect(resolved!.resolution).toContain(`tentative ${THRESHOLD + 2}`);
  });

  it('a bounded retry policy: its last attempt is listed as failed (no retry follows)', async () => {
    const workflowId = `statement-${randomUUID()}`;
    await run(3, gone, workflowId, { retryPolicy: { maximumAttempts: 3 } }).catch(() => undefined);
    const [item] = await items(workflowId, 'open');
    expect(item).toMatchObject({ kind: 'activity-failed', attempts: 3 });
    expect(item!.action).toMatch(/n'est plus relancée/);
  });

  it('a DomainError thrown by a use case inside an activity becomes a non-retryable failure of its name, with its details', async () => {
    const workflowId = `agrement-${randomUUID()}`;
    const organisationId = randomUUID();
    const failure = await run(1, db, workflowId, { activityType: 'makeAmountsPayableNow' }, (a) =>
      a.makeAmountsPayableNow({ organisationId, on: '2026-01-05', ruleId: 'SUS-3' }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'NotFound', nonRetryable: true, details: [{ organisationId }] });
    const [item] = await items(workflowId, 'open');
    expect(item).toMatchObject({ kind: 'activity-failed', activityType: 'makeAmountsPayableNow', errorType: 'NotFound' });
  });

  it('an error quoting the invalid input itself (a NUL byte, a lone surrogate) is still listed, the characters made visible', async () => {
    const workflowId = `agrement-${randomUUID()}`;
    const on = '2026-01-0\u0000\ud800';
    const failure = await run(1, db, workflowId, { activityType: 'makeAmountsPayableNow' }, (a) =>
      a.makeAmountsPayableNow({ organisationId: randomUUID(), on, ruleId: 'SUS-3' }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ type: 'InvalidCommand', nonRetryable: true, details: [{ field: 'on' }] });
    const [item] = await items(workflowId, 'open');
    expect(item).toMatchObject({ errorType: 'InvalidCommand', details: { field: 'on' } });
    expect(item!.errorMessage).toContain('2026-01-0\\0\ufffd');
  });
});
