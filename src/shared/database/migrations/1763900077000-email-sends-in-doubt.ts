import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, the e-mail outbox across killed workers (docs/adr/0005, Decision 2): SMTP has no two-phase commit, so an
 * e-mail the SMTP server accepted whose `sent` mark a dying worker did not commit is sent again. The outbox now knows
 * which sends are in doubt:
 * - `email_send_starts`: one row per attempt under way, committed on its own before the SMTP conversation and deleted
 *   with the attempt's mark (empty in steady state). A row left behind is an attempt whose sender died: it may have
 *   been accepted. `starts` counts the senders that began that attempt. No foreign key to email_outbox: it would take a
 *   KEY SHARE lock on the outbox row the sender's own transaction holds FOR UPDATE, and wait on itself.
 * - `email_outbox.sends_in_doubt`: how many sends of the e-mail may have been accepted beyond the one recorded, so
 *   that the e-mail may have been received up to 1 + sends_in_doubt times (same Message-ID).
 */
export class EmailSendsInDoubt1763900077000 implements MigrationInterface {
  name = 'EmailSendsInDoubt1763900077000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE email_send_starts (
        key text NOT NULL,
        attempt integer NOT NULL,
        starts integer NOT NULL DEFAULT 1,
        started_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, attempt)
      )`);
    await q.query(`ALTER TABLE email_outbox ADD COLUMN sends_in_doubt integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE email_outbox DROP COLUMN sends_in_doubt`);
    await q.query(`DROP TABLE email_send_starts`);
  }
}
