import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../../src/shared/usecases/in-flight';

/** A promise settled from outside. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight: one piece of background work at a time (bulk import chunks and spooled parts, issue 15)', () => {
  it('starts the next piece only once the previous one has ended, and returns without waiting for it', async () => {
    const inFlight = new InFlight();
    const first = deferred();
    const started: string[] = [];
    await inFlight.start(() => {
      started.push('first');
      return first.promise;
    });
    expect(started).toEqual(['first']); // start returned while the first piece runs
    const second = inFlight.start(async () => void started.push('second'));
    await Promise.resolve();
    expect(started).toEqual(['first']);
    first.resolve();
    await second;
    expect(started).toEqual(['first', 'second']);
    await inFlight.settled();
  });

  it('throws a failure where the caller next waits, and never starts the next piece after it', async () => {
    const inFlight = new InFlight();
    const failing = deferred();
    await inFlight.start(() => failing.promise);
    failing.reject(new Error('INSERT refused'));
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
