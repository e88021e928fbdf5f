import type { DataSource } from 'typeorm';
import type { Principal } from '../../domain/access/roles';
import { findPrincipalByToken } from '../../infra/database/access-store';

/** Turns a bearer token into a principal (null: unknown, revoked, or an inactive user). */
export interface Authenticator {
  principalFor(token: string): Promise<Principal | null>;
}

/** Tokens stored hashed in PostgreSQL (api_tokens). */
export function databaseAuthenticator(db: DataSource): Authenticator {
  return { principalFor: (token) => findPrincipalByToken(db, token) };
}
