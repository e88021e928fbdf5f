/**
 * Sends the rendered French e-mails (templates.ts) over real SMTP with nodemailer.
 *
 * The caller passes a stable `messageId` (it keys idempotency elsewhere: a retried activity sends the
 * same Message-ID, so a duplicate can be recognised downstream). It becomes the Message-ID header, in
 * RFC 5322 form `<left@right>`: angle brackets are added, and an id without "@" gets the sender's
 * domain (deterministic, so the same input always gives the same header). Each mail also carries
 * `X-Pix-Template: <template name>`.
 */
import nodemailer from 'nodemailer';
import { PARAMETERS } from '../../config/parameters';
import { renderEmail, type TemplateName } from './templates';

export interface MailerOptions {
  /** e.g. "smtp://127.0.0.1:2525", "smtps://user:pass@smtp.example.org:465". */
  smtpUrl: string;
  /** Sender, e.g. '"GIP Pix – Centres de certification" <agrement@pix.fr>'. */
  from: string;
  /** SMTP timeouts in ms (default PARAMETERS.mail): a silent server fails the attempt instead of holding it for minutes. */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
}

export interface SendMailInput {
  to: string | string[];
  template: TemplateName;
  /** Template data, see TemplateDataMap in templates.ts. */
  data: object;
  /** Stable id chosen by the caller (idempotency key), e.g. "application-acknowledged.AGR-2025-0042@pix.fr". */
  messageId: string;
  /** Extra headers. Message-ID and X-Pix-Template are reserved. */
  headers?: Record<string, string>;
}

export interface SendMailResult {
  /** The Message-ID header as sent, "<…@…>". */
  messageId: string;
  /** The rendered subject (French), e.g. for an outbox record. */
  subject: string;
  /** Recipients the SMTP server accepted. */
  accepted: string[];
  /** Recipients the SMTP server refused (when at least one was accepted; otherwise send() rejects). */
  rejected: string[];
}

export interface Mailer {
  send(input: SendMailInput): Promise<SendMailResult>;
  close(): void;
}

export const TEMPLATE_HEADER = 'X-Pix-Template';
const RESERVED_HEADERS = ['message-id', TEMPLATE_HEADER.toLowerCase()];
const FALLBACK_DOMAIN = 'pix-agrement.local';

/** The domain of an address such as '"Pix" <agrement@pix.fr>' or 'agrement@pix.fr'. */
function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match ? match[1] : FALLBACK_DOMAIN;
}

/** "<id@domain>" from a caller id, with or without brackets or "@". Throws on ids that cannot be a header. */
export function toMessageIdHeader(messageId: string, from: string): string {
  if (typeof messageId !== 'string') throw new Error('messageId must be a string');
  const bare = messageId.trim().replace(/^<|>$/g, '');
  if (bare === '' || /[\s<>"\\]/.test(bare) || /[^\x21-\x7e]/.test(bare)) {
    throw new Error(`Invalid messageId ${JSON.stringify(messageId)}: use printable ASCII, no spaces, quotes or brackets.`);
  }
  return `<${bare.includes('@') ? bare : `${bare}@${domainOf(from)}`}>`;
}

function addresses(list: Array<string | { address: string }> | undefined): string[] {
  return (list ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.address));
}

export function createMailer({ smtpUrl, from, timeouts = {} }: MailerOptions): Mailer {
  if (!smtpUrl) throw new Error('createMailer: smtpUrl is required');
  if (!from) throw new Error('createMailer: from is required');
  // Options given with the url apply where the url does not set them (a ?connectionTimeout= in SMTP_URL wins).
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeouts.connectionMs ?? PARAMETERS.mail.smtpConnectionTimeoutMs,
    greetingTimeout: timeouts.greetingMs ?? PARAMETERS.mail.smtpGreetingTimeoutMs,
    socketTimeout: timeouts.socketMs ?? PARAMETERS.mail.smtpSocketTimeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0]);

  return {
    async send({ to, template, data, messageId, headers = {} }: SendMailInput): Promise<SendMailResult> {
      const recipients = Array.isArray(to) ? to : [to];
      if (recipients.length === 0 || recipients.some((r) => typeof r !== 'string' || r.trim() === '')) {
        throw new Error(`send(${template}): at least one non-empty recipient is required`);
      }
      const reserved = Object.keys(headers).filter((name) => RESERVED_HEADERS.includes(name.toLowerCase()));
      if (reserved.length > 0) {
        throw new Error(`send(${template}): header(s) ${reserved.join(', ')} are set by the mailer and cannot be overridden`);
      }
      const messageIdHeader = toMessageIdHeader(messageId, from);
      const { subject, html, text } = renderEmail(template, data);

      const info = await transport.sendMail({
        from,
        to: recipients,
        subject,
        text,
        html,
        messageId: messageIdHeader,
        headers: { 'Content-Language': 'fr', ...headers, [TEMPLATE_HEADER]: template },
      });
      return {
        messageId: info.messageId || messageIdHeader,
        subject,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
      };
    },
    close(): void {
      transport.close();
    },
  };
}
