/**
 * DATA-3: the annual review of accesses. Pure: when the next review is due, and whether it is overdue.
 */
import { PARAMETERS } from '../../config/parameters';
import { addMonths } from '../../shared/domain/dates';
import { TransitionRefused } from '../../shared/domain/errors';

export interface ReviewDue {
  /** The instant the review is due: the last review + 12 months; never reviewed, the first user's creation + 12 months. */
  dueAt: Date | null;
  overdue: boolean;
  /** What the due date counts from. */
  basis: 'last-review' | 'first-user' | 'none';
}

/**
 * When the access review is due (DATA-3, annual): `reviewIntervalMonths` after the last review, or after
 * the first user was created when none was recorded yet (a fresh system is not overdue on day one). No
 * user at all: nothing to review.
 */
export function accessReviewDue(
  lastReviewAt: Date | null,
  firstUserAt: Date | null,
  now: Date,
  intervalMonths: number = PARAMETERS.access.reviewIntervalMonths,
): ReviewDue {
  const basisAt = lastReviewAt ?? firstUserAt;
  if (!basisAt) return { dueAt: null, overdue: false, basis: 'none' };
  const dueAt = addMonths(basisAt, intervalMonths);
  return { dueAt, overdue: dueAt.getTime() <= now.getTime(), basis: lastReviewAt ? 'last-review' : 'first-user' };
}

/**
 * DATA-3: an operator never removes their own access (deactivating oneself would leave nobody to undo it,
 * and the review is of others' accesses); another operations member does.
 */
export function assertNotOwnAccess(targetUserId: string, byUserId: string, field: string): void {
  if (targetUserId === byUserId) {
    throw new TransitionRefused('DATA-3', `DATA-3: you cannot deactivate your own access (${field}); another operations member must`, {
      field,
    });
  }
}
