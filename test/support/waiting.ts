import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * Polls `what` until `ok` holds and returns that value; fails the test, with the last value read, when it
 * does not hold within `timeoutMs` (generous: the shared CI machine is slow, and a condition met returns at once).
 */
export async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await what();
  while (!ok(v)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    v = await what();
  }
  return v;
}

/** Advances the time-skipping server until a workflow whose clock is shifted by `clockOffsetMs` reads `instant`. */
export async function sleepUntil(env: TestWorkflowEnvironment, clockOffsetMs: number, instant: string): Promise<void> {
  const target = Date.parse(instant) - clockOffsetMs;
  const current = await env.currentTimeMs();
  if (target > current) await env.sleep(target - current);
}
