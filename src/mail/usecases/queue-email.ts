import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TemplateData, TemplateName } from '../domain/catalogue';
import { outboxRepository } from '../infra/outbox.repository';
import { renderEmail, TemplateError } from '../infra/templates';
import { TEMPLATE_DATA_INVALID } from '../../attention/usecases/failures';
import { wakeOutbox } from './outbox';

export interface EmailEnvelope {
  /** Idempotency key: one e-mail per key, ever. */
  key: string;
  /** Recipient; null sends to the Pix mailbox of the audience (operations or legal). */
  to: string | null;
  audience: 'applicant' | 'centre' | 'operations' | 'legal';
}

/**
 * An e-mail to queue: `template` decides the type of `data` (src/mail/domain/catalogue.ts), so a producer's
 * misspelt or missing field is a compile error; the same definition checks the data at run time.
 */
export type EmailOf<N extends TemplateName> = EmailEnvelope & { template: N; data: TemplateData<N> };

/** Any e-mail to queue (a union over the templates: a list of e-mails keeps each one's data tied to its template). */
export type SendEmailInput<N extends TemplateName = TemplateName> = { [K in N]: EmailOf<K> }[N];

/** Where e-mails to Pix go (OPERATIONS_EMAIL, LEGAL_EMAIL): read once at start, handed to the API and the worker. */
export interface MailRecipients {
  operationsEmail: string;
  /** The legal team's mailbox: termination and breach proposals (BRE-4). */
  legalEmail: string;
}

export interface EmailDeps extends MailRecipients {
  db: DataSource;
}

export interface EmailQueued {
  /** True when this call queued it; false when the key was already queued (a retried activity, a retried request). */
  queued: boolean;
  messageId: string;
}

/** Who queues the e-mail: a workflow's activity, or nobody (a use case of the API). */
export interface EmailOrigin {
  workflowId: string | null;
  workflowType: string | null;
}

/** An e-mail no retry could queue (no key, no recipient, template data missing): `type` names the failure kind. */
export class EmailNotQueueable extends Error {
  constructor(
    message: string,
    readonly type: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'EmailNotQueueable';
  }
}

export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@agrement.pix.fr>`;
}

/**
 * Queues an e-mail in the outbox and returns at once: the sender (src/mail/usecases/outbox.ts) delivers it
 * outside any workflow or request, so an SMTP outage never holds a decision, an update's answer or a deadline.
 *
 * The template is rendered first, to check its data: data missing or invalid is EmailNotQueueable, since no
 * retry would fix it. The row is then inserted once per key (ON CONFLICT DO NOTHING): a retried activity or
 * request, or two at once, queue one e-mail. The Message-ID derives from the key, so even a resend after a
 * crash is recognisable downstream. Used by the e-mail activity and by the API's use cases alike.
 */
export async function queueEmail<N extends TemplateName>(
  { db, operationsEmail, legalEmail }: EmailDeps,
  input: EmailOf<N>,
  origin: EmailOrigin = { workflowId: null, workflowType: null },
): Promise<EmailQueued> {
  if (typeof input?.key !== 'string' || input.key.trim() === '') {
    throw new EmailNotQueueable('an e-mail needs a non-empty key', 'InvalidCommand', { field: 'key' });
  }
  const to = input.to ?? (input.audience === 'legal' ? legalEmail : operationsEmail);
  const messageId = messageIdFor(input.key);
  if (typeof to !== 'string' || to.trim() === '') {
    throw new EmailNotQueueable(`e-mail ${input.key} (${input.template}) has no recipient`, TEMPLATE_DATA_INVALID, {
      field: 'to',
      template: input.template,
      key: input.key,
    });
  }
  let rendered: { subject: string; text: string };
  try {
    rendered = renderEmail(input.template, input.data);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    throw new EmailNotQueueable(err.message, TEMPLATE_DATA_INVALID, { template: input.template, key: input.key });
  }
  const queued = await outboxRepository(db).enqueue({
    key: input.key,
    template: input.template,
    recipient: to,
    audience: input.audience,
    data: input.data,
    subject: rendered.subject,
    text: rendered.text,
    messageId,
    workflowId: origin.workflowId,
    workflowType: origin.workflowType,
  });
  if (queued) wakeOutbox();
  return { queued, messageId };
}
