import { randomUUID } from 'node:crypto';
import { type Db, entityManager, transactionManager } from '../../shared/database/db';
import { InvalidCommand } from '../../shared/domain/errors';
import { appendToLog } from '../../shared/event-log/event-log';
import { ApiTokenEntity, UserEntity } from '../../entities';
import type { Role } from '../domain/roles';
import type { TokenScope } from '../domain/tokens';
import { ACCESS_STREAM } from '../usecases/access-streams';
import type { AccessAudit, AccessRepository, TokenHolder, TokenRecord, UserRecord } from '../usecases/ports';

interface TokenRow {
  id: string;
  user_id: string;
  label: string;
  scope: TokenScope;
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
  agrement_ended: boolean;
}

interface TokenHolderRow {
  token_id: string;
  token_hash: string;
  scope: TokenScope;
  last_used_at: Date | null;
  expires_at: Date;
  user_id: string;
  name: string;
  role: string;
  organisation_id: string | null;
}

const tokenRecord = (t: TokenRow): TokenRecord => ({
  id: t.id,
  userId: t.user_id,
  label: t.label,
  scope: t.scope,
  createdAt: t.created_at,
  expiresAt: t.expires_at,
  lastUsedAt: t.last_used_at,
  revokedAt: t.revoked_at,
});

const userRecord = (u: UserRow): UserRecord => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  organisationId: u.organisation_id,
  organisationName: u.organisation_name,
  active: u.active,
  createdAt: u.created_at,
  deactivatedAt: u.deactivated_at,
  agrementEnded: u.agrement_ended,
});

/** UPDATE … RETURNING answers [rows, count] through TypeORM's query(); SELECT answers rows. */
function rowsOf(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
}

/** The event log is appended on the caller's transaction manager. */

/** DATA-3: one entry of a user's access stream, with its actor and, for a removal by operations, its reason. No token is ever logged. */
function logEntry(userId: string, type: string, audit: AccessAudit, data: Record<string, unknown>, key: string = randomUUID()) {
  return {
    eventKey: `${ACCESS_STREAM}:${userId}:${type}:${key}`,
    streamType: ACCESS_STREAM,
    streamId: userId,
    type,
    ruleIds: ['DATA-3'],
    fromState: null,
    toState: null,
    actor: audit.actor,
    reason: audit.reason,
    data,
    occurredAt: audit.at,
  };
}

