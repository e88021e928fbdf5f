import type { DataSource } from 'typeorm';
import { SCOPED_ROLES, type Principal, type Role } from '../domain/roles';
import { type TokenFlag, tokenFlags, type TokenScope, tokenStatus, type TokenStatus, type UserFlag, userFlags } from '../domain/tokens';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import type { Db } from '../../shared/database/db';
import { uuidFromKey } from '../../shared/usecases/idempotent-ids';
import { accessRepository } from '../infra/access.repository';
import { createUser, isUuid, issueToken, type NewUser } from './credentials';
import type { AccessRepository, TokenRecord, UserRecord } from './ports';

/**
 * DATA-3: accesses managed by Pix operations (users and their tokens) and by each holder (their own
 * tokens). Every change is recorded in the event log (stream "access", one stream per user) with its
 * actor and, for a removal by operations, its reason. No token is ever written to the log.
 */
export { ACCESS_STREAM } from './access-streams';

export interface TokenView {
  id: string;
  label: string;
  /** Issue 14: api (bearer header) or calendar (the iCalendar feed only). */
  scope: TokenScope;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: TokenStatus;
}

export interface UserView {
  id: string;
  name: string;
  email: string;
  role: Role;
  organisationId: string | null;
  organisationName: string | null;
  active: boolean;
  createdAt: string;
  deactivatedAt: string | null;
  tokens: TokenView[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function tokenView(t: TokenRecord, now: Date): TokenView {
  return {
    id: t.id,
    label: t.label,
    scope: t.scope,
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: new Date(t.expiresAt).toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
    status: tokenStatus({ expiresAt: new Date(t.expiresAt), revokedAt: t.revokedAt }, now),
  };
}

async function tokensOf(users: AccessRepository, userIds: string[]): Promise<Map<string, TokenRecord[]>> {
  const byUser = new Map<string, TokenRecord[]>();
  for (const t of await users.tokensOf(userIds)) byUser.set(t.userId, [...(byUser.get(t.userId) ?? []), t]);
  return byUser;
}

function userView(u: UserRecord, tokens: TokenRecord[], now: Date): UserView {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    organisationId: u.organisationId,
    organisationName: u.organisationName,
    active: u.active,
    createdAt: new Date(u.createdAt).toISOString(),
    deactivatedAt: iso(u.deactivatedAt),
    tokens: tokens.map((t) => tokenView(t, now)),
  };
}

export async function listUsers(db: Db, filter: { active?: boolean; role?: Role }, now: Date): Promise<UserView[]> {
  const repository = accessRepository(db);
  const users = await repository.userRecords(filter);
  const tokens = await tokensOf(
    repository,
    users.map((u) => u.id),
  );
  return users.map((u) => userView(u, tokens.get(u.id) ?? [], now));
}

export async function getUser(db: Db, id: string, now: Date): Promise<UserView> {
  const repository = accessRepository(db);
  const [user] = isUuid(id) ? await repository.userRecords({ id }) : [];
  if (!user) throw new NotFound(`user ${id} not found`, { userId: id });
  const tokens = await tokensOf(repository, [id]);
  return userView(user, tokens.get(id) ?? [], now);
}

/** The holder's own tokens (GET /me/tokens), the current one marked. */
export async function ownTokens(db: Db, principal: Principal, now: Date): Promise<Array<TokenView & { current: boolean }>> {
  const tokens = (await tokensOf(accessRepository(db), [principal.userId])).get(principal.userId) ?? [];
  return tokens.map((t) => ({ ...tokenView(t, now), current: t.id === principal.tokenId }));
}

/**
 * Operations create a user (DATA-3: one login per e-mail address). A centre or coordinator acts for one
 * organisation, named here; Pix staff for none.
 */
export async function createUserAudited(db: DataSource, input: NewUser, actor: string, now: Date): Promise<UserView> {
  const scoped = SCOPED_ROLES.includes(input.role);
  if (scoped && !input.organisationId)
    throw new InvalidCommand('organisationId', `a ${input.role} acts for one organisation: organisationId is required`);
  if (!scoped && input.organisationId)
    throw new InvalidCommand('organisationId', `a ${input.role} is Pix staff and acts for no organisation: leave organisationId out`);
  const user = await db.transaction((m) => createUser(m, input, { actor, at: now }));
  return getUser(db, user.id, now);
}

/** Operations remove an access (DATA-3): the user is deactivated and all their tokens revoked, in one transaction. */
export async function deactivateUserAudited(db: DataSource, userId: string, reason: string, actor: string, now: Date): Promise<UserView> {
  await db.transaction((m) => deactivateInTransaction(accessRepository(m), userId, reason, actor, now));
  return getUser(db, userId, now);
}

/**
 * DATA-3: the user is deactivated and all their tokens revoked, logged, in the caller's transaction (a user
 * already inactive: nothing changes, nothing is logged).
 */
export async function deactivateInTransaction(
  users: AccessRepository,
  userId: string,
  reason: string,
  actor: string,
  now: Date,
): Promise<{ deactivated: boolean; revokedTokenIds: string[] }> {
  if (!(isUuid(userId) && (await users.lockUser(userId)))) throw new NotFound(`user ${userId} not found`, { userId });
  return users.deactivateUser(userId, { actor, reason, at: now });
}

/** A token for a user, issued by operations or by the holder; the secret is answered once, never logged. */
export async function issueTokenAudited(
  db: DataSource,
  userId: string,
  input: { label: string; lifetimeDays?: number; scope?: TokenScope },
  actor: string,
  now: Date,
  idempotencyKey?: string,
): Promise<{ token: string; id: string; label: string; scope: TokenScope; createdAt: string; expiresAt: string }> {
  // With an Idempotency-Key, the token's id derives from it: a retry finds the token instead of issuing a second one.
  const tokenId = idempotencyKey === undefined ? undefined : uuidFromKey(`token:${userId}`, idempotencyKey);
  return db.transaction(async (m) => {
    const scope = input.scope ?? 'api';
    const issued = await issueToken(m, userId, input.label, { lifetimeDays: input.lifetimeDays, now, tokenId, scope, audit: { actor } });
    return {
      token: issued.token,
      id: issued.tokenId,
      label: input.label.trim(),
      scope,
      createdAt: now.toISOString(),
      expiresAt: issued.expiresAt.toISOString(),
    };
  });
}

/**
 * Revokes a token of `userId` (404 if it is not theirs: a holder cannot even learn that another's token
 * exists). Revoking a revoked token changes nothing (a retried request). Returns the token as it stands.
 */
export async function revokeTokenAudited(
  db: DataSource,
  userId: string,
  tokenId: string,
  reason: string | null,
  actor: string,
  now: Date,
): Promise<TokenView> {
  return db.transaction((m) => revokeInTransaction(accessRepository(m), userId, tokenId, reason, actor, now));
}

/** Revokes a token of `userId` (null: of anyone, for the access review), logged, in the caller's transaction. */
export async function revokeInTransaction(
  users: AccessRepository,
  userId: string | null,
  tokenId: string,
  reason: string | null,
  actor: string,
  now: Date,
): Promise<TokenView> {
  const row = isUuid(tokenId) ? await users.lockToken(tokenId) : undefined;
  if (!row || (userId !== null && row.userId !== userId)) throw new NotFound(`token ${tokenId} not found`, { tokenId });
  await users.revokeToken(tokenId, { actor, reason, at: now, userId: row.userId, label: row.label });
  const after = await users.findToken(tokenId);
  return tokenView(after!, now);
}

export interface ReviewedToken extends TokenView {
  flags: TokenFlag[];
}

export interface ReviewedUserView extends Omit<UserView, 'tokens'> {
  flags: UserFlag[];
  tokens: ReviewedToken[];
}

/** Every user with role, organisation, active flag and tokens, each with its obsolete-access flags (DATA-3). */
export async function reviewedUsers(repository: AccessRepository, now: Date): Promise<ReviewedUserView[]> {
  const users = await repository.userRecords();
  const tokens = await tokensOf(
    repository,
    users.map((u) => u.id),
  );
  return users.map((u) => {
    const rows = tokens.get(u.id) ?? [];
    const facts = rows.map((t) => ({
      createdAt: new Date(t.createdAt),
      expiresAt: new Date(t.expiresAt),
      lastUsedAt: t.lastUsedAt ? new Date(t.lastUsedAt) : null,
      revokedAt: t.revokedAt ? new Date(t.revokedAt) : null,
    }));
    const view = userView(u, rows, now);
    return {
      ...view,
      flags: userFlags(
        {
          role: u.role,
          active: u.active,
          organisationId: u.organisationId,
          createdAt: new Date(u.createdAt),
          organisationAgrementEnded: u.agrementEnded,
          tokens: facts,
        },
        now,
      ),
      tokens: view.tokens.map((t, i) => ({ ...t, flags: u.active ? tokenFlags(facts[i]!, now) : [] })),
    };
  });
}
