import { STATEMENT_STREAM } from '../usecases/statement-stream';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { statementDueAt, type StatementLine } from '../domain/statement';
import { PARAMETERS } from '../../config/parameters';
import { NotFound } from '../../shared/domain/errors';
import { dateIn } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import { type AmountsPayableNow, liftAmountsPayableNow, makeAmountsPayableNow, type PayableAtOnceRule } from '../usecases/payability';
import { centresToState, declarableLines, refreshOpenStatements, writeLines } from '../usecases/statement-lines';

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
    /** BIL-1: the centres with paying finalised sessions held in `month` (their venue's date), or carried over to it. */
    async centresWithPayingSessions(month: string): Promise<string[]> {
      return centresToState(db, month);
    },

    /**
     * Prepares (once) the centre's statement of `month`: its paying sessions, totals excl./incl. VAT. A re-run
     * (or a late start, BIL-1) recomputes the lines while the statement is still open.
     */
    async prepareStatement(input: { organisationId: string; month: string; at: string }): Promise<PreparedStatement> {
      return db.transaction(async (m) => {
        const [org]: { name: string; email: string }[] = await m.query('SELECT name, email FROM organisations WHERE id = $1', [input.organisationId]);
        if (!org) throw new NotFound(`organisation ${input.organisationId} not found`, { organisationId: input.organisationId });
        const { lines, totals } = await declarableLines(m, input.organisationId, input.month);
        const dueAt = statementDueAt(input.month);
        const id = randomUUID();
        await m.query(
          `INSERT INTO monthly_statements (id, organisation_id, month, state, due_at, lines, candidates, price_excl_vat_cents, price_incl_vat_cents,
                                           pix_share_excl_vat_cents, pix_share_incl_vat_cents, prepared_at)
           VALUES ($1, $2, $3, 'prepared', $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (organisation_id, month) DO NOTHING`,
          [id, input.organisationId, input.month, dueAt, JSON.stringify(lines), totals.candidates, totals.priceExclVatCents, totals.priceInclVatCents, totals.pixShareExclVatCents, totals.pixShareInclVatCents, input.at],
        );
        // SUS-3, TER-5: prepared once amounts are payable at once (an end, a suspension not yet lifted): due at
        // once too, by the end of the day it is prepared (or of the payable day, if later), Paris.
        await m.query(
          `UPDATE monthly_statements st SET payable_on = o.amounts_payable_on, payable_rule_id = o.amounts_payable_rule_id,
                  due_at = LEAST(st.due_at, ((GREATEST(o.amounts_payable_on, $3::date) + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond')
             FROM organisations o WHERE o.id = st.organisation_id AND st.organisation_id = $1 AND st.month = $2 AND st.state = 'prepared'
              AND st.payable_on IS NULL AND o.amounts_payable_on IS NOT NULL`,
          [input.organisationId, input.month, dateIn(new Date(input.at), PARAMETERS.agrement.timeZone)],
        );
        // A statement the centre already sent stays as sent; the open ones (this one included) follow the sessions finalised since.
        await refreshOpenStatements(m, input.organisationId);
        const [row]: { id: string; state: string; due_at: Date; lines: StatementLine[]; candidates: number; price_excl_vat_cents: number; price_incl_vat_cents: number; pix_share_excl_vat_cents: number; pix_share_incl_vat_cents: number }[] = await m.query(
          'SELECT id, state, due_at, lines, candidates, price_excl_vat_cents, price_incl_vat_cents, pix_share_excl_vat_cents, pix_share_incl_vat_cents FROM monthly_statements WHERE organisation_id = $1 AND month = $2',
          [input.organisationId, input.month],
        );
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
        const r = row!;
        return {
          id: r.id,
          organisationId: input.organisationId,
          organisationName: org.name,
          email: org.email,
          month: input.month,
          dueAt: r.due_at.toISOString(),
          lines: r.lines,
          totals: { candidates: r.candidates, priceExclVatCents: r.price_excl_vat_cents, priceInclVatCents: r.price_incl_vat_cents, pixShareExclVatCents: r.pix_share_excl_vat_cents, pixShareInclVatCents: r.pix_share_incl_vat_cents },
          state: r.state,
        };
      });
    },

    /** BIL-1: the statement is sent (late when after its due instant); idempotent. */
    async markStatementSent(input: { statementId: string; sentAt: string; actor: string }): Promise<{ late: boolean }> {
      return db.transaction(async (m) => {
        const [row]: { due_at: Date; state: string; sent_at: Date | null; late: boolean }[] = await m.query('SELECT due_at, state, sent_at, late FROM monthly_statements WHERE id = $1 FOR UPDATE', [input.statementId]);
        if (!row) throw new NotFound(`statement ${input.statementId} not found`, { statementId: input.statementId });
        if (row.state !== 'prepared') return { late: row.late };
        const late = new Date(input.sentAt).getTime() > row.due_at.getTime();
        // BIL-1: what the centre sends is the statement as of now (sessions finalised since the 1st included);
        // its sessions are then frozen on it, and any finalised later is carried to the next open statement.
        const [{ organisation_id, month }]: { organisation_id: string; month: string }[] = await m.query('SELECT organisation_id, month FROM monthly_statements WHERE id = $1', [input.statementId]);
        const current = await declarableLines(m, organisation_id, month);
        await writeLines(m, input.statementId, current);
        await m.query(`UPDATE monthly_statements SET state = 'sent', sent_at = $2, late = $3 WHERE id = $1`, [input.statementId, input.sentAt, late]);
        await m.query(`UPDATE sessions SET statement_id = $1 WHERE id = ANY($2) AND statement_id IS NULL`, [input.statementId, current.lines.map((l) => l.sessionId)]);
        await refreshOpenStatements(m, organisation_id);
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

    /**
     * SUS-3, TER-5: the agrément is suspended or has ended (terminated, expired): what the centre owes Pix is
     * payable at once from `on`. Idempotent (see makeAmountsPayableNow).
     */
    async makeAmountsPayableNow(input: { organisationId: string; on: string; ruleId: PayableAtOnceRule }): Promise<AmountsPayableNow> {
      return makeAmountsPayableNow({ db }, input);
    },

    /** SUS-4: the suspension is lifted: statements prepared from now on follow the normal terms again. Idempotent. */
    async liftAmountsPayableNow(input: { organisationId: string }): Promise<void> {
      await liftAmountsPayableNow({ db }, input);
    },

    /** Counts a reminder sent (shown to operations); idempotent per reminder number. */
    async recordStatementReminder(input: { statementId: string; n: number }): Promise<void> {
      await db.query('UPDATE monthly_statements SET reminders_sent = GREATEST(reminders_sent, $2) WHERE id = $1', [input.statementId, input.n]);
    },
  };
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;
