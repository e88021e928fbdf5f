import { type Db, transactionManager } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import { ACCESS_REVIEW_STREAM } from '../usecases/access-streams';
import type { AccessReviewsRepository, Removal, ReviewRecord } from '../usecases/ports';

interface ReviewRow {
  id: string;
  reviewed_at: Date;
  reviewer: string;
  notes: string | null;
  users_reviewed: number;
  tokens_reviewed: number;
  flagged: number;
  removed: Removal[];
}

function reviewRecord(r: ReviewRow): ReviewRecord {
  return {
    id: r.id,
    reviewedAt: new Date(r.reviewed_at).toISOString(),
    reviewer: r.reviewer,
    notes: r.notes,
    usersReviewed: r.users_reviewed,
    tokensReviewed: r.tokens_reviewed,
    flagged: r.flagged,
    removed: r.removed,
  };
}

/** The event log is appended on the caller's transaction manager. */

export function accessReviewsRepository(db: Db): AccessReviewsRepository {
  return {
    async reviewClock() {
      const [{ last, first }]: { last: Date | null; first: Date | null }[] = await db.query(
        `SELECT (SELECT max(reviewed_at) FROM access_reviews) AS last, (SELECT min(created_at) FROM users) AS first`,
      );
      return { lastReviewedAt: last, firstUserCreatedAt: first };
    },

    async lockReviews() {
      await db.query(`SELECT pg_advisory_xact_lock(hashtext('access-review'))`);
    },

    async insertReview(review) {
      const tx = transactionManager(db);
      const [inserted]: ReviewRow[] = await tx.query(
        `INSERT INTO access_reviews (id, reviewed_at, reviewer, reviewer_user_id, notes, users_reviewed, tokens_reviewed, flagged, removed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          review.id,
          review.reviewedAt,
          review.reviewer,
          review.reviewerUserId,
          review.notes,
          review.usersReviewed,
          review.tokensReviewed,
          review.flagged,
          JSON.stringify(review.removed),
        ],
      );
      await appendToLog(tx, [
        {
          eventKey: `${ACCESS_REVIEW_STREAM}:${review.id}:recorded`,
          streamType: ACCESS_REVIEW_STREAM,
          streamId: review.id,
          type: 'access-review-recorded',
          ruleIds: ['DATA-3'],
          fromState: null,
          toState: null,
          actor: review.reviewer,
          reason: review.notes,
          data: {
            usersReviewed: review.usersReviewed,
            tokensReviewed: review.tokensReviewed,
            flagged: review.flagged,
            removed: review.removed,
          },
          occurredAt: review.reviewedAt,
        },
      ]);
      return reviewRecord(inserted!);
    },

    async countReviews() {
      const [{ total }]: { total: number }[] = await db.query('SELECT count(*)::int AS total FROM access_reviews');
      return total;
    },

    async listReviews(page) {
      const rows: ReviewRow[] = await db.query('SELECT * FROM access_reviews ORDER BY reviewed_at DESC, id LIMIT $1 OFFSET $2', [
        page.limit,
        page.offset,
      ]);
      return rows.map(reviewRecord);
    },

    async findReview(id) {
      const [row]: ReviewRow[] = await db.query('SELECT * FROM access_reviews WHERE id = $1', [id]);
      return row && reviewRecord(row);
    },
  };
}
