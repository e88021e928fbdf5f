import type * as Testing from '@temporalio/testing';
import type { Log } from '../tools/cache-dir';
import { ensureTestServerExecutable } from '../tools/test-server';

/**
 * Issue 15 (docs/adr/0004): what-if runs the production workflow on Temporal's time-skipping test server, from
 * `@temporalio/testing` (a devDependency) and a Java program. A production image (`npm ci --omit=dev`, no JVM)
 * has neither unless it is built for it: what-if then answers 503 with the reason instead of failing the API.
 */
export class SimulatorUnavailable extends Error {
  constructor(reason: string) {
    super(`what-if is not available in this deployment: ${reason} (see docs/adr/0004)`);
  }
}

/** The SDK's testing package, loaded only when a simulation or the SDK's dev server download needs it. */
export async function loadTestingPackage(): Promise<typeof Testing> {
  try {
    return await import('@temporalio/testing');
  } catch {
    throw new SimulatorUnavailable('@temporalio/testing is not installed (npm ci --omit=dev leaves it out)');
  }
}

/**
 * The test server's executable: TEMPORAL_TEST_SERVER_PATH when set; outside production, assembled once from
 * Maven Central (needs java and mvn); in production never fetched at run time.
 */
export async function timeSkippingServer(log: Log, production = process.env.NODE_ENV === 'production'): Promise<string> {
  if (production && !process.env.TEMPORAL_TEST_SERVER_PATH)
    throw new SimulatorUnavailable('TEMPORAL_TEST_SERVER_PATH is not set (production never downloads the test server at run time)');
  try {
    return await ensureTestServerExecutable(log);
  } catch (err) {
    throw new SimulatorUnavailable(err instanceof Error ? err.message : String(err));
  }
}
