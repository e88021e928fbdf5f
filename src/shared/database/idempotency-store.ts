import type { DataSource } from 'typeorm';

/** What claiming a key found: new (this request claimed it), the same request again, or another request. */
export type KeyClaim = { outcome: 'new' } | { outcome: 'same' } | { outcome: 'other'; method: string; path: string; firstUsedAt: string };

/**
 * Binds an Idempotency-Key to its request (issue 12): the first request claims the key with its hash; a
 * later one with the same hash is a retry; another hash is another request. Atomic under concurrency
 * (INSERT … ON CONFLICT DO NOTHING on the primary key (owner, key)).
 */
export async function claimIdempotencyKey(
  db: DataSource,
  claim: { owner: string; key: string; requestHash: string; method: string; path: string },
): Promise<KeyClaim> {
  const inserted: unknown[] = await db.query(
    `INSERT INTO idempotency_keys (owner, key, request_hash, method, path) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (owner, key) DO NOTHING RETURNING 1`,
    [claim.owner, claim.key, claim.requestHash, claim.method, claim.path],
  );
  if (inserted.length > 0) return { outcome: 'new' };
  const [row]: { request_hash: string; method: string; path: string; created_at: Date }[] = await db.query(
    `SELECT request_hash, method, path, created_at FROM idempotency_keys WHERE owner = $1 AND key = $2`,
    [claim.owner, claim.key],
  );
  // Released between the two statements (its first request was refused): claim it again.
  if (!row) return claimIdempotencyKey(db, claim);
  if (row.request_hash === claim.requestHash) return { outcome: 'same' };
  return { outcome: 'other', method: row.method, path: row.path, firstUsedAt: new Date(row.created_at).toISOString() };
}

/** Frees a key whose first request was refused (4xx: nothing applied), so that the corrected request may use it. */
export async function releaseIdempotencyKey(db: DataSource, claim: { owner: string; key: string; requestHash: string }): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND request_hash = $3`, [
    claim.owner,
    claim.key,
    claim.requestHash,
  ]);
}
