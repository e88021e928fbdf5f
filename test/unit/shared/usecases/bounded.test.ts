import { describe, expect, it } from 'vitest';
import { forEachBounded } from '../../../../src/shared/usecases/bounded';
import { gate } from '../../../support/gate';

describe('forEachBounded', () => {
  it('never has more than the limit in flight, and runs every item once', async () => {
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const run = forEachBounded(gates, 2, async (g, i) => {
      started.push(i);
      await g.done;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await expect.poll(() => started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await expect.poll(() => started).toEqual([0, 1, 2, 3, 4]);
    gates[3]!.open();
    gates[4]!.open();
    await run;
  });

  it('after a failure starts nothing more, lets the calls in flight end, then throws that failure', async () => {
    const gates = Array.from({ length: 4 }, gate);
    const started: number[] = [];
    const ended: number[] = [];
    let settled = false;
    const run = forEachBounded(gates, 2, async (g, i) => {
      started.push(i);
      await g.done;
      ended.push(i);
    }).finally(() => (settled = true));
    const boom = new Error('Temporal down');
    gates[0]!.fail(boom);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false); // item 1 is still in flight
    gates[1]!.open();
    await expect(run).rejects.toBe(boom);
    expect(started).toEqual([0, 1]);
    expect(ended).toEqual([1]);
  });

  it('an empty list is done at once', async () => {
    let calls = 0;
    await forEachBounded([], 4, async () => void calls++);
    expect(calls).toBe(0);
  });
});
