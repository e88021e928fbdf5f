import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import type { Role } from '../../../../src/access/domain/roles';
import { deactivateInTransaction, reviewedUsers, revokeInTransaction } from '../../../../src/access/usecases/accesses';
import type { AccessAudit, AccessRepository, TokenRecord, User, UserRecord } from '../../../../src/access/usecases/ports';
import { NotFound } from '../../../../src/shared/domain/errors';

/** DATA-3 access use cases over an in-memory repository: no PostgreSQL. */

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T10:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

class InMemoryAccesses implements AccessRepository {
  users: UserRecord[] = [];
  tokens: TokenRecord[] = [];
  log: Array<{ userId: string; type: string; reason: string | null; data: Record<string, unknown> }> = [];

  user(n: number, role: Role, extra: Partial<UserRecord> = {}): UserRecord {
    const u: UserRecord = {
      id: uuid(n),
      name: `User ${n}`,
      email: `u${n}@pix.test`,
      role,
      organisationId: null,
      organisationName: null,
      active: true,
      createdAt: ago(400),
      deactivatedAt: null,
      agrementEnded: false,
      ...extra,
    };
    this.users.push(u);
    return u;
  }

  token(n: number, userId: string, extra: Partial<TokenRecord> = {}): TokenRecord {
    const t: TokenRecord = {
      id: uuid(1000 + n),
      userId,
      label: `token ${n}`,
      scope: 'api',
      createdAt: ago(10),
      expiresAt: new Date(NOW.getTime() + 30 * DAY),
      lastUsedAt: ago(1),
      revokedAt: null,
      ...extra,
    };
    this.tokens.push(t);
    return t;
  }

