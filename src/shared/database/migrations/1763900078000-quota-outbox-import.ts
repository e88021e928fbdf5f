import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, QUO-3 during a bulk import: the counts an import queues are held for that import, which delivers them
 * once at its end, instead of every housekeeping period while it runs (src/sessions/usecases/quota-outbox.ts). No
 * foreign key: the rows outlive nothing they point to (an import's row is never deleted), and the drain treats an
 * import it cannot find as ended.
 */
export class QuotaOutboxImport1763900078000 implements MigrationInterface {
  name = 'QuotaOutboxImport1763900078000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE quota_outbox ADD COLUMN import_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE quota_outbox DROP COLUMN import_id`);
  }
}
