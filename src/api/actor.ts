import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { actorLabel } from '../domain/access/roles';
import { InvalidCommand } from '../domain/errors';
import { requirePrincipal } from './auth/principal';

/**
 * Who acts: every transition is attributed in the event log to the authenticated principal,
 * as "<name> (<role>)". The X-Actor header is no longer read: a caller cannot name someone else.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => actorLabel(requirePrincipal(ctx.switchToHttp().getRequest<Request>())));

/** Optional client-chosen key that makes a request safe to retry. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9._:-]{8,200}$/.test(key)) throw new InvalidCommand('Idempotency-Key', 'Idempotency-Key must be 8–200 characters of [A-Za-z0-9._:-]');
  return key;
});
