/**
 * DATA-3: the lifetime of an access (API token) and what makes one obsolete. Pure: no Nest, TypeORM or
 * Temporal; the store, the API and the annual review share it.
 */
import { PARAMETERS } from '../../config/parameters';
import { addDays } from '../../shared/domain/dates';
import { InvalidCommand } from '../../shared/domain/errors';
import { SCOPED_ROLES, type Role } from './roles';

/**
 * What a token opens (issue 14). `api`: the API, sent as `Authorization: Bearer`, refused in a URL (DATA-3).
 * `calendar`: only the read-only iCalendar feed of deadlines, passed as `?token=` because calendar applications send
 * no header; refused everywhere else. Both have the same lifetime limits and are reviewed alike (DATA-3).
 */
export const TOKEN_SCOPES = ['api', 'calendar'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface TokenLifetimeLimits {
  defaultDays: number;
  maxDays: number;
}

const LIMITS: TokenLifetimeLimits = {
  defaultDays: PARAMETERS.access.tokenDefaultLifetimeDays,
  maxDays: PARAMETERS.access.tokenMaxLifetimeDays,
};

/**
 * The lifetime of a new token, in days: the one asked (a whole number from 1 to the maximum), or the
 * default. 400 naming `lifetimeDays` beyond the maximum: no token outlives the annual review (DATA-3).
 */
export function tokenLifetimeDays(requested: unknown, limits: TokenLifetimeLimits = LIMITS): number {
  if (requested === undefined || requested === null) return limits.defaultDays;
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > limits.maxDays) {
    throw new InvalidCommand('lifetimeDays', `lifetimeDays must be a whole number of days from 1 to ${limits.maxDays} (DATA-3)`);
  }
  return requested;
}

/** When a token issued at `issuedAt` for `lifetimeDays` stops working. */
export function tokenExpiresAt(issuedAt: Date, lifetimeDays: number): Date {
  return addDays(issuedAt, lifetimeDays);
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

export interface TokenFacts {
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Revoked wins over expired: a token is active only before its expiry and never revoked. */
export function tokenStatus(t: Pick<TokenFacts, 'expiresAt' | 'revokedAt'>, now: Date): TokenStatus {
  if (t.revokedAt) return 'revoked';
  return t.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

/** Whether last_used_at is worth writing again: at most once per `resolutionSeconds` per token. */
export function lastUseIsStale(
  lastUsedAt: Date | null,
  now: Date,
  resolutionSeconds: number = PARAMETERS.access.lastUsedResolutionSeconds,
): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= resolutionSeconds * 1000;
}

/** Why the annual review shows an access as obsolete (DATA-3: obsolete accesses are removed). */
export type TokenFlag =
  /** Expired, yet still listed: nothing to revoke, but the holder may need a new one or none. */
  | 'expired'
  /** Not used for `unusedAfterDays` (never used: since its issue). */
  | 'unused';

export type UserFlag =
  /** The user has no token that still works: the access serves nobody. */
  | 'no-active-token'
  /** None of the user's tokens was used for `unusedAfterDays`. */
  | 'unused'
  /** A centre or coordinator bound to no organisation. */
  | 'no-organisation'
  /** The user's organisation no longer holds an agrément: every one it had has ended (expired or terminated). */
  | 'organisation-agrement-ended';

export interface ReviewedUser {
  role: Role;
  active: boolean;
  organisationId: string | null;
  createdAt: Date;
  /** Whether the organisation had agréments and every one of them has ended (expired or terminated). */
  organisationAgrementEnded?: boolean;
  tokens: TokenFacts[];
}

/** A token's flags; a revoked one has none (it is already removed). */
export function tokenFlags(t: TokenFacts, now: Date, unusedAfterDays: number = PARAMETERS.access.unusedAfterDays): TokenFlag[] {
  const status = tokenStatus(t, now);
  if (status === 'revoked') return [];
  if (status === 'expired') return ['expired'];
  const since = t.lastUsedAt ?? t.createdAt;
  return addDays(since, unusedAfterDays).getTime() <= now.getTime() ? ['unused'] : [];
}

/** A user's flags; a deactivated user has none (already removed). */
export function userFlags(u: ReviewedUser, now: Date, unusedAfterDays: number = PARAMETERS.access.unusedAfterDays): UserFlag[] {
  if (!u.active) return [];
  const flags: UserFlag[] = [];
  const active = u.tokens.filter((t) => tokenStatus(t, now) === 'active');
  if (active.length === 0) flags.push('no-active-token');
  const uses = u.tokens.map((t) => t.lastUsedAt ?? null).filter((d): d is Date => d !== null);
  const lastSign = uses.length ? new Date(Math.max(...uses.map((d) => d.getTime()))) : u.createdAt;
  if (addDays(lastSign, unusedAfterDays).getTime() <= now.getTime()) flags.push('unused');
  if (SCOPED_ROLES.includes(u.role) && !u.organisationId) flags.push('no-organisation');
  if (SCOPED_ROLES.includes(u.role) && u.organisationAgrementEnded) flags.push('organisation-agrement-ended');
  return flags;
}
