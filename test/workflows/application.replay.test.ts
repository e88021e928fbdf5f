import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHistory } from '../support/histories';
import { workflowBundle } from '../support/harness';

/**
 * Long-lived workflows must replay their recorded histories with today's code:
 * a change that alters the commands of a running application fails here first.
 */
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

describe('application workflow replay', () => {
  it('APP-2..6 replays the committed history of a complete procedure without non-determinism', async () => {
    const history = loadHistory('application-happy-path');
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history as never, 'application-happy-path')).resolves.toBeUndefined();
  });

  it('detects a non-deterministic change: the same history against a workflow that schedules other activities fails', async () => {
    const history = loadHistory('application-happy-path');
    const changed = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '..', 'fixtures', 'workflows', 'changed-application.workflow.ts'),
      logger: quietLogger,
    });
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history as never, 'application-happy-path')).rejects.toThrow(/[Nn]ondeterminism|DeterminismViolation/);
  });
});
