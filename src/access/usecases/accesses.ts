import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { SCOPED_ROLES, type Principal, type Role } from '../domain/roles';
import { type TokenFlag, tokenFlags, tokenStatus, type TokenStatus, type UserFlag, userFlags } from '../domain/tokens';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { createUser, deactivateUser, issueToken, type NewUser, revokeToken } from '../infra/access.repository';
import { appendToLog } from '../../shared/event-log/event-log';
import { uuidFromKey } from '../../shared/usecases/idempotent-ids';

/**
 * DATA-3: accesses managed by Pix operations (users and their tokens) and by each holder (their own
 * tokens). Every change is recorded in the event log (stream "access", one stream per user) with its
 * actor and, for a removal by operations, its reason. No token is ever written to the log.
 */
export const ACCESS_STREAM = 'access';

type Db = DataSource | EntityManager;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenView {
  id: string;
  label: string;
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

interface TokenRow {
  id: string;
  user_id: string;
  label: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  organisation_id: string | null;
  organisation_name: string | null;
  active: boolean;
  created_at: Date;
  deactivated_at: Date | null;
  /** Whether the organisation had agréments and all of them ended. */
  agrement_ended: boolean;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function tokenView(t: TokenRow, now: Date): TokenView {
  return {
    id: t.id,
    label: t.label,
    createdAt: new Date(t.created_at).toISOString(),
    expiresAt: new Date(t.expires_at).toISOString(),
    lastUsedAt: iso(t.last_used_at),
    revokedAt: iso(t.revoked_at),
    status: tokenStatus({ expiresAt: new Date(t.expires_at), revokedAt: t.revoked_at }, now),
  };
}

async function tokensOf(db: Db, userIds: string[]): Promise<Map<string, TokenRow[]>> {
  const rows: TokenRow[] = userIds.length
    ? await db.query(`SELECT id, user_id, label, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ANY($1) ORDER BY created_at DESC, id`, [userIds])
    : [];
  const byUser = new Map<string, TokenRow[]>();
  for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
  return byUser;
}

async function userRows(db: Db, filter: { id?: string; active?: boolean; role?: Role } = {}): Promise<UserRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (filter.id) where.push(`u.id = $${params.push(filter.id)}`);
  if (filter.active !== undefined) where.push(`u.active = $${params.push(filter.active)}`);
  if (filter.role) where.push(`u.role = $${params.push(filter.role)}`);
  return db.query(
    `SELECT u.id, u.name, u.email, u.role, u.organisation_id, o.name AS organisation_name, u.active, u.created_at, u.deactivated_at,
            (EXISTS (SELECT 1 FROM agrements a WHERE a.organisation_id = u.organisation_id)
             AND NOT EXISTS (SELECT 1 FROM agrements a WHERE a.organisation_id = u.organisation_id AND a.state NOT IN ('expired', 'terminated'))) AS agrement_ended
       FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY u.active DESC, lower(u.name), u.id`,
    params,
  );
}

function userView(u: UserRow, tokens: TokenRow[], now: Date): UserView {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    organisationId: u.organisation_id,
    organisationName: u.organisation_name,
    active: u.active,
    createdAt: new Date(u.created_at).toISOString(),
    deactivatedAt: iso(u.deactivated_at),
    tokens: tokens.map((t) => tokenView(t, now)),
  };
}

export async function listUsers(db: Db, filter: { active?: boolean; role?: Role }, now: Date): Promise<UserView[]> {
  const users = await userRows(db, filter);
  const tokens = await tokensOf(db, users.map((u) => u.id));
  return users.map((u) => userView(u, tokens.get(u.id) ?? [], now));
}

export async function getUser(db: Db, id: string, now: Date): Promise<UserView> {
  const [user] = UUID.test(id) ? await userRows(db, { id }) : [];
  if (!user) throw new NotFound(`user ${id} not found`, { userId: id });
  const tokens = await tokensOf(db, [id]);
  return userView(user, tokens.get(id) ?? [], now);
}

/** The holder's own tokens (GET /me/tokens), the current one marked. */
export async function ownTokens(db: Db, principal: Principal, now: Date): Promise<Array<TokenView & { current: boolean }>> {
  const tokens = (await tokensOf(db, [principal.userId])).get(principal.userId) ?? [];
  return tokens.map((t) => ({ ...tokenView(t, now), current: t.id === principal.tokenId }));
}

function logEntry(userId: string, type: string, actor: string, reason: string | null, data: Record<string, unknown>, now: Date, key: string = randomUUID()) {
  return { eventKey: `${ACCESS_STREAM}:${userId}:${type}:${key}`, streamType: ACCESS_STREAM, streamId: userId, type, ruleIds: ['DATA-3'], fromState: null, toState: null, actor, reason, data, occurredAt: now };
}

/**
 * Operations create a user (DATA-3: one login per e-mail address). A centre or coordinator acts for one
 * organisation, named here; Pix staff for none.
 */
