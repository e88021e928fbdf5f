import { afterEach, describe, expect, it } from 'vitest';
import { filtered as respond } from '../../../support/filter-response';
import { SimulatorUnavailable, timeSkippingServer } from '../../../../src/shared/temporal/time-skipping';

describe('issue 15 (docs/adr/0004): what-if where the time-skipping server is not deployed', () => {
  const saved = process.env.TEMPORAL_TEST_SERVER_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEMPORAL_TEST_SERVER_PATH;
    else process.env.TEMPORAL_TEST_SERVER_PATH = saved;
  });

  it('production never fetches the test server at run time: without TEMPORAL_TEST_SERVER_PATH the simulator is unavailable, saying why', async () => {
    delete process.env.TEMPORAL_TEST_SERVER_PATH;
    const failure = timeSkippingServer(() => undefined, true);
    await expect(failure).rejects.toBeInstanceOf(SimulatorUnavailable);
    await expect(failure).rejects.toThrow(/what-if is not available in this deployment: TEMPORAL_TEST_SERVER_PATH is not set/);
  });

  it('answers 503 naming the simulator and the reason (not 500, and no Retry-After: waiting does not install it)', () => {
    const answer = respond(new SimulatorUnavailable('@temporalio/testing is not installed (npm ci --omit=dev leaves it out)'));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', dependency: 'simulator' });
    expect(String(answer.body.message)).toContain('@temporalio/testing is not installed');
    expect(answer.headers['Retry-After']).toBeUndefined();
  });
});
