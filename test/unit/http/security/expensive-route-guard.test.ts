import type { ExecutionContext } from '@nestjs/common';
import { HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../../../src/access/domain/roles';
import { setPrincipal } from '../../../../src/http/auth/principal';
import { ExpensiveRouteGuard, type ThrottleLimits } from '../../../../src/http/security/throttling';

class DashboardController {
  overview() {}
  deadlines() {}
}

/** One call of `handler` by `userId`: what the guard decides, and the Retry-After it set. */
function caller(guard: ExpensiveRouteGuard, userId: string, handler: () => void = DashboardController.prototype.overview) {
  const req = { ip: '127.0.0.1', socket: {} } as unknown as Request;
  setPrincipal(req, { userId, role: 'operations' } as Principal);
  const headers = new Map<string, string>();
  const res = { setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value) } as unknown as Response;
  const ctx = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    getClass: () => DashboardController,
    getHandler: () => handler,
  } as unknown as ExecutionContext;
  try {
    return { allowed: guard.canActivate(ctx), retryAfter: headers.get('retry-after') };
  } catch (err) {
    if (!(err instanceof HttpException)) throw err;
    return { allowed: false, status: err.getStatus(), retryAfter: headers.get('retry-after') };
  }
}

const limits: ThrottleLimits = {
  failedAuth: { limit: 3, windowSeconds: 60, blockSeconds: 30 },
  expensive: { limit: 2, windowSeconds: 60 },
};

afterEach(() => vi.restoreAllMocks());

describe('ExpensiveRouteGuard: expensive routes per route and user, in a fixed window (issue 12)', () => {
  it('past the limit 429 with the seconds left in the window; the next window allows again', () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const guard = new ExpensiveRouteGuard(limits);
    expect(caller(guard, 'u1').allowed).toBe(true);
    expect(caller(guard, 'u1').allowed).toBe(true);
    expect(caller(guard, 'u1')).toEqual({ allowed: false, status: 429, retryAfter: '60' });
    now.mockReturnValue(1_000_000 + 59_500);
    expect(caller(guard, 'u1')).toEqual({ allowed: false, status: 429, retryAfter: '1' });
    now.mockReturnValue(1_000_000 + 60_000);
    expect(caller(guard, 'u1').allowed).toBe(true);
  });

  it('another user, or another route of the same user, has its own count', () => {
    vi.spyOn(Date, 'now').mockReturnValue(5_000_000);
    const guard = new ExpensiveRouteGuard(limits);
    caller(guard, 'u1');
    caller(guard, 'u1');
    expect(caller(guard, 'u1').allowed).toBe(false);
    expect(caller(guard, 'u2').allowed).toBe(true);
    expect(caller(guard, 'u1', DashboardController.prototype.deadlines).allowed).toBe(true);
  });

  it('windows that ended are dropped once many are kept, without forgetting the running ones', () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(9_000_000);
    const guard = new ExpensiveRouteGuard(limits);
    for (let i = 0; i < 9_999; i++) caller(guard, `old-${i}`);
    now.mockReturnValue(9_000_000 + 30_000);
    caller(guard, 'running');
    caller(guard, 'running');
    now.mockReturnValue(9_000_000 + 61_000);
    // 10,000 kept: a new caller's window sweeps the 9,999 ended ones; the running one stays counted.
    expect(caller(guard, 'new').allowed).toBe(true);
    expect((guard as unknown as { windows: Map<string, unknown> }).windows.size).toBe(2);
    expect(caller(guard, 'running')).toEqual({ allowed: false, status: 429, retryAfter: '29' });
  });
});
