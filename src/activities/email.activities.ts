import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { wakeOutbox } from '../usecases/mail/outbox';
import { renderEmail, TemplateError, type TemplateName } from '../infra/mail/templates';
import { TEMPLATE_DATA_INVALID } from '../usecases/attention/failures';

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
  operationsEmail: string;
  /** The legal team's mailbox: termination and breach proposals (BRE-4). */
  legalEmail: string;
}

export interface EmailQueued {
  /** True when this call queued it; false when the key was already queued (a retried activity, a retried request). */
  queued: boolean;
  messageId: string;
}

export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@agrement.pix.fr>`;
}

/** The workflow whose activity queues the e-mail (none when a use case of the API queues it). */
function callingWorkflow(): { workflowId: string | null; workflowType: string | null } {
  try {
    const info = Context.current().info;
    return { workflowId: info.workflowExecution?.workflowId ?? null, workflowType: info.workflowType ?? null };
  } catch {
    return { workflowId: null, workflowType: null };
  }
}

/**
 * Queues an e-mail in the outbox and returns at once: the sender (src/infra/mail/outbox.ts) delivers it
 * outside the workflow, so an SMTP outage never holds a decision, an update's answer or a deadline.
 *
 * The template is rendered first, to check its data: data missing or invalid fails for good (non-retryable
 * 'TemplateDataInvalid', listed for operations), since no retry would fix it. The row is then inserted once
 * per key (ON CONFLICT DO NOTHING): an activity retried by Temporal, or run twice at once, queues one e-mail.
 * The Message-ID derives from the key, so even a resend after a crash is recognisable downstream.
 */
export function createEmailActivities({ db, operationsEmail, legalEmail }: EmailDeps) {
  return {
    async sendEmail(input: SendEmailInput): Promise<EmailQueued> {
      if (typeof input?.key !== 'string' || input.key.trim() === '') {
        throw ApplicationFailure.nonRetryable('an e-mail needs a non-empty key', 'InvalidCommand', { field: 'key' });
      }
      const to = input.to ?? (input.audience === 'legal' ? legalEmail : operationsEmail);
      const messageId = messageIdFor(input.key);
      if (typeof to !== 'string' || to.trim() === '') {
        throw ApplicationFailure.nonRetryable(`e-mail ${input.key} (${input.template}) has no recipient`, TEMPLATE_DATA_INVALID, { field: 'to', template: input.template, key: input.key });
      }
      try {
        renderEmail(input.template, input.data);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        throw ApplicationFailure.nonRetryable(err.message, TEMPLATE_DATA_INVALID, { template: input.template, key: input.key });
      }
      const { workflowId, workflowType } = callingWorkflow();
      const rows: unknown[] = await db.query(
        `INSERT INTO email_outbox (key, template, recipient, audience, data, message_id, workflow_id, workflow_type)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [input.key, input.template, to, input.audience, JSON.stringify(input.data ?? {}), messageId, workflowId, workflowType],
      );
      if (rows.length > 0) wakeOutbox();
      return { queued: rows.length > 0, messageId };
    },
  };
}

export type EmailActivities = ReturnType<typeof createEmailActivities>;
