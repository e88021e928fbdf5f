import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * QUO-3 outbox: a finalised session reported without a workflow of its own (a history import) is
 * written here in the same transaction as its row, then delivered to its agrément's workflow in
 * batches and deleted. A crash between the commit and the signal loses nothing: the next drain
 * delivers it (the agrément counts each session id once, so a repeat is harmless).
 */
export class QuotaOutbox1763900001000 implements MigrationInterface {
  name = 'QuotaOutbox1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE quota_outbox (
        session_id text PRIMARY KEY,
        agrement_organisation_id uuid NOT NULL,
        finalised_on date NOT NULL,
        candidates integer NOT NULL CHECK (candidates >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX quota_outbox_created_idx ON quota_outbox(created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE quota_outbox`);
  }
}
