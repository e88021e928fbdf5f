import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A real e-mail outbox and the "needs attention" list (issue 11).
 *
 * email_outbox: the activity that decides an e-mail now only queues it (its template data, checked
 * by rendering it once), committed on its own; the sender (src/infra/mail/outbox.ts) delivers pending
 * rows outside the workflows, with a backoff per row (attempts, last_error, next_attempt_at). A row the
 * SMTP server refuses for good (5xx) becomes 'failed'. The workflow that queued it is kept for operations.
 *
 * attention_items: what the engine cannot finish alone, for operations (GET /attention): an activity
 * that failed for a deterministic reason, one that keeps failing, an e-mail not delivered. One row per
 * key; a recurrence updates it (and reopens it when it was resolved).
 */
export class OutboxDeliveryAndAttention1763900003500 implements MigrationInterface {
  name = 'OutboxDeliveryAndAttention1763900003500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE email_outbox
        ADD COLUMN audience text,
        ADD COLUMN data jsonb,
        ADD COLUMN workflow_id text,
        ADD COLUMN workflow_type text,
        ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN last_attempt_at timestamptz,
        ADD COLUMN last_error text`);
    await q.query(`ALTER TABLE email_outbox DROP CONSTRAINT IF EXISTS email_outbox_status_check`);
    await q.query(`ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed'))`);
    await q.query(`CREATE INDEX email_outbox_pending_idx ON email_outbox(next_attempt_at) WHERE status = 'pending'`);

    await q.query(`
      CREATE TABLE attention_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('activity-failed', 'activity-retrying', 'email-undelivered')),
        workflow_id text,
        workflow_type text,
        run_id text,
        activity_type text,
        error_type text NOT NULL,
        error_message text NOT NULL,
        action text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        attempts integer,
        occurrences integer NOT NULL DEFAULT 1,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by text,
        resolution text
      )`);
    await q.query(`CREATE INDEX attention_items_open_idx ON attention_items(last_seen_at DESC) WHERE resolved_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE attention_items`);
    await q.query(`DROP INDEX email_outbox_pending_idx`);
    await q.query(`DELETE FROM email_outbox WHERE status = 'failed'`);
    await q.query(`ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_status_check`);
    await q.query(`ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sent'))`);
    await q.query(`
      ALTER TABLE email_outbox DROP COLUMN audience, DROP COLUMN data, DROP COLUMN workflow_id, DROP COLUMN workflow_type,
        DROP COLUMN next_attempt_at, DROP COLUMN last_attempt_at, DROP COLUMN last_error`);
  }
}