  async insertUser(): Promise<User> {
    throw new Error('not used');
  }
  async findUser(id: string) {
    return this.users.find((u) => u.id === id) ?? null;
  }
  async findUserByEmail(email: string) {
    return this.users.find((u) => u.email.toLowerCase() === email.toLowerCase()) ?? null;
  }
  async lockUser(id: string) {
    return this.users.some((u) => u.id === id);
  }
  async lockAccesses() {} // one process, one caller at a time: nothing to lock
  async userRecords(filter: { id?: string } = {}) {
    return this.users.filter((u) => !filter.id || u.id === filter.id);
  }
  async deactivateUser(userId: string, audit?: AccessAudit) {
    const user = this.users.find((u) => u.id === userId && u.active);
    if (user) Object.assign(user, { active: false, deactivatedAt: NOW });
    const revoked = this.tokens.filter((t) => t.userId === userId && !t.revokedAt);
    for (const t of revoked) t.revokedAt = NOW;
    const result = { deactivated: user !== undefined, revokedTokenIds: revoked.map((t) => t.id) };
    if (audit && (result.deactivated || result.revokedTokenIds.length))
      this.log.push({ userId, type: 'user-deactivated', reason: audit.reason, data: { revokedTokenIds: result.revokedTokenIds } });
    return result;
  }
  async restoreDemoUser(): Promise<void> {}
  async tokensOf(userIds: string[]) {
    return this.tokens.filter((t) => userIds.includes(t.userId)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }
  async tokenExists(tokenId: string) {
    return this.tokens.some((t) => t.id === tokenId);
  }
  async findToken(tokenId: string) {
    const t = this.tokens.find((x) => x.id === tokenId);
    return t && { ...t };
  }
  async lockToken(tokenId: string) {
    return this.findToken(tokenId);
  }
  async insertToken(): Promise<void> {
    throw new Error('not used');
  }
  async upsertDemoToken(): Promise<void> {}
  async revokeToken(tokenId: string, audit?: AccessAudit & { userId: string; label: string }) {
    const t = this.tokens.find((x) => x.id === tokenId && !x.revokedAt);
    if (!t) return false;
    t.revokedAt = NOW;
    if (audit) this.log.push({ userId: audit.userId, type: 'token-revoked', reason: audit.reason, data: { tokenId, label: audit.label } });
    return true;
  }
  async findTokenHolder() {
    return undefined;
  }
  async recordTokenUse(): Promise<void> {}
}

describe('DATA-3 removing accesses (use cases over the repository port)', () => {
  it('DATA-3 a token is revoked only by its holder (another one cannot even learn it exists), once, logged once with its label and reason', async () => {
    const repo = new InMemoryAccesses();
    const holder = repo.user(1, 'centre', { organisationId: uuid(99) });
    const other = repo.user(2, 'centre', { organisationId: uuid(99) });
    const token = repo.token(1, holder.id);
    await expect(revokeInTransaction(repo, other.id, token.id, null, 'User 2', NOW)).rejects.toThrow(NotFound);
    await expect(revokeInTransaction(repo, holder.id, 'not-a-uuid', null, 'User 1', NOW)).rejects.toThrow(NotFound);
    expect(repo.tokens[0]!.revokedAt).toBeNull();

    const revoked = await revokeInTransaction(repo, holder.id, token.id, 'perdu', 'User 1', NOW);
    expect(revoked).toMatchObject({ id: token.id, status: 'revoked', revokedAt: NOW.toISOString() });
    // A retried request: the token as it stands, nothing logged again.
    expect(await revokeInTransaction(repo, holder.id, token.id, 'perdu', 'User 1', NOW)).toEqual(revoked);
    expect(repo.log).toEqual([
      { userId: holder.id, type: 'token-revoked', reason: 'perdu', data: { tokenId: token.id, label: 'token 1' } },
    ]);
    // Operations reviewing accesses revoke any holder's token (userId null).
    const second = repo.token(2, other.id);
    expect(await revokeInTransaction(repo, null, second.id, 'obsolète', 'Agent Pix', NOW)).toMatchObject({ status: 'revoked' });
  });

  it('DATA-3 deactivating a user revokes every token of theirs at once; a second deactivation records nothing; an unknown user is refused', async () => {
    const repo = new InMemoryAccesses();
    const user = repo.user(1, 'inspector');
    repo.token(1, user.id);
    repo.token(2, user.id, { revokedAt: ago(5) });
    const live = repo.token(3, user.id);
    const result = await deactivateInTransaction(repo, user.id, 'départ', 'Agent Pix', NOW);
    expect(result.deactivated).toBe(true);
    expect(result.revokedTokenIds.sort()).toEqual([uuid(1001), live.id].sort());
    expect(await deactivateInTransaction(repo, user.id, 'départ', 'Agent Pix', NOW)).toEqual({ deactivated: false, revokedTokenIds: [] });
    expect(repo.log.map((e) => e.type)).toEqual(['user-deactivated']);
    await expect(deactivateInTransaction(repo, uuid(404), 'départ', 'Agent Pix', NOW)).rejects.toThrow(NotFound);
    await expect(deactivateInTransaction(repo, 'not-a-uuid', 'départ', 'Agent Pix', NOW)).rejects.toThrow(NotFound);
  });
});

describe('DATA-3 the annual review flags obsolete accesses (use case over the repository port)', () => {
  it('DATA-3 flags unused and expired tokens, users left with no working token or whose organisation lost its agréments; never a deactivated user', async () => {
    const repo = new InMemoryAccesses();
    const busy = repo.user(1, 'operations');
    repo.token(1, busy.id);
    const idle = repo.user(2, 'centre', { organisationId: uuid(99), agrementEnded: true });
    repo.token(2, idle.id, {
      lastUsedAt: ago(PARAMETERS.access.unusedAfterDays + 1),
      createdAt: ago(PARAMETERS.access.unusedAfterDays + 2),
    });
    repo.token(3, idle.id, { expiresAt: ago(1), createdAt: ago(3), lastUsedAt: null });
    const gone = repo.user(3, 'inspector', { active: false, deactivatedAt: ago(2) });
    repo.token(4, gone.id, { expiresAt: ago(1), lastUsedAt: null });

    const users = await reviewedUsers(repo, NOW);
    const byId = new Map(users.map((u) => [u.id, u]));
    expect(byId.get(busy.id)).toMatchObject({ flags: [], tokens: [{ flags: [], status: 'active' }] });
    expect(byId.get(idle.id)!.flags).toEqual(['unused', 'organisation-agrement-ended']);
    expect(byId.get(idle.id)!.tokens.map((t) => [t.label, t.status, t.flags])).toEqual([
      ['token 3', 'expired', ['expired']],
      ['token 2', 'active', ['unused']],
    ]);
    expect(byId.get(gone.id)).toMatchObject({ active: false, flags: [], tokens: [{ status: 'expired', flags: [] }] });
  });
});
