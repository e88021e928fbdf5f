import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** Which dependency an error says is unreachable: the API then answers 503 with Retry-After (issue 11). */
export type Dependency = 'database' | 'temporal';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
// PostgreSQL: admin/crash shutdown, cannot connect now, too many connections; class 08 is connection exceptions.
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const PG_MESSAGES =
  /Driver not Connected|Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection is not established|the database system is (starting up|shutting down)/i;
// gRPC: UNAVAILABLE, DEADLINE_EXCEEDED, and CANCELLED: past a call's deadline (withinWorkflowBudget), Temporal's server
// may cancel the call before the client's own timer fires, and the client then sees CANCELLED where it would have seen
// DEADLINE_EXCEEDED (a query no worker answered: a 500 instead of the 503 a retry needs).
const GRPC_UNAVAILABLE = new Set([14, 4, 1]);

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

/** The error and what it wraps (TypeORM's driverError, then cause), at most 5 deep. */
function* chainOf(err: unknown): Generator<unknown> {
  for (
    let e: unknown = err, depth = 0;
    e && depth < 5;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause, depth++
  )
    yield e;
}

export function unavailableDependency(err: unknown): Dependency | null {
  for (const e of chainOf(err)) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'temporal';
    if (e instanceof ServiceError && GRPC_UNAVAILABLE.has(codeOf((e as { cause?: unknown }).cause) as number)) return 'temporal';
    const code = codeOf(e);
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code) && /grpc|UNAVAILABLE|DEADLINE|CANCELLED/i.test(String((e as Error).message)))
      return 'temporal';
    if (typeof code === 'string' && (PG_UNAVAILABLE.has(code) || code.startsWith('08'))) return 'database';
    // A socket error with a text code: the API's only TCP client outside gRPC (numeric codes) is PostgreSQL's.
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'database';
    if (e instanceof Error && PG_MESSAGES.test(e.message)) return 'database';
  }
  return null;
}

/**
 * PostgreSQL undid the transaction because another one changed the same rows at the same moment: a deadlock (40P01),
 * a serialization failure (40001), a lock not available (55P03). Nothing of it was written; the same request may succeed
 * once the other has ended (the API answers 503 with Retry-After, not 500: a conflict of timing, not a defect).
 */
const PG_CONFLICTS = new Set(['40P01', '40001', '55P03']);

export function concurrentConflict(err: unknown): boolean {
  for (const e of chainOf(err)) {
    const code = codeOf(e);
    if (typeof code === 'string' && PG_CONFLICTS.has(code)) return true;
  }
  return false;
}
