import type { Db } from '../../shared/database/db';
import { ownMailRepository } from '../infra/own-mail.repository';
import { isTemplateName, renderEmail } from '../infra/templates';

/** One e-mail as the Espace centre shows it: to whom, when, its subject and its text as the centre received it. */
export interface OwnEmailView {
  id: string;
  organisationId: string;
  organisationName: string;
  template: string;
  subject: string | null;
  text: string | null;
  recipient: string;
  status: 'pending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
}

/**
 * Issue 14: the e-mails sent to the caller's own organisations (a centre its own, a coordinator its network's),
 * newest first. The subject and text are those rendered when the e-mail was queued (the subject SMTP accepted once
 * sent); an e-mail queued before they were kept is rendered again from its template and data.
 */
export async function ownMail(
  db: Db,
  query: { organisationIds: readonly string[]; limit: number; offset: number },
): Promise<{ total: number; limit: number; offset: number; items: OwnEmailView[] }> {
  const { total, items } = await ownMailRepository(db).page(query);
  return {
    total,
    limit: query.limit,
    offset: query.offset,
    items: items.map((e) => {
      // Rows queued before the rendering was kept (EmailRendering1763900070000): rendered again, as they were then.
      const rendered = e.subject !== null && e.text !== null ? { subject: e.subject, text: e.text } : render(e.template, e.data);
      return {
        id: e.messageId,
        organisationId: e.organisationId,
        organisationName: e.organisationName,
        template: e.template,
        subject: e.subject ?? rendered?.subject ?? null,
        text: rendered?.text ?? null,
        recipient: e.recipient,
        status: e.status,
        createdAt: e.createdAt.toISOString(),
        sentAt: e.sentAt?.toISOString() ?? null,
      };
    }),
  };
}

/** A template since removed, or data it no longer accepts: the list still shows the e-mail, without its text. */
function render(template: string, data: Record<string, unknown> | null) {
  if (!isTemplateName(template) || data === null) return null;
  try {
    return renderEmail(template, data);
  } catch {
    return null;
  }
}
