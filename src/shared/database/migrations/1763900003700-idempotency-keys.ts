import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys bound to their request (issue 12). A key makes a request safe to retry; reused for
 * another request (another method, path or body) it used to answer 200 and do nothing. Each key is now
 * stored with a SHA-256 of its request, per owner (a centre or coordinator user's own keys; one space for
 * Pix staff, as the use cases derive ids from the key): the same key with another request is refused (422).
 * Rows are kept for good: the ids derived from a key (an application's, a workflow update's) never expire either.
 */
export class IdempotencyKeys1763900003700 implements MigrationInterface {
  name = 'IdempotencyKeys1763900003700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        owner text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
