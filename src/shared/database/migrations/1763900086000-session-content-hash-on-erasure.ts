import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, SES-1: a report sent again is compared with the stored report itself (sameJson, whatever the order of its
 * fields); the content hash is written only when SES-11 erases the report's people (what it was, for the same history
 * imported again). A bulk import no longer hashes each report (an eighth of its main thread). Hashes already stored stay.
 */
export class SessionContentHashOnErasure1763900086000 implements MigrationInterface {
  name = 'SessionContentHashOnErasure1763900086000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ALTER COLUMN content_hash DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Before this migration every row had a hash. The rows written since get one of PostgreSQL's text of their stored
    // report (not the canonical JSON the code before compared: the same report sent again counts as changed once).
    await q.query(`UPDATE sessions SET content_hash = encode(sha256(convert_to(report::text, 'UTF8')), 'hex') WHERE content_hash IS NULL`);
    await q.query(`ALTER TABLE sessions ALTER COLUMN content_hash SET NOT NULL`);
  }
}
