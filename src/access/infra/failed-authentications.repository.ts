import type { DataSource } from 'typeorm';
import type { FailedAuthenticationsRepository } from '../usecases/ports';

/** Issue 12's failed-authentication limit in PostgreSQL (issue 15: one count across the API replicas). */
export function failedAuthenticationsRepository(db: DataSource): FailedAuthenticationsRepository {
  return {
    async recordFailure(scope, address, { limit, windowSeconds, blockSeconds }) {
      const [row]: Array<{ blocked_for: number }> = await db.query(
        `INSERT INTO failed_authentications AS f (scope, address, failures, window_ends_at, blocked_until)
         VALUES ($1, $2, 1, now() + make_interval(secs => $4), CASE WHEN 1 > $3 THEN now() + make_interval(secs => $5) END)
         ON CONFLICT (scope, address) DO UPDATE SET
           failures = CASE WHEN f.blocked_until > now() THEN f.failures
                           WHEN f.window_ends_at <= now() OR f.blocked_until IS NOT NULL THEN 1
                           ELSE f.failures + 1 END,
           window_ends_at = CASE WHEN f.blocked_until > now() THEN f.window_ends_at
                                 WHEN f.window_ends_at <= now() OR f.blocked_until IS NOT NULL THEN EXCLUDED.window_ends_at
                                 ELSE f.window_ends_at END,
           blocked_until = CASE WHEN f.blocked_until > now() THEN f.blocked_until
                                WHEN f.window_ends_at > now() AND f.blocked_until IS NULL AND f.failures + 1 > $3 THEN now() + make_interval(secs => $5)
                                ELSE NULL END
         RETURNING coalesce(ceil(extract(epoch FROM blocked_until - now())), 0)::int AS blocked_for`,
        [scope, address, limit, windowSeconds, blockSeconds],
      );
      return Math.max(0, row?.blocked_for ?? 0);
    },

    async blockedAddresses(scope) {
      // Expired counts go in the same statement: the SELECT reads the snapshot before the DELETE, and the two
      // sets are disjoint (blocked now vs neither counting nor blocked).
      const rows: Array<{ address: string; remaining_ms: number }> = await db.query(
        `WITH expired AS (
           DELETE FROM failed_authentications
            WHERE scope = $1 AND window_ends_at < now() AND (blocked_until IS NULL OR blocked_until < now())
         )
         SELECT address, (extract(epoch FROM blocked_until - now()) * 1000)::int AS remaining_ms
           FROM failed_authentications WHERE scope = $1 AND blocked_until > now()`,
        [scope],
      );
      return rows.map((r) => ({ address: r.address, remainingMs: r.remaining_ms }));
    },
  };
}
