import { DataSource } from 'typeorm';
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
        `INSERT INTO email_outbox (key, template, recipient, audience, data, subject, rendered_text, message_id, workflow_id, workflow_type)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [
          e.key,
          e.template,
          e.recipient,
          e.audience,
          JSON.stringify(e.data ?? {}),
          e.subject,
          e.text,
          e.messageId,
          e.workflowId,
          e.workflowType,
        ],
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

    async recordSendStart(key: string, attempt: number): Promise<number> {
      // Committed before the SMTP conversation, outside the transaction that holds the row: a sender that dies leaves it.
      if (!(db instanceof DataSource)) throw new Error('recordSendStart commits on its own: build the repository over the data source');
      const [row]: Array<{ starts: number }> = await db.query(
        `INSERT INTO email_send_starts (key, attempt) VALUES ($1, $2)
         ON CONFLICT (key, attempt) DO UPDATE SET starts = email_send_starts.starts + 1 RETURNING starts`,
        [key, attempt],
      );
      return row!.starts - 1;
    },

    async markSent(key: string, attempts: number, subject: string, inDoubt: number): Promise<void> {
      await db.query(
        `UPDATE email_outbox SET status = 'sent', sent_at = now(), last_attempt_at = now(), attempts = $2, subject = $3, last_error = NULL,
                sends_in_doubt = sends_in_doubt + $4 WHERE key = $1`,
        [key, attempts, subject, inDoubt],
      );
      await clearSendStarts(key, attempts);
    },

    /** The error is kept to its first 2,000 characters. */
    async markAttemptFailed(
      key: string,
      a: { attempts: number; error: string; status: 'pending' | 'failed'; retryInMs: number; inDoubt: number },
    ): Promise<void> {
      await db.query(
        `UPDATE email_outbox SET attempts = $2, last_error = $3, last_attempt_at = now(), status = $4,
                next_attempt_at = now() + $5::double precision * interval '1 millisecond', sends_in_doubt = sends_in_doubt + $6 WHERE key = $1`,
        [key, a.attempts, a.error.slice(0, 2000), a.status, a.retryInMs, a.inDoubt],
      );
      await clearSendStarts(key, a.attempts);
    },
  };

  /** With the attempt's mark, in its transaction: the start is concluded (a start that lingers is a sender that died). */
  async function clearSendStarts(key: string, attempt: number): Promise<void> {
    await db.query(`DELETE FROM email_send_starts WHERE key = $1 AND attempt <= $2`, [key, attempt]);
  }
}
