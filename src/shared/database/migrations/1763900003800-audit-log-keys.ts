import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: the audit log's links become HMACs under a key held outside the database. Each entry names
 * its key (rotation); NULL marks the legacy SHA-256 links written before this migration, which are not
 * rewritten and keep verifying (src/shared/event-log/chain.ts says where they may appear).
 */
export class AuditLogKeys1763900003800 implements MigrationInterface {
  name = 'AuditLogKeys1763900003800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_log ADD COLUMN key_id text`);
    await q.query(`COMMENT ON COLUMN event_log.key_id IS 'Key of the HMAC link (issue 12); NULL: legacy SHA-256 link'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_log DROP COLUMN key_id`);
  }
}
