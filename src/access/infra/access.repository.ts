import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { isRole, type Principal, type Role } from '../domain/roles';
import { lastUseIsStale, tokenExpiresAt, tokenLifetimeDays } from '../domain/tokens';
import { InvalidCommand, NotFound, TransitionRefused } from '../../shared/domain/errors';
import { ApiTokenEntity, UserEntity } from '../../entities';

/** Every token starts with this prefix, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'pix_';
/** Loose on purpose: issued tokens are pix_ + 43 base64url characters; demo tokens are shorter. */
const TOKEN_SHAPE = /^pix_[A-Za-z0-9_-]{8,200}$/;
const NAME = /^[\p{L}\p{N} ._@'-]{1,120}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Db = DataSource | EntityManager;

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
  if (typeof input.name !== 'string' || !NAME.test(input.name.trim())) throw new InvalidCommand('name', 'name must name a person (1–120 letters, digits, spaces, ._@\'-)');
  if (typeof input.email !== 'string' || input.email.length > 254 || !EMAIL.test(input.email)) throw new InvalidCommand('email', 'email must be an e-mail address');
  if (!isRole(input.role)) throw new InvalidCommand('role', 'role is not a known role');
  if (input.organisationId != null && !UUID.test(input.organisationId)) throw new InvalidCommand('organisationId', 'organisationId must be a UUID');
}

/** Creates a user (DATA-3: one login per e-mail address, case-insensitively). */
export async function createUser(db: Db, input: NewUser): Promise<UserEntity> {
  validateUser(input);
  const user: UserEntity = Object.assign(new UserEntity(), {
    id: randomUUID(),
    name: input.name.trim(),
    email: input.email.trim(),
    role: input.role,
    organisationId: input.organisationId ?? null,
    active: true,
  });
  try {
    await db.getRepository(UserEntity).insert(user);
  } catch (err) {
    const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
    if (code === '23505') throw new InvalidCommand('email', `a user with e-mail ${user.email} already exists`);
    if (code === '23503') throw new InvalidCommand('organisationId', `organisation ${user.organisationId} does not exist`);
    throw err;
  }
  return db.getRepository(UserEntity).findOneByOrFail({ id: user.id });
}

export async function findUserByEmail(db: Db, email: string): Promise<UserEntity | null> {
  return db.getRepository(UserEntity).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email: email.trim() }).getOne();
}

/**
 * DATA-3: an obsolete access is removed: the user is deactivated and every token of theirs revoked, at
 * once. The user stays, named in the log. Returns the ids of the tokens revoked now (none if the user was
 * already inactive).
 */
export async function deactivateUser(db: Db, userId: string): Promise<{ deactivated: boolean; revokedTokenIds: string[] }> {
  if (!UUID.test(userId)) return { deactivated: false, revokedTokenIds: [] };
  const users: unknown[] = await db.query('UPDATE users SET active = false, deactivated_at = now() WHERE id = $1 AND active RETURNING id', [userId]);
  const tokens: { id: string }[] = await db.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id', [userId]);
  return { deactivated: rowsOf(users).length > 0, revokedTokenIds: rowsOf(tokens).map((t) => (t as { id: string }).id) };
}

