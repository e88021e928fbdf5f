/** DATA-3: the event log's stream of one user's accesses (the user and their tokens). */
export const ACCESS_STREAM = 'access';

/** DATA-3: the event log's stream of one annual access review. */
export const ACCESS_REVIEW_STREAM = 'access-review';
