import { applyDecorators, type ExecutionContext, HttpException, HttpStatus, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { getStorageToken, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { principalOf } from '../auth/principal';

/**
 * Issue 12: limits on failed authentication and on expensive endpoints, both counted in a ThrottlerStorage
 * (@nestjs/throttler). The storage is the API process's memory: with several API processes each counts its own
 * (README, Security); a shared storage (PostgreSQL, issue 15) implements the same one-method interface.
 */
export interface ThrottleLimits {
  /** Failed authentications per client address, then 429 on every authenticated route for `blockSeconds`. */
  failedAuth: { limit: number; windowSeconds: number; blockSeconds: number };
  /** Calls per expensive route and per user (or address) within `windowSeconds`. */
  expensive: { limit: number; windowSeconds: number };
}

export const THROTTLE_LIMITS = Symbol('THROTTLE_LIMITS');

/** 429 with Retry-After (seconds), in the API's error shape. */
export function tooManyRequests(res: Response, retryAfterSeconds: number, message: string): HttpException {
  res.setHeader('Retry-After', String(Math.max(1, retryAfterSeconds)));
  return new HttpException({ statusCode: 429, error: 'Too Many Requests', message }, HttpStatus.TOO_MANY_REQUESTS);
}

/** The client's address, as Express sees it (behind a proxy, Express's `trust proxy` decides). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * Counts failed authentications per client address (a guessed token, a malformed header, no token on a
 * protected route). Past the limit the address is blocked: even a valid token is answered 429 until
 * the block ends, so guessing cannot go on between two failures.
 */
@Injectable()
export class FailedAuthThrottle {
  /** Addresses blocked, until when (epoch ms). */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @Inject(getStorageToken()) private readonly storage: ThrottlerStorage,
    @Inject(THROTTLE_LIMITS) private readonly limits: ThrottleLimits,
  ) {}

  /** Seconds the address must still wait, or 0. */
  blockedFor(address: string, now = Date.now()): number {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blockedUntil.delete(address);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  /** Records a failure; the seconds to wait when it crosses the limit, else 0. */
  async failed(address: string): Promise<number> {
    const { limit, windowSeconds, blockSeconds } = this.limits.failedAuth;
    const record = await this.storage.increment(`failed-auth:${address}`, windowSeconds * 1000, limit, blockSeconds * 1000, 'failed-auth');
    if (!record.isBlocked) return 0;
    const wait = Math.max(1, record.timeToBlockExpire);
    this.blockedUntil.set(address, Date.now() + wait * 1000);
    return wait;
  }
}

/** Limits an expensive route per user (per address before authentication), with Retry-After on 429. */
@Injectable()
export class ExpensiveRouteGuard extends ThrottlerGuard {
  // The throttler hands its guard the HTTP request (typed Record<string, any> by @nestjs/throttler).
  protected override async getTracker(req: Request): Promise<string> {
    const principal = principalOf(req);
    return principal ? `user:${principal.userId}` : `address:${clientAddress(req)}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new HttpException(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many calls to this endpoint: at most ${detail.limit} per ${Math.round(detail.ttl / 1000)} s; retry after ${detail.timeToBlockExpire} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** Marks a route (or a controller) as expensive: limited per user (PARAMETERS.api.expensiveThrottle). */
export function Expensive(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ExpensiveRouteGuard),
    ApiTooManyRequestsResponse({ description: 'Too many calls: retry after `Retry-After` seconds' }),
  );
}
