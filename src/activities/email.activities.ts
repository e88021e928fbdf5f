import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Mailer } from '../infra/mail/mailer';
import type { TemplateName } from '../infra/mail/templates';

export interface SendEmailInput {
  /** Idempotency key: one e-mail per key, ever. */
  key: string;
  /** Recipient; null sends to the Pix mailbox of the audience (operations or legal). */
  to: string | null;
  audience: 'applicant' | 'centre' | 'operations' | 'legal';
  template: TemplateName;
  data: Record<string, unknown>;
}

export interface EmailDeps {
  db: DataSource;
  mailer: Mailer;
  operationsEmail: string;
  /** The legal team's mailbox: termination and breach proposals (BRE-4). */
  legalEmail: string;
}

export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@agrement.pix.fr>`;
}

/**
 * Sends through the outbox: the row for the key is locked while sending and marked sent
 * in the same transaction, so an activity retried by Temporal (or run twice at once)
 * never sends the same e-mail twice. The Message-ID derives from the key too, so even
 * a crash between SMTP acceptance and commit yields a duplicate that mail clients collapse.
 */
export function createEmailActivities({ db, mailer, operationsEmail, legalEmail }: EmailDeps) {
  return {
    async sendEmail(input: SendEmailInput): Promise<{ sent: boolean; messageId: string }> {
      const to = input.to ?? (input.audience === 'legal' ? legalEmail : operationsEmail);
      const messageId = messageIdFor(input.key);
      return db.transaction(async (m) => {
        await m.query(
          `INSERT INTO email_outbox (key, template, recipient, message_id) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING`,
          [input.key, input.template, to, messageId],
        );
        const [row]: { status: string }[] = await m.query('SELECT status FROM email_outbox WHERE key = $1 FOR UPDATE', [input.key]);
        if (row?.status === 'sent') return { sent: false, messageId };
        const result = await mailer.send({ to, template: input.template, data: input.data, messageId });
        await m.query(
          `UPDATE email_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, subject = $2 WHERE key = $1`,
          [input.key, result.subject ?? null],
        );
        return { sent: true, messageId };
      });
    },
  };
}

export type EmailActivities = ReturnType<typeof createEmailActivities>;
