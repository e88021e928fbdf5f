import { describe, expect, it } from 'vitest';
import type { QueuedStep, WorkflowStep } from '../../../../src/sessions/usecases/ports';
import { deliverSteps } from '../../../../src/sessions/usecases/session-workflow-outbox';

const move = (id: string, sessionId: string, date: string): QueuedStep => ({
  id,
  step: { kind: 'move', sessionId, date, endTime: '16:00' },
});
const cancel = (id: string, sessionId: string): QueuedStep => ({ id, step: { kind: 'cancel', sessionId, reason: 'annulée' } });

function recordingOutbox() {
  const removed: string[][] = [];
  const failures: Array<[string, string]> = [];
  return {
    removed,
    failures,
    outbox: {
      async removeSteps(ids: string[]) {
        removed.push([...ids].sort());
      },
      async recordFailure(id: string, error: string) {
        failures.push([id, error]);
      },
    },
  };
}

describe('SES-10 the workflow calls committed changes owe, delivered from the outbox', () => {
  it("SES-10 a session's steps go in order; a failed step holds back its session's later steps only", async () => {
    const applied: WorkflowStep[] = [];
    const r = recordingOutbox();
    const queued = [move('1', 'S-1', '2027-03-26'), move('2', 'S-2', '2027-03-27'), cancel('3', 'S-1'), cancel('4', 'S-2')];
    const refused = new Error('Temporal unavailable');
    const result = await deliverSteps(
      r.outbox,
      async (step) => {
        if (step.kind === 'move' && step.sessionId === 'S-2') throw refused;
        applied.push(step);
      },
      queued,
    );
    expect(applied).toEqual([queued[0]!.step, queued[2]!.step]);
    expect(result).toEqual({ delivered: 2, error: refused });
    expect(r.removed).toEqual([['1', '3']]);
    // The failed step is recorded; the cancel behind it waits, untouched, for the next drain.
    expect(r.failures).toEqual([['2', 'Temporal unavailable']]);
  });

  it('SES-10 everything delivered: the rows go and no error is returned', async () => {
    const r = recordingOutbox();
    const result = await deliverSteps(r.outbox, async () => undefined, [move('7', 'S-1', '2027-03-26')]);
    expect(result).toEqual({ delivered: 1, error: null });
    expect(r.removed).toEqual([['7']]);
    expect(r.failures).toEqual([]);
  });

  it('SES-10 nothing queued: no call, no write', async () => {
    const r = recordingOutbox();
    expect(await deliverSteps(r.outbox, async () => expect.fail('no step to apply'), [])).toEqual({ delivered: 0, error: null });
    expect(r.removed).toEqual([]);
  });
});