/** UPDATE … RETURNING answers [rows, count] through TypeORM's query(); SELECT answers rows. */
function rowsOf(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
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
 */
export async function issueToken(
  db: Db,
  userId: string,
  label: string,
  options: { lifetimeDays?: number; now?: Date; tokenId?: string } = {},
): Promise<IssuedToken> {
  if (typeof label !== 'string' || label.trim().length === 0 || label.length > 200) throw new InvalidCommand('label', 'label must be 1–200 characters');
  const days = tokenLifetimeDays(options.lifetimeDays);
  const user = UUID.test(userId) ? await db.getRepository(UserEntity).findOneBy({ id: userId }) : null;
  if (!user) throw new NotFound(`user ${userId} not found`, { userId });
  if (!user.active) throw new TransitionRefused('DATA-3', `user ${userId} is deactivated: no token is issued to a removed access`, { userId });
  const now = options.now ?? new Date();
  const token = generateToken();
  const tokenId = options.tokenId ?? randomUUID();
  // A retried request (same Idempotency-Key, same token id): the secret was shown once and is not stored, so
  // it cannot be shown again; a second token is not issued either.
  const [existing]: { id: string }[] = await db.query('SELECT id FROM api_tokens WHERE id = $1', [tokenId]);
  if (existing) {
    throw new TransitionRefused('DATA-3', `DATA-3: token ${tokenId} was already issued for this Idempotency-Key; its secret is shown once only: revoke it if it was lost and issue another`, { tokenId });
  }
  const expiresAt = tokenExpiresAt(now, days);
  await db.query('INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [tokenId, userId, hashToken(token), label.trim(), now, expiresAt]);
  return { token, tokenId, expiresAt };
}

/**
 * Stores a chosen token: only for demo data, whose tokens are printed in the README. Never use it for
 * real accesses. Each seeding restores it for PARAMETERS.access.demoTokenLifetimeDays from now (a demo
 * restarted keeps its published tokens working; one left unstarted sees them expire) and un-revokes it,
 * as seedDemoUsers reactivates the demo users: the seed restores the demo as the README describes it.
 */
export async function ensureDemoToken(db: Db, userId: string, label: string, token: string, lifetimeDays: number = PARAMETERS.access.demoTokenLifetimeDays): Promise<void> {
  await db.query(
    `INSERT INTO api_tokens (id, user_id, token_hash, label, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(days => $5::int))
     ON CONFLICT (token_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at, revoked_at = NULL`,
    [randomUUID(), userId, hashToken(token), label, lifetimeDays],
  );
}

/** Revokes a token; false when it is unknown or already revoked. */
export async function revokeToken(db: Db, tokenId: string): Promise<boolean> {
  if (!UUID.test(tokenId)) return false;
  const result = await db
    .createQueryBuilder()
    .update(ApiTokenEntity)
    .set({ revokedAt: () => 'now()' })
    .where('id = :tokenId AND revoked_at IS NULL', { tokenId })
    .execute();
  return result.affected === 1;
}

interface TokenRow {
  token_id: string;
  token_hash: string;
  last_used_at: Date | null;
  expires_at: Date;
  user_id: string;
  name: string;
  role: string;
  organisation_id: string | null;
}

/**
 * The principal a bearer token stands for, or null (unknown, revoked, expired, inactive user).
 * The lookup is by SHA-256, so timing reveals nothing about the token; the hashes are
 * compared again in constant time.
 */
export async function findPrincipalByToken(db: Db, token: string): Promise<Principal | null> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
  const hash = hashToken(token);
  const rows: TokenRow[] = await db.query(
    `SELECT t.id AS token_id, t.token_hash, t.last_used_at, t.expires_at, u.id AS user_id, u.name, u.role, u.organisation_id
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active`,
    [hash],
  );
  const row = rows[0];
  if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex')) || !isRole(row.role)) return null;
  // DATA-3: the last use feeds the access review; written at most once a minute per token (cheap under load).
  if (lastUseIsStale(row.last_used_at ? new Date(row.last_used_at) : null, new Date())) {
    await db.query(
      `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2::int))`,
      [row.token_id, PARAMETERS.access.lastUsedResolutionSeconds],
    );
  }
  return { userId: row.user_id, name: row.name, role: row.role, organisationId: row.organisation_id, tokenId: row.token_id, tokenExpiresAt: new Date(row.expires_at).toISOString() };
}

/** The network an organisation belongs to (its coordinating organisation), or null. */
export async function organisationNetworkId(db: Db, organisationId: string): Promise<string | null> {
  if (!UUID.test(organisationId)) return null;
  const rows: { network_id: string | null }[] = await db.query('SELECT network_id FROM organisations WHERE id = $1', [organisationId]);
  return rows[0]?.network_id ?? null;
}

/**
 * The organisations a principal sees: null for Pix staff (all); a centre its own; a coordinator its
 * organisation and the members of its network. A scoped principal without organisation sees none.
 */
export async function visibleOrganisationIds(db: Db, principal: Pick<Principal, 'role' | 'organisationId'>): Promise<string[] | null> {
  if (principal.role !== 'centre' && principal.role !== 'coordinator') return null;
  if (!principal.organisationId) return [];
  if (principal.role === 'centre') return [principal.organisationId];
  const rows: { id: string }[] = await db.query('SELECT id FROM organisations WHERE id = $1 OR network_id = $1 ORDER BY id', [principal.organisationId]);
  return rows.length ? rows.map((r) => r.id) : [principal.organisationId];
}

/** The organisation an application belongs to, with that organisation's network, or null if unknown. */
export async function applicationOrganisation(db: Db, applicationId: string): Promise<{ organisationId: string; networkId: string | null } | null> {
  if (!UUID.test(applicationId)) return null;
  const rows: { organisation_id: string; network_id: string | null }[] = await db.query(
    'SELECT a.organisation_id, o.network_id FROM applications a JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1',
    [applicationId],
  );
  return rows[0] ? { organisationId: rows[0].organisation_id, networkId: rows[0].network_id } : null;
}
