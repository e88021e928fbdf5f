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
  /** The subject and text rendered when queued: what GET /me/emails shows, whatever the template becomes. */
  subject: string;
  text: string;
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
  /**
   * Records that attempt `attempt` of the e-mail begins, committed at once on its own (over the data source, never the
   * sender's transaction: a sender that dies must leave it behind). Returns how many earlier starts of that same
   * attempt never got their mark: senders that died, each after a send SMTP may have accepted (issue 15).
   */
  recordSendStart(key: string, attempt: number): Promise<number>;
  /** SMTP accepted it (at attempt `attempts`, under `subject`); `inDoubt` earlier sends may have been accepted too. */
  markSent(key: string, attempts: number, subject: string, inDoubt: number): Promise<void>;
  /**
   * The attempt failed: counted with its error; `failed` for good, or pending again after `retryInMs`; `inDoubt` sends
   * may have been accepted all the same (a dead sender's, or this one's when the connection was lost after the message).
   */
  markAttemptFailed(
    key: string,
    attempt: { attempts: number; error: string; status: 'pending' | 'failed'; retryInMs: number; inDoubt: number },
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
  /** Null for an e-mail queued before its rendering was kept (migration EmailRendering1763900070000). */
  text: string | null;
  recipient: string;
  status: 'pending' | 'sent' | 'failed';
  createdAt: Date;
  sentAt: Date | null;
}

/** The e-mails addressed to some organisations (their own address), newest first, implemented in src/mail/infra/own-mail.repository.ts. */
export interface OwnMailRepository {
  page(query: { organisationIds: readonly string[]; limit: number; offset: number }): Promise<{ total: number; items: OwnEmailRow[] }>;
}
