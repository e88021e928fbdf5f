import { describe, expect, it } from 'vitest';
import { periodically } from '../../../../src/shared/tools/periodic';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('periodically (housekeeping, audit checkpoints)', () => {
  it('runs one round at a time: a round asked while one runs joins it; stop waits for it', async () => {
    const gate = deferred();
    let started = 0;
    const loop = periodically(
      async () => {
        started++;
        await gate.promise;
      },
      3_600_000,
      () => undefined,
    );
    const first = loop.round();
    const second = loop.round();
    expect(second).toBe(first);
    expect(started).toBe(1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(stopped).toBe(true);
    // Once a round ended, the next one starts afresh.
    await loop.round();
    expect(started).toBe(2);
  });

  it('a failing round goes to onError and does not reject', async () => {
    const errors: unknown[] = [];
    const loop = periodically(
      () => Promise.reject(new Error('down')),
      3_600_000,
      (e) => errors.push(e),
    );
    await expect(loop.round()).resolves.toBeUndefined();
    await loop.stop();
    expect(errors).toEqual([new Error('down')]);
  });
});
