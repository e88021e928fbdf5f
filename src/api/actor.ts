import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidCommand } from '../domain/errors';

/**
 * Who acts: every transition is attributed in the event log. Until authentication lands
 * (bearer tokens and roles), the caller names itself in the X-Actor header.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const actor = String(req.header('x-actor') ?? 'operations').trim();
  if (!/^[\p{L}\p{N} ._@'-]{1,120}$/u.test(actor)) throw new InvalidCommand('X-Actor', 'X-Actor header must name a person or team (1–120 characters)');
  return actor;
});

/** Optional client-chosen key that makes a request safe to retry. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9._:-]{8,200}$/.test(key)) throw new InvalidCommand('Idempotency-Key', 'Idempotency-Key must be 8–200 characters of [A-Za-z0-9._:-]');
  return key;
});
