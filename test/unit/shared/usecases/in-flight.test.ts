import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../../src/shared/usecases/in-flight';
import { gate } from '../../../support/gate';

describe('InFlight: one piece of background work at a time (bulk import chunks and spooled parts, issue 15)', () => {
  it('starts the next piece only once the previous one has ended, and returns without waiting for it', async () => {
    const inFlight = new InFlight();
    const first = gate();
    const started: string[] = [];
    await inFlight.start(() => {
      started.push('first');
      return first.done;
    });
    expect(started).toEqual(['first']); // start returned while the first piece runs
    const second = inFlight.start(async () => void started.push('second'));
    await Promise.resolve();
    expect(started).toEqual(['first']);
    first.open();
    await second;
    expect(started).toEqual(['first', 'second']);
    await inFlight.settled();
  });

  it('throws a failure where the caller next waits, and never starts the next piece after it', async () => {
    const inFlight = new InFlight();
    const failing = gate();
    await inFlight.start(() => failing.done);
    failing.fail(new Error('INSERT refused'));
    let ranAfter = false;
    await expect(inFlight.start(async () => void (ranAfter = true))).rejects.toThrow('INSERT refused');
    expect(ranAfter).toBe(false);
    await inFlight.settled(); // reported once: nothing left in flight
  });

  it('ended() returns the failure without throwing it, for a caller already failing', async () => {
    const inFlight = new InFlight();
    await inFlight.start(async () => {
      throw new Error('chunk failed');
    });
    expect(await inFlight.ended()).toEqual(new Error('chunk failed'));
    expect(await inFlight.ended()).toBeNull();
  });
});