export async function createUserAudited(db: DataSource, input: NewUser, actor: string, now: Date): Promise<UserView> {
  const scoped = SCOPED_ROLES.includes(input.role);
  if (scoped && !input.organisationId) throw new InvalidCommand('organisationId', `a ${input.role} acts for one organisation: organisationId is required`);
  if (!scoped && input.organisationId) throw new InvalidCommand('organisationId', `a ${input.role} is Pix staff and acts for no organisation: leave organisationId out`);
  const user = await db.transaction(async (m) => {
    const created = await createUser(m, input);
    await appendToLog(m, [logEntry(created.id, 'user-created', actor, null, { role: created.role, organisationId: created.organisationId, email: created.email }, now, 'once')]);
    return created;
  });
  return getUser(db, user.id, now);
}

/** Operations remove an access (DATA-3): the user is deactivated and all their tokens revoked, in one transaction. */
export async function deactivateUserAudited(db: DataSource, userId: string, reason: string, actor: string, now: Date): Promise<UserView> {
  await db.transaction((m) => deactivateInTransaction(m, userId, reason, actor, now));
  return getUser(db, userId, now);
}

export async function deactivateInTransaction(m: EntityManager, userId: string, reason: string, actor: string, now: Date): Promise<{ deactivated: boolean; revokedTokenIds: string[] }> {
  const [user]: { id: string }[] = UUID.test(userId) ? await m.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]) : [];
  if (!user) throw new NotFound(`user ${userId} not found`, { userId });
  const result = await deactivateUser(m, userId);
  // Deactivating a user already inactive changes nothing and records nothing (a retried request).
  if (result.deactivated || result.revokedTokenIds.length) {
    await appendToLog(m, [logEntry(userId, 'user-deactivated', actor, reason, { revokedTokenIds: result.revokedTokenIds }, now)]);
  }
  return result;
}

/** A token for a user, issued by operations or by the holder; the secret is answered once, never logged. */
export async function issueTokenAudited(
  db: DataSource,
  userId: string,
  input: { label: string; lifetimeDays?: number },
  actor: string,
  now: Date,
  idempotencyKey?: string,
): Promise<{ token: string; id: string; label: string; createdAt: string; expiresAt: string }> {
  // With an Idempotency-Key, the token's id derives from it: a retry finds the token instead of issuing a second one.
  const tokenId = idempotencyKey === undefined ? undefined : uuidFromKey(`token:${userId}`, idempotencyKey);
  return db.transaction(async (m) => {
    const issued = await issueToken(m, userId, input.label, { lifetimeDays: input.lifetimeDays, now, tokenId });
    await appendToLog(m, [logEntry(userId, 'token-issued', actor, null, { tokenId: issued.tokenId, label: input.label.trim(), expiresAt: issued.expiresAt.toISOString() }, now, issued.tokenId)]);
    return { token: issued.token, id: issued.tokenId, label: input.label.trim(), createdAt: now.toISOString(), expiresAt: issued.expiresAt.toISOString() };
  });
}

/**
 * Revokes a token of `userId` (404 if it is not theirs: a holder cannot even learn that another's token
 * exists). Revoking a revoked token changes nothing (a retried request). Returns the token as it stands.
 */
export async function revokeTokenAudited(db: DataSource, userId: string, tokenId: string, reason: string | null, actor: string, now: Date): Promise<TokenView> {
  return db.transaction((m) => revokeInTransaction(m, userId, tokenId, reason, actor, now));
}

export async function revokeInTransaction(m: EntityManager, userId: string | null, tokenId: string, reason: string | null, actor: string, now: Date): Promise<TokenView> {
  const [row]: TokenRow[] = UUID.test(tokenId) ? await m.query('SELECT * FROM api_tokens WHERE id = $1 FOR UPDATE', [tokenId]) : [];
  if (!row || (userId !== null && row.user_id !== userId)) throw new NotFound(`token ${tokenId} not found`, { tokenId });
  if (await revokeToken(m, tokenId)) {
    await appendToLog(m, [logEntry(row.user_id, 'token-revoked', actor, reason, { tokenId, label: row.label }, now, tokenId)]);
  }
  const [after]: TokenRow[] = await m.query('SELECT * FROM api_tokens WHERE id = $1', [tokenId]);
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
export async function reviewedUsers(db: Db, now: Date): Promise<ReviewedUserView[]> {
  const users = await userRows(db);
  const tokens = await tokensOf(db, users.map((u) => u.id));
  return users.map((u) => {
    const rows = tokens.get(u.id) ?? [];
    const facts = rows.map((t) => ({ createdAt: new Date(t.created_at), expiresAt: new Date(t.expires_at), lastUsedAt: t.last_used_at ? new Date(t.last_used_at) : null, revokedAt: t.revoked_at ? new Date(t.revoked_at) : null }));
    const view = userView(u, rows, now);
    return {
      ...view,
      flags: userFlags({ role: u.role, active: u.active, organisationId: u.organisation_id, createdAt: new Date(u.created_at), organisationAgrementEnded: u.agrement_ended, tokens: facts }, now),
      tokens: view.tokens.map((t, i) => ({ ...t, flags: u.active ? tokenFlags(facts[i]!, now) : [] })),
    };
  });
}
