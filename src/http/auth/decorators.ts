import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { type Action, allowedRoles } from '../../access/domain/permissions';
import type { Principal } from '../../access/domain/roles';
import { requirePrincipal } from './principal';

export const PUBLIC_KEY = 'pix:public';
export const CAN_KEY = 'pix:can';
export const AUTHENTICATED_ONLY_KEY = 'pix:authenticated-only';

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

/** The authenticated principal of the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  requirePrincipal(ctx.switchToHttp().getRequest<Request>()),
);
