import type { Request } from 'express';
import type { Principal } from '../../access/domain/roles';
import { Unauthenticated } from '../../shared/domain/errors';

/** Who made each request, set by the guard; a WeakMap so no header or body can forge it. */
const principals = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

export function principalOf(req: Request): Principal | undefined {
  return principals.get(req);
}

/** The authenticated principal, or Unauthenticated (a route marked @Public has none). */
export function requirePrincipal(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw new Unauthenticated();
  return principal;
}
