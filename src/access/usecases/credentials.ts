import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { PARAMETERS } from '../../config/parameters';
import type { Db } from '../../shared/database/db';
import { InvalidCommand, NotFound, TransitionRefused } from '../../shared/domain/errors';
import { isRole, type Principal, type Role } from '../domain/roles';
import { lastUseIsStale, tokenExpiresAt, tokenLifetimeDays, type TokenScope } from '../domain/tokens';
import { accessRepository } from '../infra/access.repository';
import type { AccessAudit, User } from './ports';

/** Every token starts with this prefix, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'pix_';
/** Loose on purpose: issued tokens are pix_ + 43 base64url characters; demo tokens are shorter. */
const TOKEN_SHAPE = /^pix_[A-Za-z0-9_-]{8,200}$/;
const NAME = /^[\p{L}\p{N} ._@'-]{1,120}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs: anything else names no user, token, organisation or application (and is never sent to PostgreSQL). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** What the database stores instead of a token (DATA-3: no usable secret at rest). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh token: 32 random bytes, base64url, prefixed. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export interface NewUser {
  name: string;
  email: string;
  role: Role;
  organisationId?: string | null;
}

function validateUser(input: NewUser): void {
  if (typeof input.name !== 'string' || !NAME.test(input.name.trim()))
    throw new InvalidCommand('name', "name must name a person (1–120 letters, digits, spaces, ._@'-)");
  if (typeof input.email !== 'string' || input.email.length > 254 || !EMAIL.test(input.email))
    throw new InvalidCommand('email', 'email must be an e-mail address');
  if (!isRole(input.role)) throw new InvalidCommand('role', 'role is not a known role');
  if (input.organisationId != null && !UUID.test(input.organisationId))
    throw new InvalidCommand('organisationId', 'organisationId must be a UUID');
}

/** Creates a user (DATA-3: one login per e-mail address, case-insensitively); logged when audited. */
export async function createUser(db: Db, input: NewUser, audit?: Pick<AccessAudit, 'actor' | 'at'>): Promise<User> {
  validateUser(input);
  return accessRepository(db).insertUser(
    {
      id: randomUUID(),
      name: input.name.trim(),
      email: input.email.trim(),
      role: input.role,
      organisationId: input.organisationId ?? null,
    },
    audit,
  );
}

export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  return accessRepository(db).findUserByEmail(email.trim());
}

/** Demo data: the demo user acts for `organisationId` and is active again. */
export async function restoreDemoUser(db: Db, userId: string, organisationId: string | null): Promise<void> {
  await accessRepository(db).restoreDemoUser(userId, organisationId);
}

/**
 * DATA-3: an obsolete access is removed: the user is deactivated and every token of theirs revoked, at
 * once. The user stays, named in the log. Returns the ids of the tokens revoked now (none if the user was
 * already inactive).
 */
export async function deactivateUser(db: Db, userId: string): Promise<{ deactivated: boolean; revokedTokenIds: string[] }> {
  if (!UUID.test(userId)) return { deactivated: false, revokedTokenIds: [] };
  return accessRepository(db).deactivateUser(userId);
}

export interface IssuedToken {
  /** The secret: shown once, to be handed to its holder; only its hash is stored. */
  token: string;
  tokenId: string;
  expiresAt: Date;
}

/**
 * Issues a token for an active user: returned once; only its hash is stored. DATA-3: it lives
 * `lifetimeDays` (default PARAMETERS.access.tokenDefaultLifetimeDays, at most tokenMaxLifetimeDays).
 * Logged when audited (never the token).
 */
export async function issueToken(
  db: Db,
  userId: string,
  label: string,
  options: { lifetimeDays?: number; now?: Date; tokenId?: string; scope?: TokenScope; audit?: Pick<AccessAudit, 'actor'> } = {},
): Promise<IssuedToken> {
  if (typeof label !== 'string' || label.trim().length === 0 || label.length > 200)
    throw new InvalidCommand('label', 'label must be 1–200 characters');
  const days = tokenLifetimeDays(options.lifetimeDays);
  const users = accessRepository(db);
  const user = UUID.test(userId) ? await users.findUser(userId) : null;
  if (!user) throw new NotFound(`user ${userId} not found`, { userId });
  if (!user.active)
    throw new TransitionRefused('DATA-3', `user ${userId} is deactivated: no token is issued to a removed access`, { userId });
  const now = options.now ?? new Date();
  const token = generateToken();
  const tokenId = options.tokenId ?? randomUUID();
  // A retried request (same Idempotency-Key, same token id): the secret was shown once and is not stored, so
  // it cannot be shown again; a second token is not issued either.
  if (await users.tokenExists(tokenId)) {
    throw new TransitionRefused(
      'DATA-3',
      `DATA-3: token ${tokenId} was already issued for this Idempotency-Key; its secret is shown once only: revoke it if it was lost and issue another`,
      { tokenId },
    );
  }
  const expiresAt = tokenExpiresAt(now, days);
  await users.insertToken(
    { id: tokenId, userId, hash: hashToken(token), label: label.trim(), scope: options.scope ?? 'api', createdAt: now, expiresAt },
    options.audit,
  );
  return { token, tokenId, expiresAt };
}

/**
 * Stores a chosen token: only for demo data, whose tokens are printed in the README. Never use it for
 * real accesses. Each seeding restores it for PARAMETERS.access.demoTokenLifetimeDays from now (a demo
 * restarted keeps its published tokens working; one left unstarted sees them expire) and un-revokes it,
 * as seedDemoUsers reactivates the demo users: the seed restores the demo as the README describes it.
 */
export async function ensureDemoToken(
  db: Db,
  userId: string,
  label: string,
  token: string,
  lifetimeDays: number = PARAMETERS.access.demoTokenLifetimeDays,
): Promise<void> {
  await accessRepository(db).upsertDemoToken({ id: randomUUID(), userId, hash: hashToken(token), label }, lifetimeDays);
}

/** Revokes a token; false when it is unknown or already revoked. */
export async function revokeToken(db: Db, tokenId: string): Promise<boolean> {
  if (!UUID.test(tokenId)) return false;
  return accessRepository(db).revokeToken(tokenId);
}

/**
 * The principal a token stands for, or null (unknown, revoked, expired, inactive user, or a token of another
 * scope: a calendar token opens only the calendar feed, an API token is never taken from a URL; issue 14).
 * The lookup is by SHA-256, so timing reveals nothing about the token; the hashes are
 * compared again in constant time.
 */
export async function findPrincipalByToken(db: Db, token: string, scope: TokenScope = 'api'): Promise<Principal | null> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
  const hash = hashToken(token);
  const tokens = accessRepository(db);
  const row = await tokens.findTokenHolder(hash);
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash, 'hex'), Buffer.from(hash, 'hex')) || !isRole(row.role)) return null;
  if (row.scope !== scope) return null;
  // DATA-3: the last use feeds the access review; written at most once a minute per token (cheap under load).
  if (lastUseIsStale(row.lastUsedAt ? new Date(row.lastUsedAt) : null, new Date())) {
    await tokens.recordTokenUse(row.tokenId, PARAMETERS.access.lastUsedResolutionSeconds);
  }
  return {
    userId: row.userId,
    name: row.name,
    role: row.role,
    organisationId: row.organisationId,
    tokenId: row.tokenId,
    tokenExpiresAt: new Date(row.expiresAt).toISOString(),
  };
}
