import type { TemplateName } from '../infra/templates';

/**
 * The e-mail outbox's port, as plain types. Implemented over PostgreSQL (table email_outbox) in
 * src/mail/infra/outbox.repository.ts.
 */

/** An e-mail to queue: rendered once already, so its data is known to be valid. */
export interface OutgoingEmail {
  key: string;
  template: TemplateName;
  recipient: string;
  audience: 'applicant' | 'centre' | 'operations' | 'legal';
  data: Record<string, unknown>;
  messageId: string;
  workflowId: string | null;
  workflowType: string | null;
}

/** A queued e-mail due for an attempt. */
export interface PendingEmail {
  key: string;
  template: TemplateName;
  recipient: string;
  data: Record<string, unknown>;
  messageId: string;
  /** Attempts made before this one. */
  attempts: number;
  workflowId: string | null;
  workflowType: string | null;
}

export interface OutboxRepository {
  /** Inserts the e-mail once per key; false when the key was already queued. */
  enqueue(email: OutgoingEmail): Promise<boolean>;
  /**
   * The next pending e-mail due, locked until the transaction ends; rows another sender holds are skipped, so two
   * senders never send one e-mail at once. Null when none is due.
   */
  claimNextDue(): Promise<PendingEmail | null>;
  /** SMTP accepted it (at attempt `attempts`, under `subject`). */
  markSent(key: string, attempts: number, subject: string): Promise<void>;
  /** The attempt failed: counted with its error; `failed` for good, or pending again after `retryInMs`. */
  markAttemptFailed(
    key: string,
    attempt: { attempts: number; error: string; status: 'pending' | 'failed'; retryInMs: number },
  ): Promise<void>;
}

/** One e-mail sent (or being sent) to an organisation, as its own mailbox received it. */
export interface OwnEmailRow {
  messageId: string;
  organisationId: string;
  organisationName: string;
  template: string;
  data: Record<string, unknown> | null;
  subject: string | null;
  recipient: string;
  status: 'pending' | 'sent' | 'failed';
  createdAt: Date;
  sentAt: Date | null;
}

/** The e-mails addressed to some organisations (their own address), newest first, implemented in src/mail/infra/own-mail.repository.ts. */
export interface OwnMailRepository {
  page(query: { organisationIds: readonly string[]; limit: number; offset: number }): Promise<{ total: number; items: OwnEmailRow[] }>;
}
