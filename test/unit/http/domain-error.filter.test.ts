import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../src/config/parameters';
import { filtered } from '../../support/filter-response';

describe('the API error filter', () => {
  it('a transaction PostgreSQL undid for a concurrent one (deadlock, serialization failure) is 503 with Retry-After, not 500', () => {
    for (const code of ['40P01', '40001']) {
      const error = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('deadlock detected'), { code }) });
      const answer = filtered(error);
      expect(answer.status).toBe(503);
      expect(answer.headers['Retry-After']).toBe(String(PARAMETERS.resilience.retryAfterSeconds));
      expect(answer.body).toMatchObject({
        reason: 'concurrent-update',
        message: expect.stringMatching(/retry it with the same Idempotency-Key/),
      });
    }
  });

  it('an unexpected error stays 500, saying nothing of it', () => {
    const answer = filtered(Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' }));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' });
  });
});