export function accessRepository(db: Db): AccessRepository {
  /** An audited write commits with its log entry, so it needs the use case's transaction; an unaudited one (demo seeding) does not. */
  const writer = (audit: unknown) => (audit ? transactionManager(db) : entityManager(db));
  return {
    async insertUser(input, audit) {
      const tx = writer(audit);
      const user: UserEntity = Object.assign(new UserEntity(), { ...input, active: true });
      try {
        await tx.getRepository(UserEntity).insert(user);
      } catch (err) {
        const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
        if (code === '23505') throw new InvalidCommand('email', `a user with e-mail ${user.email} already exists`);
        if (code === '23503') throw new InvalidCommand('organisationId', `organisation ${user.organisationId} does not exist`);
        throw err;
      }
      const created = await tx.getRepository(UserEntity).findOneByOrFail({ id: user.id });
      if (audit) {
        await appendToLog(tx, [
          logEntry(
            created.id,
            'user-created',
            { ...audit, reason: null },
            { role: created.role, organisationId: created.organisationId, email: created.email },
            'once',
          ),
        ]);
      }
      return created;
    },

    async findUser(id) {
      return db.getRepository(UserEntity).findOneBy({ id });
    },

    async findUserByEmail(email) {
      return db.getRepository(UserEntity).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
    },

    async lockUser(id) {
      const [user]: { id: string }[] = await db.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [id]);
      return user !== undefined;
    },

    async lockAccesses(userIds, tokenIds) {
      if (userIds.length) await db.query('SELECT id FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [userIds]);
      if (userIds.length || tokenIds.length)
        await db.query('SELECT id FROM api_tokens WHERE id = ANY($1::uuid[]) OR user_id = ANY($2::uuid[]) ORDER BY id FOR UPDATE', [
          tokenIds,
          userIds,
        ]);
    },

    async userRecords(filter = {}) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (filter.id) where.push(`u.id = $${params.push(filter.id)}`);
      if (filter.active !== undefined) where.push(`u.active = $${params.push(filter.active)}`);
      if (filter.role) where.push(`u.role = $${params.push(filter.role)}`);
      const rows: UserRow[] = await db.query(
        `SELECT u.id, u.name, u.email, u.role, u.organisation_id, o.name AS organisation_name, u.active, u.created_at, u.deactivated_at,
                (EXISTS (SELECT 1 FROM agrements a WHERE a.organisation_id = u.organisation_id)
                 AND NOT EXISTS (SELECT 1 FROM agrements a WHERE a.organisation_id = u.organisation_id AND a.state NOT IN ('expired', 'terminated'))) AS agrement_ended
           FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY u.active DESC, lower(u.name), u.id`,
        params,
      );
      return rows.map(userRecord);
    },

    async deactivateUser(userId, audit) {
      const tx = writer(audit);
      const users: unknown[] = await tx.query(
        'UPDATE users SET active = false, deactivated_at = now() WHERE id = $1 AND active RETURNING id',
        [userId],
      );
      const tokens: { id: string }[] = await tx.query(
        'UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
        [userId],
      );
      const result = { deactivated: rowsOf(users).length > 0, revokedTokenIds: rowsOf(tokens).map((t) => (t as { id: string }).id) };
      // Deactivating a user already inactive changes nothing and records nothing (a retried request).
      if (audit && (result.deactivated || result.revokedTokenIds.length)) {
        await appendToLog(tx, [logEntry(userId, 'user-deactivated', audit, { revokedTokenIds: result.revokedTokenIds })]);
      }
      return result;
    },

    async restoreDemoUser(userId, organisationId) {
      await db.query('UPDATE users SET organisation_id = $2, active = true WHERE id = $1', [userId, organisationId]);
    },

    async tokensOf(userIds) {
      const rows: TokenRow[] = userIds.length
        ? await db.query(
            `SELECT id, user_id, label, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ANY($1) ORDER BY created_at DESC, id`,
            [userIds],
          )
        : [];
      return rows.map(tokenRecord);
    },

    async tokenExists(tokenId) {
      const [existing]: { id: string }[] = await db.query('SELECT id FROM api_tokens WHERE id = $1', [tokenId]);
      return existing !== undefined;
    },

    async findToken(tokenId) {
      const [row]: TokenRow[] = await db.query('SELECT * FROM api_tokens WHERE id = $1', [tokenId]);
      return row && tokenRecord(row);
    },

    async lockToken(tokenId) {
      const [row]: TokenRow[] = await db.query('SELECT * FROM api_tokens WHERE id = $1 FOR UPDATE', [tokenId]);
      return row && tokenRecord(row);
    },

    async insertToken(token, audit) {
      const tx = writer(audit);
      await tx.query(
        'INSERT INTO api_tokens (id, user_id, token_hash, label, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [token.id, token.userId, token.hash, token.label, token.scope, token.createdAt, token.expiresAt],
      );
      if (audit) {
        await appendToLog(tx, [
          logEntry(
            token.userId,
            'token-issued',
            { actor: audit.actor, reason: null, at: token.createdAt },
            { tokenId: token.id, label: token.label, scope: token.scope, expiresAt: token.expiresAt.toISOString() },
            token.id,
          ),
        ]);
      }
    },

    async upsertDemoToken(token, lifetimeDays) {
      await db.query(
        `INSERT INTO api_tokens (id, user_id, token_hash, label, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(days => $5::int))
         ON CONFLICT (token_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at, revoked_at = NULL`,
        [token.id, token.userId, token.hash, token.label, lifetimeDays],
      );
    },

    async revokeToken(tokenId, audit) {
      const tx = writer(audit);
      const result = await tx
        .createQueryBuilder()
        .update(ApiTokenEntity)
        .set({ revokedAt: () => 'now()' })
        .where('id = :tokenId AND revoked_at IS NULL', { tokenId })
        .execute();
      const revoked = result.affected === 1;
      if (audit && revoked)
        await appendToLog(tx, [logEntry(audit.userId, 'token-revoked', audit, { tokenId, label: audit.label }, tokenId)]);
      return revoked;
    },

    async findTokenHolder(tokenHash): Promise<TokenHolder | undefined> {
      const rows: TokenHolderRow[] = await db.query(
        `SELECT t.id AS token_id, t.token_hash, t.scope, t.last_used_at, t.expires_at, u.id AS user_id, u.name, u.role, u.organisation_id
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active`,
        [tokenHash],
      );
      const row = rows[0];
      return (
        row && {
          tokenId: row.token_id,
          tokenHash: row.token_hash,
          scope: row.scope,
          lastUsedAt: row.last_used_at,
          expiresAt: row.expires_at,
          userId: row.user_id,
          name: row.name,
          role: row.role,
          organisationId: row.organisation_id,
        }
      );
    },

    async recordTokenUse(tokenId, resolutionSeconds) {
      await db.query(
        `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2::int))`,
        [tokenId, resolutionSeconds],
      );
    },
  };
}
