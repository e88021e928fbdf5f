import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { statementDueAt, statementLines, type StatementLine } from '../domain/billing/statement';
import { appendToLog } from '../infra/database/event-log';

export const STATEMENT_STREAM = 'statement';

export interface PreparedStatement {
  id: string;
  organisationId: string;
  organisationName: string;
  email: string;
  month: string;
  dueAt: string;
  lines: StatementLine[];
  totals: Omit<StatementLine, 'sessionId' | 'date'>;
  state: string;
}

/** Thin, idempotent activities of the BIL-1 statement workflows. */
export function createBillingActivities({ db }: { db: DataSource }) {
  return {
    /** BIL-1: the centres with paying finalised sessions dated in `month` (in each session's zone). */
    async centresWithPayingSessions(month: string): Promise<string[]> {
      const rows: { organisation_id: string }[] = await db.query(
        `SELECT DISTINCT organisation_id FROM sessions
          WHERE status = 'finalised' AND pix_share_cents > 0 AND to_char(date, 'YYYY-MM') = $1 ORDER BY organisation_id`,
        [month],
      );
      return rows.map((r) => r.organisation_id);
    },

    /** Prepares (once) the centre's statement of `month`: its paying sessions, totals excl./incl. VAT. */
    async prepareStatement(input: { organisationId: string; month: string; at: string }): Promise<PreparedStatement> {
      return db.transaction(async (m) => {
        const [org]: { name: string; email: string }[] = await m.query('SELECT name, email FROM organisations WHERE id = $1', [input.organisationId]);
        if (!org) throw new Error(`organisation ${input.organisationId} not found`);
        const sessions: { id: string; date: string; paying_candidates: number; price_cents: number; pix_share_cents: number }[] = await m.query(
          `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, paying_candidates, price_cents, pix_share_cents FROM sessions
            WHERE organisation_id = $1 AND status = 'finalised' AND pix_share_cents > 0 AND to_char(date, 'YYYY-MM') = $2`,
          [input.organisationId, input.month],
        );
        const { lines, totals } = statementLines(sessions.map((s) => ({ sessionId: s.id, date: s.date, candidates: s.paying_candidates, priceCents: s.price_cents, pixShareCents: s.pix_share_cents })));
        const dueAt = statementDueAt(input.month);
        const id = randomUUID();
        await m.query(
          `INSERT INTO monthly_statements (id, organisation_id, month, state, due_at, lines, candidates, price_excl_vat_cents, price_incl_vat_cents,
                                           pix_share_excl_vat_cents, pix_share_incl_vat_cents, prepared_at)
           VALUES ($1, $2, $3, 'prepared', $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (organisation_id, month) DO NOTHING`,
          [id, input.organisationId, input.month, dueAt, JSON.stringify(lines), totals.candidates, totals.priceExclVatCents, totals.priceInclVatCents, totals.pixShareExclVatCents, totals.pixShareInclVatCents, input.at],
        );
        const [row]: { id: string; state: string }[] = await m.query('SELECT id, state FROM monthly_statements WHERE organisation_id = $1 AND month = $2', [input.organisationId, input.month]);
        await appendToLog(m, [
          {
            eventKey: `statement:${row!.id}:prepared`,
            streamType: STATEMENT_STREAM,
            streamId: row!.id,
            type: 'statement-prepared',
            ruleIds: ['BIL-1'],
            fromState: null,
            toState: 'prepared',
            actor: 'system',
            reason: null,
            data: { organisationId: input.organisationId, month: input.month, sessions: lines.length, pixShareInclVatCents: totals.pixShareInclVatCents },
            occurredAt: new Date(input.at),
          },
        ]);
        return { id: row!.id, organisationId: input.organisationId, organisationName: org.name, email: org.email, month: input.month, dueAt: dueAt.toISOString(), lines, totals, state: row!.state };
      });
    },

    /** BIL-1: the statement is sent (late when after its due instant); idempotent. */
    async markStatementSent(input: { statementId: string; sentAt: string; actor: string }): Promise<{ late: boolean }> {
      return db.transaction(async (m) => {
        const [row]: { due_at: Date; state: string; sent_at: Date | null; late: boolean }[] = await m.query('SELECT due_at, state, sent_at, late FROM monthly_statements WHERE id = $1 FOR UPDATE', [input.statementId]);
        if (!row) throw new Error(`statement ${input.statementId} not found`);
        if (row.state !== 'prepared') return { late: row.late };
        const late = new Date(input.sentAt).getTime() > row.due_at.getTime();
        await m.query(`UPDATE monthly_statements SET state = 'sent', sent_at = $2, late = $3 WHERE id = $1`, [input.statementId, input.sentAt, late]);
        await appendToLog(m, [
          {
            eventKey: `statement:${input.statementId}:sent`,
            streamType: STATEMENT_STREAM,
            streamId: input.statementId,
            type: 'statement-sent',
            ruleIds: ['BIL-1'],
            fromState: 'prepared',
            toState: 'sent',
            actor: input.actor,
            reason: null,
            data: { late },
            occurredAt: new Date(input.sentAt),
          },
        ]);
        return { late };
      });
    },

    /** Counts a reminder sent (shown to operations); idempotent per reminder number. */
    async recordStatementReminder(input: { statementId: string; n: number }): Promise<void> {
      await db.query('UPDATE monthly_statements SET reminders_sent = GREATEST(reminders_sent, $2) WHERE id = $1', [input.statementId, input.n]);
    },
  };
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;
