import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DATA-3: every token has a lifetime (expires_at); the annual access review is recorded (who reviewed,
 * when, which accesses were removed); an overdue review is shown to operations in the "needs attention"
 * list (kind access-review-due).
 */
export class TokenLifetimeAndAccessReviews1763900003900 implements MigrationInterface {
  name = 'TokenLifetimeAndAccessReviews1763900003900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz`);
    // Tokens issued before lifetimes existed get the default lifetime (90 days) from now: their holders
    // are not locked out at once, and none lives on indefinitely.
    await q.query(`UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL`);
    await q.query(`ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL`);
    await q.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at > created_at)`);
    await q.query(`ALTER TABLE users ADD COLUMN deactivated_at timestamptz`);
    await q.query(`
      CREATE TABLE access_reviews (
        id uuid PRIMARY KEY,
        reviewed_at timestamptz NOT NULL,
        reviewer text NOT NULL,
        reviewer_user_id uuid REFERENCES users(id),
        notes text,
        users_reviewed integer NOT NULL,
        tokens_reviewed integer NOT NULL,
        flagged integer NOT NULL,
        removed jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`CREATE INDEX access_reviews_reviewed_at_idx ON access_reviews (reviewed_at DESC)`);
    await q.query(`ALTER TABLE attention_items DROP CONSTRAINT IF EXISTS attention_items_kind_check`);
    await q.query(
      `ALTER TABLE attention_items ADD CONSTRAINT attention_items_kind_check CHECK (kind IN ('activity-failed', 'activity-retrying', 'email-undelivered', 'access-review-due'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM attention_items WHERE kind = 'access-review-due'`);
    await q.query(`ALTER TABLE attention_items DROP CONSTRAINT IF EXISTS attention_items_kind_check`);
    await q.query(
      `ALTER TABLE attention_items ADD CONSTRAINT attention_items_kind_check CHECK (kind IN ('activity-failed', 'activity-retrying', 'email-undelivered'))`,
    );
    await q.query(`DROP TABLE access_reviews`);
    await q.query(`ALTER TABLE users DROP COLUMN deactivated_at`);
    await q.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_expiry_after_creation`);
    await q.query(`ALTER TABLE api_tokens DROP COLUMN expires_at`);
  }
}
