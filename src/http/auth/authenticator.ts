import { hash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/domain/roles';
import { findPrincipalByToken } from '../../access/usecases/credentials';
import { ReadThroughCache } from '../../shared/cache/read-through-cache';

/** Turns a bearer token into a principal (null: unknown, revoked, expired, or an inactive user). */
export interface Authenticator {
  principalFor(token: string): Promise<Principal | null>;
  /**
   * Issue 14: the principal of a calendar-scoped token (passed in the feed's URL); null for any other token. Without
   * it (a test authenticator), the feed is refused.
   */
  principalForCalendar?(token: string): Promise<Principal | null>;
  /**
   * Forgets what is remembered (DATA-3): called after a revocation or a deactivation, so the token stops
   * working at once in this process; other processes refuse it within their cache's ttl.
   */
  invalidate?(): void;
}

/** Tokens stored hashed in PostgreSQL (api_tokens). */
export function databaseAuthenticator(db: DataSource): Authenticator {
  return {
    principalFor: (token) => findPrincipalByToken(db, token, 'api'),
    principalForCalendar: (token) => findPrincipalByToken(db, token, 'calendar'),
  };
}

/**
 * Remembers each token's principal for a few seconds, so a dashboard's burst of requests costs one
 * lookup. DATA-3: a token revoked or a user deactivated through this process is refused at once
 * (`invalidate`), through another process (or the database directly) at most `ttlMs` later; a token is
 * never served past its expiry. Keys are hashes: no token is kept in memory in clear.
 */
export function cachingAuthenticator(inner: Authenticator, ttlMs: number, clock: () => number = Date.now): Authenticator {
  const cache = new ReadThroughCache<Principal | null>(ttlMs, 10_000, clock);
  // One-shot hash (issue 15: a third of the cost of a Hash object, on every authenticated request).
  const key = (token: string) => hash('sha256', token, 'base64url');
  const fresh = (principal: Principal | null) =>
    principal?.tokenExpiresAt && Date.parse(principal.tokenExpiresAt) <= clock() ? null : principal;
  return {
    principalFor: async (token) => fresh(await cache.get(`api:${key(token)}`, () => inner.principalFor(token))),
    // Issue 14: cached apart, so that a token never opens what its scope does not.
    principalForCalendar: async (token) =>
      fresh(await cache.get(`calendar:${key(token)}`, () => inner.principalForCalendar?.(token) ?? Promise.resolve(null))),
    invalidate: () => {
      cache.clear();
      inner.invalidate?.();
    },
  };
}
