import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiQuery, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { type Action, allowedRoles } from '../../access/domain/permissions';
import type { Principal } from '../../access/domain/roles';
import { requirePrincipal } from './principal';

export const PUBLIC_KEY = 'pix:public';
export const CAN_KEY = 'pix:can';
export const AUTHENTICATED_ONLY_KEY = 'pix:authenticated-only';
export const CALENDAR_TOKEN_KEY = 'pix:calendar-token';

/** A route anyone may call, without a token (health, captured mail). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * The action a route performs: the guard refuses (403) a principal whose role may not take it.
 * Every non-public route must declare one (or @AuthenticatedOnly): undeclared routes are refused.
 * The controller carries @ApiBearerAuth() for the OpenAPI description.
 */
export function Can(action: Action): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(CAN_KEY, action),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: `\`${action}\` is reserved to: ${allowedRoles(action).join(', ')}` }),
  );
}

/**
 * Authenticates only: for a route whose action depends on its parameters, the handler must call
 * assertCan(principal, action) itself.
 */
export function AuthenticatedOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(AUTHENTICATED_ONLY_KEY, true), ApiUnauthorizedResponse({ description: 'No valid bearer token' }));
}

/**
 * Issue 14: a read-only feed that calendar applications fetch without headers. Besides the bearer header, it
 * accepts `?token=` with a calendar-scoped token (src/access/domain/tokens.ts), and only such a token: an API
 * token in the URL is refused (DATA-3), and a calendar token opens no other route. @Can still applies.
 */
export const CalendarTokenAccepted = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(CALENDAR_TOKEN_KEY, true),
    ApiQuery({
      name: 'token',
      required: false,
      description:
        'A calendar token (POST /me/tokens with scope "calendar"): opens this feed only, for calendar applications that send no header. An API token is refused here.',
    }),
  );

/** The authenticated principal of the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  requirePrincipal(ctx.switchToHttp().getRequest<Request>()),
);
