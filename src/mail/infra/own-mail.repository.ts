import type { Db } from '../../shared/database/db';
import type { OwnEmailRow, OwnMailRepository } from '../usecases/ports';

interface Row {
  message_id: string;
  organisation_id: string;
  organisation_name: string;
  template: string;
  data: Record<string, unknown> | null;
  subject: string | null;
  rendered_text: string | null;
  recipient: string;
  status: OwnEmailRow['status'];
  created_at: Date;
  sent_at: Date | null;
  total: string;
}

/**
 * Issue 14, the Espace centre: the e-mails the engine addressed to an organisation (audience centre or applicant),
 * matched on the organisation's address. An address that another organisation outside the caller's scope also
 * uses is left out altogether: a centre never reads another centre's mail, even through a shared mailbox.
 */
export function ownMailRepository(db: Db): OwnMailRepository {
  return {
    async page({ organisationIds, limit, offset }) {
      if (organisationIds.length === 0) return { total: 0, items: [] };
      const rows: Row[] = await db.query(
        `SELECT e.message_id, o.id AS organisation_id, o.name AS organisation_name, e.template, e.data, e.subject, e.rendered_text, e.recipient,
                e.status, e.created_at, e.sent_at, count(*) OVER () AS total
           FROM email_outbox e
           JOIN organisations o ON lower(o.email) = lower(e.recipient)
          WHERE o.id = ANY($1::uuid[])
            AND e.audience IN ('centre', 'applicant')
            AND NOT EXISTS (SELECT 1 FROM organisations x WHERE lower(x.email) = lower(e.recipient) AND NOT (x.id = ANY($1::uuid[])))
          ORDER BY e.created_at DESC, e.key, o.id
          LIMIT $2 OFFSET $3`,
        [organisationIds, limit, offset],
      );
      return {
        total: rows.length ? Number(rows[0]!.total) : 0,
        items: rows.map((r) => ({
          messageId: r.message_id,
          organisationId: r.organisation_id,
          organisationName: r.organisation_name,
          template: r.template,
          data: r.data,
          subject: r.subject,
          text: r.rendered_text,
          recipient: r.recipient,
          status: r.status,
          createdAt: r.created_at,
          sentAt: r.sent_at,
        })),
      };
    },
  };
}
