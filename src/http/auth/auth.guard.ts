import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type Action, assertCan } from '../../access/domain/permissions';
import type { Principal } from '../../access/domain/roles';
import { Forbidden, Unauthenticated } from '../../shared/domain/errors';
import { clientAddress, FailedAuthThrottle } from '../security/throttling';
import { AUTHENTICATOR } from '../tokens';
import type { Authenticator } from './authenticator';
import { AUTHENTICATED_ONLY_KEY, CALENDAR_TOKEN_KEY, CAN_KEY, PUBLIC_KEY } from './decorators';
import { setPrincipal } from './principal';

/** Query parameters that would carry a secret in a URL (DATA-3 forbids it). */
const URL_SECRET_PARAMS = ['access_token', 'token', 'api_key', 'apikey'];

/**
 * Global guard: every route needs a bearer token except those marked @Public; the route's @Can
 * action must be allowed to the principal's role. A route that declares nothing is refused.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    // Issue 12: without it (a test module), failures are not counted.
    @Optional() private readonly failures?: FailedAuthThrottle,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    // Issue 12: what an authenticated route answers is for its caller only, never for a cache.
    res.setHeader('Cache-Control', 'no-store');
    const calendar = this.reflector.getAllAndOverride<boolean>(CALENDAR_TOKEN_KEY, targets) === true;
    const principal = await this.authenticate(req, res, calendar);
    setPrincipal(req, principal);

    const action = this.reflector.getAllAndOverride<Action | undefined>(CAN_KEY, targets);
    if (action !== undefined) {
      assertCan(principal, action);
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ONLY_KEY, targets)) return true;
    // Fail closed: a route without a declared permission is a mistake, not an open door.
    throw new Forbidden(`${req.method} ${req.route?.path ?? req.path}`, []);
  }

  /** The request's principal; a failure counts against the client's address (issue 12: 429 past the limit). */
  private async authenticate(req: Request, res: Response, calendarFeed: boolean): Promise<Principal> {
    const address = clientAddress(req);
    await this.failures?.refuseIfBlocked(address, res);
    try {
      const feedToken = calendarFeed ? calendarToken(req) : undefined;
      if (feedToken !== undefined) {
        const principal = (await this.authenticator.principalForCalendar?.(feedToken)) ?? null;
        if (!principal)
          throw new Unauthenticated(
            'the token is not a valid calendar token (unknown, revoked, expired, or not of scope "calendar": an API token is never sent in a URL)',
          );
        return principal;
      }
      const principal = await this.authenticator.principalFor(bearerToken(req));
      if (!principal) throw new Unauthenticated('the bearer token is unknown or revoked, or its user is inactive');
      return principal;
    } catch (err) {
      if (!(err instanceof Unauthenticated) || !this.failures) throw err;
      await this.failures.refuseAfterFailure(address, res);
      throw err;
    }
  }
}

/**
 * Issue 14: the `?token=` of a calendar feed (undefined: none, the bearer header is used). Only `token`: any other
 * credential parameter is refused as everywhere.
 */
function calendarToken(req: Request): string | undefined {
  const query = (req.query ?? {}) as Record<string, unknown>;
  if (!('token' in query)) return undefined;
  if (URL_SECRET_PARAMS.some((p) => p !== 'token' && p in query))
    throw new Unauthenticated('credentials are refused in URLs (DATA-3): pass a calendar token as ?token= only');
  const token = query.token;
  if (typeof token !== 'string' || token.length === 0) throw new Unauthenticated('?token= must be one calendar token');
  return token;
}

/** The token of `Authorization: Bearer <token>`; a token in the URL is refused (DATA-3). */
function bearerToken(req: Request): string {
  const query = (req.query ?? {}) as Record<string, unknown>;
  if (URL_SECRET_PARAMS.some((p) => p in query)) {
    throw new Unauthenticated('credentials are refused in URLs (DATA-3): send Authorization: Bearer <token>');
  }
  const header = req.headers.authorization;
  if (!header) throw new Unauthenticated();
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw new Unauthenticated('the Authorization header must be "Bearer <token>"');
  return match[1]!;
}
