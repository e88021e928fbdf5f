import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  type NestInterceptor,
  RequestMethod,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { SCOPED_ROLES } from '../access/domain/roles';
import { DomainError, Forbidden, InvalidCommand, NotFound, RulesFailed, TransitionRefused, Unauthenticated } from '../shared/domain/errors';
import { claimIdempotencyKey, releaseIdempotencyKey } from '../shared/database/idempotency-store';
import type { ApplicationDeps } from '../shared/usecases/dependencies';
import { parseIdempotencyKey } from './actor';
import { principalOf } from './auth/principal';
import { APPLICATION_DEPS } from './tokens';

/** An Idempotency-Key already bound to another request (another method, path or body): 422, nothing done. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency-key-reused';
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** JSON with object keys sorted: the same body however its fields are ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  return JSON.stringify(value ?? null);
}

/** A refusal: nothing was applied, so the key is free for the corrected request. 5xx and unknown errors keep it (outcome unknown). */
function refused(err: unknown): boolean {
  if (err instanceof InvalidCommand || err instanceof NotFound || err instanceof TransitionRefused || err instanceof RulesFailed)
    return true;
  if (err instanceof Forbidden || err instanceof Unauthenticated || err instanceof IdempotencyKeyReused) return true;
  return err instanceof HttpException && err.getStatus() < 500;
}

/**
 * Issue 12: an Idempotency-Key is bound to its first request (method, path with its query, body): the same
 * request again is a retry (the use case applies it once); another request with the key is refused, 422,
 * instead of answering 200 while doing nothing. Keys belong to their owner: a centre or coordinator user's
 * are their own (as POST /applications namespaces them); Pix staff share one space (the use cases derive
 * ids from the key alone). A key is kept for good; a first request refused (4xx) frees it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const header = req.header('idempotency-key');
    if (header === undefined || !MUTATING.has(req.method)) return next.handle();
    const key = parseIdempotencyKey(header);
    const principal = principalOf(req);
    const owner = principal && SCOPED_ROLES.includes(principal.role) ? `user:${principal.userId}` : 'pix';
    const method = req.method;
    const path = req.originalUrl;
    const requestHash = createHash('sha256')
      .update(`${method}\n${path}\n${canonical(req.body)}`)
      .digest('hex');
    const claim = { owner, key: key!, requestHash, method, path };
    return from(claimIdempotencyKey(this.deps.db, claim)).pipe(
      mergeMap((found) => {
        if (found.outcome === 'other') {
          throw new IdempotencyKeyReused(
            `Idempotency-Key ${key} was already used for another request (${found.method} ${found.path}, first on ${found.firstUsedAt}): nothing was done; use a new key for a new request`,
            { field: 'Idempotency-Key', firstRequest: `${found.method} ${found.path}`, firstUsedAt: found.firstUsedAt },
          );
        }
        const handled = next.handle();
        if (found.outcome === 'same') return handled;
        return handled.pipe(
          catchError((err: unknown) =>
            refused(err)
              ? from(releaseIdempotencyKey(this.deps.db, claim)).pipe(mergeMap(() => throwError(() => err)))
              : throwError(() => err),
          ),
        );
      }),
    );
  }
}

/**
 * Issue 15: binds the interceptor to every route that changes something (POST, PUT, PATCH, DELETE), found from the
 * routes' own metadata, never listed by hand. Bound globally, it put Nest's interceptor chain (rxjs, one async
 * resource per call) on every read too, about a tenth of a cached dashboard's answer, for requests it never touches.
 * Idempotent: the app is built more than once per process (tests).
 */
export function bindIdempotencyToMutations(controllers: readonly Type[]): void {
  for (const controller of controllers) {
    for (let proto = controller.prototype as object; proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
        if (name === 'constructor' || typeof descriptor.value !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, descriptor.value) as RequestMethod | undefined;
        if (method === undefined || !MUTATING.has(RequestMethod[method])) continue;
        const bound = (Reflect.getMetadata(INTERCEPTORS_METADATA, descriptor.value) as unknown[] | undefined) ?? [];
        if (!bound.includes(IdempotencyInterceptor)) UseInterceptors(IdempotencyInterceptor)(proto, name, descriptor);
      }
    }
  }
}
