import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Polls `what` until `ok` holds (or about `tries × everyMs` have passed); returns the last value for the test to assert on. */
export async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, tries = 100, everyMs = 50): Promise<T> {
  let v = await what();
  for (let i = 0; i < tries && !ok(v); i++) {
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
