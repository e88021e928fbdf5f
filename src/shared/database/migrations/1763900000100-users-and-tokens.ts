import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People and their accesses (DATA-3: unique login, access profiles, obsolete accesses removed).
 * API tokens are stored as their SHA-256 only: the database never holds a usable secret.
 */
export class UsersAndTokens1763900000100 implements MigrationInterface {
  name = 'UsersAndTokens1763900000100';

  async up(q: QueryRunner): Promise<void> {
    // The role list is frozen here as it was when this migration was written; a new role is a new migration.
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('operations', 'legal', 'centre', 'coordinator', 'inspector', 'read-only')),
        organisation_id uuid REFERENCES organisations(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // DATA-3: one login per person.
    await q.query(`CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`);
    await q.query(`CREATE INDEX users_organisation_idx ON users (organisation_id)`);
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
