import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { actorLabel } from '../access/domain/roles';
import { InvalidCommand } from '../shared/domain/errors';
import { requirePrincipal } from './auth/principal';

/**
 * Who acts: every transition is attributed in the event log to the authenticated principal,
 * as "<name> (<role>)". The X-Actor header is no longer read: a caller cannot name someone else.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  actorLabel(requirePrincipal(ctx.switchToHttp().getRequest<Request>())),
);

/** The rules of the Idempotency-Key header, for the OpenAPI document (issue 12). */
export const IDEMPOTENCY_KEY_RULES =
  'Optional; makes a retried request apply once. 8–200 characters of [A-Za-z0-9._:-] (400 otherwise), e.g. a UUID, new for each request. ' +
  'The key is bound to its first request (method, path with query, body; JSON field order does not matter) and kept for good: it does not expire. ' +
  'The same request with the same key is a retry (applied once; the same answer). Another request with the same key is refused: 422, nothing done. ' +
  'A first request refused (4xx) frees its key; after a 503 retry with the same key and the same body. ' +
  'Keys are per user for centres and coordinators, shared by Pix staff.';

/** The Idempotency-Key header, or undefined; 400 unless 8–200 characters of [A-Za-z0-9._:-]. */
export function parseIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9._:-]{8,200}$/.test(key))
    throw new InvalidCommand('Idempotency-Key', 'Idempotency-Key must be 8–200 characters of [A-Za-z0-9._:-]');
  return key;
}

/**
 * Optional client-chosen key that makes a request safe to retry; bound to its first request by the
 * IdempotencyInterceptor (another request with the same key: 422).
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  parseIdempotencyKey(ctx.switchToHttp().getRequest<Request>().header('idempotency-key')),
);
