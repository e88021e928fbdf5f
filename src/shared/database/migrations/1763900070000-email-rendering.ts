import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, the Espace centre's e-mails (GET /me/emails): the text of an e-mail as rendered when it was queued, kept
 * with it (its subject already is), so that what the centre reads is what it received, whatever the template
 * becomes. Rows queued before have none: the API renders them again from their template and data.
 */
export class EmailRendering1763900070000 implements MigrationInterface {
  name = 'EmailRendering1763900070000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE email_outbox ADD COLUMN rendered_text text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE email_outbox DROP COLUMN rendered_text`);
  }
}
