import type { Duration } from '@temporalio/common';
import { sleep } from '@temporalio/workflow';

/** Sleeps for a long time in workflow time; with time skipping it completes at once. */
export async function sleepFor(duration: Duration): Promise<number> {
  const before = Date.now();
  await sleep(duration);
  return Date.now() - before;
}
