import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { accessReviewDue, assertNotOwnAccess } from '../domain/review';
import { actorLabel, type Principal } from '../domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { recordAttention, resolveAttentionAutomatically } from '../../attention/usecases/attention';
import { accessRepository } from '../infra/access.repository';
import { accessReviewsRepository } from '../infra/access-reviews.repository';
import { deactivateInTransaction, type ReviewedUserView, reviewedUsers, revokeInTransaction } from './accesses';
import { isUuid } from './credentials';
import type { AccessReviewsRepository, Removal, ReviewRecord } from './ports';

/**
 * DATA-3: the annual review of accesses. Operations read every user with role, organisation, tokens and
 * last use, each obsolete access flagged (GET /access-reviews/current); they record the review (who, when,
 * notes) with the accesses they remove, deactivated or revoked in the same transaction (POST
 * /access-reviews); the reviews are kept and listed. The next one is due a year after the last: overdue,
 * it is shown in GET /attention (kind access-review-due) until a review is recorded.
 */
export { ACCESS_REVIEW_STREAM } from './access-streams';
export type { Removal, ReviewRecord } from './ports';
const ATTENTION_KEY = 'access-review-due';

export interface RecordReviewInput {
  notes?: string | null;
  /** Each access removed: a user (deactivated, with all their tokens) or a single token (revoked). */
  removals?: Array<{ userId?: string; tokenId?: string; reason: string }>;
}

async function dueOf(reviews: AccessReviewsRepository, now: Date) {
  const { lastReviewedAt: last, firstUserCreatedAt: first } = await reviews.reviewClock();
  const due = accessReviewDue(last ? new Date(last) : null, first ? new Date(first) : null, now);
  return {
    dueAt: due.dueAt?.toISOString() ?? null,
    overdue: due.overdue,
    basis: due.basis,
    lastReviewedAt: last ? new Date(last).toISOString() : null,
  };
}

const flagged = (users: ReviewedUserView[]) => users.filter((u) => u.flags.length > 0 || u.tokens.some((t) => t.flags.length > 0)).length;

/** The review to carry out now: every user and token, flagged, and when it is due. */
export async function currentAccessReview(db: DataSource, now: Date) {
  const users = await reviewedUsers(accessRepository(db), now);
  const tokens = users.flatMap((u) => u.tokens);
  return {
    generatedAt: now.toISOString(),
    due: await dueOf(accessReviewsRepository(db), now),
    summary: {
      users: users.length,
      activeUsers: users.filter((u) => u.active).length,
      tokens: tokens.length,
      activeTokens: tokens.filter((t) => t.status === 'active').length,
      flaggedUsers: flagged(users),
    },
    users,
  };
}

/**
 * Records a review: the removals are applied (users deactivated with all their tokens, tokens revoked),
 * the review stored and each act logged, in one transaction; the "review due" attention item, if open,
 * is resolved. A removal needs a reason; naming an unknown user or token refuses the whole review (404).
 */
export async function recordAccessReview(db: DataSource, input: RecordReviewInput, principal: Principal, now: Date): Promise<ReviewRecord> {
  const actor = actorLabel(principal);
  const removals = input.removals ?? [];
  for (const [i, r] of removals.entries()) {
    if ((r.userId === undefined) === (r.tokenId === undefined))
      throw new InvalidCommand(`removals.${i}`, `removals.${i} names exactly one of userId or tokenId`);
    if (typeof r.reason !== 'string' || r.reason.trim() === '')
      throw new InvalidCommand(`removals.${i}.reason`, `removals.${i}.reason is required: say why the access is obsolete`);
    if (r.userId !== undefined) assertNotOwnAccess(r.userId, principal.userId, `removals.${i}.userId`);
  }
  const id = randomUUID();
  return db.transaction(async (m) => {
    const users = accessRepository(m);
    const reviews = accessReviewsRepository(m);
    // One review at a time: two operators recording at once would both count the same removals.
    await reviews.lockReviews();
    // Every row this review changes is locked before its first log entry, which holds the log's lock until the commit:
    // locked after it, a user another operator is deactivating at that moment (their row locked, the log awaited) was
    // a deadlock. The same for the attention item, resolved first (the whole review is undone if a removal is refused).
    await resolveAttentionAutomatically(m, ATTENTION_KEY, `revue des accès enregistrée le ${now.toISOString().slice(0, 10)} par ${actor}`);
    await users.lockAccesses(
      removals.flatMap((r) => (r.userId !== undefined && isUuid(r.userId) ? [r.userId] : [])),
      removals.flatMap((r) => (r.tokenId !== undefined && isUuid(r.tokenId) ? [r.tokenId] : [])),
    );
    const before = await reviewedUsers(users, now);
    const removed: Removal[] = [];
    for (const r of removals) {
      const reason = r.reason.trim();
      if (r.userId !== undefined) {
        const result = await deactivateInTransaction(users, r.userId, reason, actor, now);
        removed.push({ kind: 'user', id: r.userId, reason, revokedTokenIds: result.revokedTokenIds });
      } else {
        await revokeInTransaction(users, null, r.tokenId!, reason, actor, now);
        removed.push({ kind: 'token', id: r.tokenId!, reason });
      }
    }
    const notes = input.notes?.trim() || null;
    const counts = { users: before.length, tokens: before.reduce((n, u) => n + u.tokens.length, 0), flagged: flagged(before) };
    const review = await reviews.insertReview({
      id,
      reviewedAt: now,
      reviewer: actor,
      reviewerUserId: principal.userId,
      notes,
      usersReviewed: counts.users,
      tokensReviewed: counts.tokens,
      flagged: counts.flagged,
      removed,
    });
    return review;
  });
}

export async function listAccessReviews(db: DataSource, page: { limit: number; offset: number }, now: Date) {
  const reviews = accessReviewsRepository(db);
  const total = await reviews.countReviews();
  const items = await reviews.listReviews(page);
  return { total, limit: page.limit, offset: page.offset, due: await dueOf(reviews, now), items };
}

export async function getAccessReview(db: DataSource, id: string): Promise<ReviewRecord> {
  const review = await accessReviewsRepository(db).findReview(id);
  if (!review) throw new NotFound(`access review ${id} not found`, { id });
  return review;
}

/**
 * Shows an overdue review to operations (GET /attention, kind access-review-due), or resolves the item
 * once it is no longer overdue. Run by the housekeeping; returns whether the review is overdue.
 */
export async function checkAccessReviewDue(db: DataSource, now: Date): Promise<boolean> {
  const due = await dueOf(accessReviewsRepository(db), now);
  if (!due.overdue) {
    await resolveAttentionAutomatically(db, ATTENTION_KEY, 'revue des accès à jour');
    return false;
  }
  await recordAttention(db, {
    key: ATTENTION_KEY,
    kind: 'access-review-due',
    errorType: 'AccessReviewOverdue',
    errorMessage: `la revue annuelle des accès (DATA-3) était due le ${due.dueAt!.slice(0, 10)}${due.lastReviewedAt ? ` (dernière revue le ${due.lastReviewedAt.slice(0, 10)})` : ' (aucune revue enregistrée)'}`,
    action:
      'Réaliser la revue des accès : GET /access-reviews/current liste chaque utilisateur, ses jetons et leur dernier usage, les accès obsolètes signalés ; puis POST /access-reviews (accès retirés, notes).',
    details: { dueAt: due.dueAt, lastReviewedAt: due.lastReviewedAt },
  });
  return true;
}
