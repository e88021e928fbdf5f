import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AFFECTED_SESSIONS_NOTICE,
  AGREMENT_MODEL_2,
  RECORD_IN_WORKFLOW_TASK,
  REF4_CONTRIBUTION_WARNING,
} from '../../../src/agrement/workflows/agrement.workflow';
import { START_AGREMENT_PATCH } from '../../../src/application/workflows/application.workflow';
import { loadHistory, patchesIn } from '../../support/histories';
import { DUE_STEPS_AT_ONCE } from '../../../src/sessions/workflows/session-deadline.workflow';
import { workflowBundle } from '../../support/harness';
import { SENT_WHILE_PREPARING } from '../../../src/billing/workflows/statement.workflow';

/**
 * Long-lived workflows must replay their recorded histories with today's code:
 * a change that alters the commands of a running application fails here first.
 */
/** What the tests read of a committed history: the activities it scheduled and the markers (patches, local activities) it recorded. */
type RecordedHistory = {
  events: Array<{
    activityTaskScheduledEventAttributes?: { activityType: { name: string } };
    markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads: { data: string }[] }> };
  }>;
};
const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

describe('application workflow replay', () => {
  it('APP-2..6 replays the committed history of a complete procedure without non-determinism', async () => {
    const history = loadHistory('application-happy-path');
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history as never, 'application-happy-path'),
    ).resolves.toBeUndefined();
  });

  it('ships the hand-over to the agrément behind a patch: a history recorded before it and one recorded after both replay', async () => {
    const bundle = await workflowBundle();
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle }, loadHistory('application-happy-path') as never, 'before-patch'),
    ).resolves.toBeUndefined();
    const after = loadHistory('application-with-agrement') as {
      events: { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads: { data: string }[] }> } }[];
    };
    // The patch leaves a marker naming it in the new history only.
    expect(patchesIn(after)).toEqual([START_AGREMENT_PATCH]);
    expect(patchesIn(loadHistory('application-happy-path') as typeof after)).toEqual([]);
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, after as never, 'after-patch')).resolves.toBeUndefined();
  });

  it('AGR-1..6 BRE-1..4 replays the committed history of an agrément suspended, notified, proposed for termination and terminated', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle() },
        loadHistory('agrement-breach-termination') as never,
        'agrement-breach-termination',
      ),
    ).resolves.toBeUndefined();
  });

  it('REF-4 ships the contribution warning behind a patch: an agrément recorded before it (no warning) and one recorded after (warned) both replay', async () => {
    const bundle = await workflowBundle();
    type History = {
      events: { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads: { data: string }[] }> } }[];
    };
    const before = loadHistory('agrement-before-ref4-warning') as History;
    const after = loadHistory('agrement-ref4-warning') as History;
    expect(patchesIn(before)).toEqual([AGREMENT_MODEL_2]);
    expect(patchesIn(after)).toEqual([AGREMENT_MODEL_2, REF4_CONTRIBUTION_WARNING]);
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle }, before as never, 'agrement-before-ref4-warning'),
    ).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, after as never, 'agrement-ref4-warning')).resolves.toBeUndefined();
  });

  it('SES-9 SUS-2 TER-5 replays the committed history of an agrément whose suspension, termination notice and end each told the centre of its planned sessions (patched)', async () => {
    const history = loadHistory('agrement-affected-sessions') as RecordedHistory;
    const patches = patchesIn(history);
    expect(patches).toContain(AFFECTED_SESSIONS_NOTICE);
    expect(
      history.events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'notifyAffectedSessions'),
    ).toHaveLength(3);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history as never, 'agrement-affected-sessions'),
    ).resolves.toBeUndefined();
  });

  it('issue 15 ships the decisions recorded inside the workflow task behind a patch: an agrément recorded before it (activity tasks) and one after it (local activities) both replay', async () => {
    const bundle = await workflowBundle();
    const recordTasks = (h: RecordedHistory) =>
      h.events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'recordAgrement').length;
    const before = loadHistory('agrement-breach-termination') as RecordedHistory;
    const after = loadHistory('agrement-recorded-in-task') as RecordedHistory;
    expect(patchesIn(before)).not.toContain(RECORD_IN_WORKFLOW_TASK);
    expect(recordTasks(before)).toBeGreaterThan(1);
    expect(patchesIn(after)).toContain(RECORD_IN_WORKFLOW_TASK);
    // The opening alone is an activity task; the decisions after it are local activities.
    expect(recordTasks(after)).toBe(1);
    expect(after.events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(3);
    for (const [history, name] of [
      [before, 'agrement-breach-termination'],
      [after, 'agrement-recorded-in-task'],
    ] as const)
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history as never, name)).resolves.toBeUndefined();
  });

  it('SES-10 replays the committed history of a session reminded, overdue and finalised late', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle() },
        loadHistory('session-finalised-late') as never,
        'session-finalised-late',
      ),
    ).resolves.toBeUndefined();
  });

  it('SES-10 ships the reminder already due decided at once behind a patch: the history with its 1 ms timer and the one without both replay', async () => {
    const bundle = await workflowBundle();
    const timersIn = (history: unknown) =>
      (history as { events: { timerStartedEventAttributes?: { startToFireTimeout?: string } }[] }).events.flatMap((e) =>
        e.timerStartedEventAttributes ? [e.timerStartedEventAttributes.startToFireTimeout] : [],
      );
    const before = loadHistory('session-reported-after-reminder-before-patch');
    const after = loadHistory('session-reported-after-reminder');
    expect(patchesIn(before)).toEqual([]);
    expect(timersIn(before)[0]).toBe('0.001s');
    expect(patchesIn(after)).toEqual([DUE_STEPS_AT_ONCE]);
    expect(timersIn(after).every((t) => t !== '0.001s')).toBe(true);
    for (const [history, name] of [
      [before, 'session-reported-after-reminder-before-patch'],
      [after, 'session-reported-after-reminder'],
    ] as const)
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history as never, name)).resolves.toBeUndefined();
  });

  it('SES-12 replays the committed history of a remedy follow-up alerted to operations and remedied late', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle() },
        loadHistory('session-remedy-late') as never,
        'session-remedy-late',
      ),
    ).resolves.toBeUndefined();
  });

  it('BIL-1 ships the statement sent while being prepared behind a patch: a statement sent late recorded before it and one sent while prepared after it both replay', async () => {
    const bundle = await workflowBundle();
    const before = loadHistory('statement-sent-late');
    const after = loadHistory('statement-sent-while-preparing');
    expect(patchesIn(before)).toEqual([]);
    expect(patchesIn(after)).toEqual([SENT_WHILE_PREPARING]);
    for (const [history, name] of [
      [before, 'statement-sent-late'],
      [after, 'statement-sent-while-preparing'],
    ] as const)
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history as never, name)).resolves.toBeUndefined();
  });

  it('detects a non-deterministic change: the same history against a workflow that schedules other activities fails', async () => {
    const history = loadHistory('application-happy-path');
    const changed = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '..', '..', 'fixtures', 'workflows', 'changed-application.workflow.ts'),
      logger: quietLogger,
    });
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history as never, 'application-happy-path')).rejects.toThrow(
      /[Nn]ondeterminism|DeterminismViolation/,
    );
  });
});
