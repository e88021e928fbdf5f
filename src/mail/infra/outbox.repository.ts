import type { Db } from '../../shared/database/db';
import type { OutboxRepository, OutgoingEmail, PendingEmail } from '../usecases/ports';
import type { TemplateName } from './templates';

interface PendingRow {
  key: string;
  template: TemplateName;
  recipient: string;
  data: Record<string, unknown>;
  message_id: string;
  attempts: number;
  workflow_id: string | null;
  workflow_type: string | null;
}

/** The e-mail outbox (table email_outbox), over the data source or a sender's transaction. */
export function outboxRepository(db: Db): OutboxRepository {
  return {
    async enqueue(e: OutgoingEmail): Promise<boolean> {
      const rows: unknown[] = await db.query(
        `INSERT INTO email_outbox (key, template, recipient, audience, data, message_id, workflow_id, workflow_type)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [e.key, e.template, e.recipient, e.audience, JSON.stringify(e.data ?? {}), e.messageId, e.workflowId, e.workflowType],
      );
      return rows.length > 0;
    },

    async claimNextDue(): Promise<PendingEmail | null> {
      const [row]: PendingRow[] = await db.query(
        `SELECT key, template, recipient, data, message_id, attempts, workflow_id, workflow_type FROM email_outbox
        WHERE status = 'pending' AND data IS NOT NULL AND next_attempt_at <= now()
        ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!row) return null;
      return {
        key: row.key,
        template: row.template,
        recipient: row.recipient,
        data: row.data,
        messageId: row.message_id,
        attempts: row.attempts,
        workflowId: row.workflow_id,
        workflowType: row.workflow_type,
      };
    },

    async markSent(key: string, attempts: number, subject: string): Promise<void> {
      await db.query(
        `UPDATE email_outbox SET status = 'sent', sent_at = now(), last_attempt_at = now(), attempts = $2, subject = $3, last_error = NULL WHERE key = $1`,
        [key, attempts, subject],
      );
    },

    /** The error is kept to its first 2,000 characters. */
    async markAttemptFailed(
      key: string,
      a: { attempts: number; error: string; status: 'pending' | 'failed'; retryInMs: number },
    ): Promise<void> {
      await db.query(
        `UPDATE email_outbox SET attempts = $2, last_error = $3, last_attempt_at = now(), status = $4,
                next_attempt_at = now() + $5::double precision * interval '1 millisecond' WHERE key = $1`,
        [key, a.attempts, a.error.slice(0, 2000), a.status, a.retryInMs],
      );
    },
  };
}
