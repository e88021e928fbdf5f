import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: an upload's spooled parts are compressed by the process that receives them (deflate, on Node's thread pool)
 * instead of by PostgreSQL (pglz, in the backend that inserts the part, and again on every read): a bulk import's
 * 318 MiB went through PostgreSQL's compression, then back through the wire as hex. Parts spooled before this migration
 * are read as they are ('identity').
 */
export class SpoolDeflate1763900085000 implements MigrationInterface {
  name = 'SpoolDeflate1763900085000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE session_import_spool
        ADD COLUMN encoding text NOT NULL DEFAULT 'identity' CHECK (encoding IN ('identity', 'deflate'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session_import_spool DROP COLUMN encoding`);
  }
}
