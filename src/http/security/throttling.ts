import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PARAMETERS } from '../../config/parameters';
import type { FailedAuthLimit } from '../../access/usecases/ports';
import { principalOf } from '../auth/principal';

/**
 * Issue 12: limits on failed authentication and on expensive endpoints. Issue 15 (docs/adr/0005): failed
 * authentications are counted in PostgreSQL, one count for all the API replicas (a guesser gains nothing by
 * spreading over them); the expensive routes' limit is a load guard, counted by each API process in its memory
 * (ExpensiveRouteGuard): with N API replicas a user may make N times `expensive.limit` calls.
 */
export interface ThrottleLimits {
  /** Failed authentications per client address, then 429 on every authenticated route for `blockSeconds`. */
  failedAuth: FailedAuthLimit;
  /** Calls per expensive route and per user (or address) within `windowSeconds`. */
  expensive: { limit: number; windowSeconds: number };
}

export const THROTTLE_LIMITS = Symbol('THROTTLE_LIMITS');

/** Where failed authentications are counted (PostgreSQL, shared by the replicas: src/http/app.module.ts). */
export interface FailedAuthCounts {
  /** Counts a failure; the seconds the address must wait when it is (now) blocked, else 0. */
  record(address: string, limit: FailedAuthLimit): Promise<number>;
  /** The addresses blocked now, with the milliseconds left. */
  blocked(): Promise<Array<{ address: string; remainingMs: number }>>;
}

export const FAILED_AUTH_COUNTS = Symbol('FAILED_AUTH_COUNTS');

/** 429 with Retry-After (seconds), in the API's error shape. */
export function tooManyRequests(res: Response, retryAfterSeconds: number, message: string): HttpException {
  res.setHeader('Retry-After', String(Math.max(1, retryAfterSeconds)));
  return new HttpException({ statusCode: 429, error: 'Too Many Requests', message }, HttpStatus.TOO_MANY_REQUESTS);
}

const blockedMessage = (seconds: number) => `too many failed authentications from this address: retry after ${seconds} s`;

/** The client's address, as Express sees it (behind a proxy, Express's `trust proxy` decides). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * Counts failed authentications per client address (a guessed token, a malformed header, no token on a
 * protected route). Past the limit the address is blocked: even a valid token is answered 429 until
 * the block ends, so guessing cannot go on between two failures. The count is shared by the API replicas;
 * a block set by another replica is seen here within PARAMETERS.api.failedAuthBlocksReadMs (its failures
 * are refused at once: each is counted in the shared count).
 */
@Injectable()
export class FailedAuthThrottle {
  /** Addresses blocked, until when (epoch ms): this replica's blocks and the shared ones last read. */
  private readonly blockedUntil = new Map<string, number>();
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;

  constructor(
    @Inject(FAILED_AUTH_COUNTS) private readonly counts: FailedAuthCounts,
    @Inject(THROTTLE_LIMITS) private readonly limits: ThrottleLimits,
  ) {}

  /** Seconds the address must still wait, or 0. */
  private async blockedFor(address: string, now = Date.now()): Promise<number> {
    if (now - this.readAt >= PARAMETERS.api.failedAuthBlocksReadMs) await this.readSharedBlocks(now);
    const until = this.blockedUntil.get(address);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blockedUntil.delete(address);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  /** Records a failure; the seconds to wait when it crosses the limit, else 0. */
  private async failed(address: string): Promise<number> {
    const wait = await this.counts.record(address, this.limits.failedAuth);
    if (wait <= 0) return 0;
    this.blockedUntil.set(address, Date.now() + wait * 1000);
    return wait;
  }

  /** Issue 12: 429 with Retry-After while `address` is blocked, before its credentials are even read. */
  async refuseIfBlocked(address: string, res: Response): Promise<void> {
    const blocked = await this.blockedFor(address);
    if (blocked > 0) throw tooManyRequests(res, blocked, blockedMessage(blocked));
  }

  /** Issue 12: counts a failed authentication; 429 when it crosses the limit (else the caller answers its 401). */
  async refuseAfterFailure(address: string, res: Response): Promise<void> {
    const wait = await this.failed(address);
    if (wait > 0) throw tooManyRequests(res, wait, blockedMessage(wait));
  }

  /** One read at a time; PostgreSQL down: this replica's own blocks only until the next read (authentication is down too). */
  private readSharedBlocks(now: number): Promise<void> {
    this.readAt = now;
    return (this.reading ??= this.counts
      .blocked()
      .then((rows) => {
        for (const r of rows) this.blockedUntil.set(r.address, Math.max(this.blockedUntil.get(r.address) ?? 0, now + r.remainingMs));
      })
      .catch(() => undefined)
      .finally(() => (this.reading = null)));
  }
}

/** One caller's calls to one route within the current window. */
interface Window {
  startedAt: number;
  calls: number;
}

/**
 * Past this many windows kept, the ended ones are dropped when a new one opens (memory bounded by the active callers);
 * the next sweep waits until twice as many are kept, so that many active callers do not make every call sweep.
 */
const WINDOWS_BEFORE_SWEEP = 10_000;

/**
 * Limits an expensive route per user (per address before authentication): at most `expensive.limit` calls per route
 * within a fixed window of `expensive.windowSeconds`, then 429 with Retry-After until the window ends. Issue 15: a
 * counter per (route, caller) in a Map, where @nestjs/throttler's guard and storage cost a tenth of a cached
 * dashboard's answer (hashed keys, timers per hit, rate-limit headers nobody read).
 */
@Injectable()
export class ExpensiveRouteGuard implements CanActivate {
  private readonly windows = new Map<string, Window>();
  private sweepAt = WINDOWS_BEFORE_SWEEP;

  constructor(@Inject(THROTTLE_LIMITS) private readonly limits: ThrottleLimits) {}

  canActivate(ctx: ExecutionContext): boolean {
    const { limit, windowSeconds } = this.limits.expensive;
    const req = ctx.switchToHttp().getRequest<Request>();
    const principal = principalOf(req);
    const caller = principal ? `user:${principal.userId}` : `address:${clientAddress(req)}`;
    const key = `${ctx.getClass().name}.${ctx.getHandler().name} ${caller}`;
    const now = Date.now();
    const windowMs = windowSeconds * 1000;
    let window = this.windows.get(key);
    if (window === undefined || now - window.startedAt >= windowMs) {
      if (window === undefined && this.windows.size >= this.sweepAt) this.sweep(now, windowMs);
      window = { startedAt: now, calls: 0 };
      this.windows.set(key, window);
    }
    if (window.calls >= limit) {
      const retryAfter = Math.ceil((window.startedAt + windowMs - now) / 1000);
      throw tooManyRequests(
        ctx.switchToHttp().getResponse<Response>(),
        retryAfter,
        `too many calls to this endpoint: at most ${limit} per ${windowSeconds} s; retry after ${Math.max(1, retryAfter)} s`,
      );
    }
    window.calls++;
    return true;
  }

  private sweep(now: number, windowMs: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= windowMs) this.windows.delete(key);
    this.sweepAt = Math.max(WINDOWS_BEFORE_SWEEP, 2 * this.windows.size);
  }
}

/** Marks a route (or a controller) as expensive: limited per user (PARAMETERS.api.expensiveThrottle). */
export function Expensive(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ExpensiveRouteGuard),
    ApiTooManyRequestsResponse({ description: 'Too many calls: retry after `Retry-After` seconds' }),
  );
}
