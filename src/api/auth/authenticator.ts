import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../domain/access/roles';
import { findPrincipalByToken } from '../../infra/database/access-store';
import { ReadThroughCache } from '../cache/read-through-cache';

/** Turns a bearer token into a principal (null: unknown, revoked, or an inactive user). */
export interface Authenticator {
  principalFor(token: string): Promise<Principal | null>;
}

/** Tokens stored hashed in PostgreSQL (api_tokens). */
export function databaseAuthenticator(db: DataSource): Authenticator {
  return { principalFor: (token) => findPrincipalByToken(db, token) };
}

/**
 * Remembers each token's principal for a few seconds, so a dashboard's burst of requests costs one
 * lookup. DATA-3: a revoked token or a deactivated user is refused at most `ttlMs` later. Keys are
 * hashes: no token is kept in memory in clear.
 */
export function cachingAuthenticator(inner: Authenticator, ttlMs: number, clock: () => number = Date.now): Authenticator {
  const cache = new ReadThroughCache<Principal | null>(ttlMs, 10_000, clock);
  return {
    principalFor: (token) => cache.get(createHash('sha256').update(token).digest('base64url'), () => inner.principalFor(token)),
  };
}
