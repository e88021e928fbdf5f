import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { concurrentConflict, unavailableDependency } from '../../../src/shared/dependency-errors';

/** A gRPC error as @grpc/grpc-js rejects a call with it: its status code and "code NAME: details". */
function grpcError(code: number, name: string, details: string) {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });
}

/** Issue 11: which dependency an error says is unreachable (the API answers 503 with Retry-After; an outbox keeps the item). */
describe('unavailableDependency', () => {
  it.each([
    [14, 'UNAVAILABLE', 'No connection established'],
    [4, 'DEADLINE_EXCEEDED', 'Deadline exceeded'],
    // Issue 15: past a workflow call's budget, the server may cancel the call before the client's deadline fires.
    [1, 'CANCELLED', 'Call cancelled'],
  ])('Temporal: a call that failed with gRPC %i %s', (code, name, details) => {
    const error = new ServiceError('Failed to query Workflow', { cause: grpcError(code, name, details) });
    expect(unavailableDependency(error)).toBe('temporal');
    expect(unavailableDependency(grpcError(code, name, details))).toBe('temporal');
  });

  it.each([
    [3, 'INVALID_ARGUMENT', 'bad input'],
    [5, 'NOT_FOUND', 'workflow not found'],
    [9, 'FAILED_PRECONDITION', 'no such update'],
  ])('not a dependency down: a call Temporal refused with gRPC %i %s (a deterministic answer)', (code, name, details) => {
    expect(unavailableDependency(new ServiceError('Failed', { cause: grpcError(code, name, details) }))).toBeNull();
  });

  it('PostgreSQL: shutting down, too many connections, a refused socket; not a constraint violation', () => {
    expect(unavailableDependency(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      'database',
    );
    expect(unavailableDependency(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).toBe('database');
    expect(unavailableDependency(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      'database',
    );
    expect(unavailableDependency(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBeNull();
    expect(unavailableDependency(new Error('anything else'))).toBeNull();
  });
});

describe('concurrentConflict', () => {
  it('PostgreSQL undid the transaction for a concurrent one: a deadlock, a serialization failure, a lock not available (TypeORM wraps them)', () => {
    for (const code of ['40P01', '40001', '55P03']) {
      const pg = Object.assign(new Error('deadlock detected'), { code });
      expect(concurrentConflict(pg)).toBe(true);
      expect(concurrentConflict(Object.assign(new Error('query failed'), { driverError: pg }))).toBe(true);
      expect(unavailableDependency(pg)).toBeNull();
    }
    expect(concurrentConflict(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(concurrentConflict(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(false);
    expect(concurrentConflict(new Error('anything else'))).toBe(false);
  });
});
