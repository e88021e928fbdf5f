import type { PayingSession, StatementLine, StatementState } from '../domain/statement';
import { type Db, transactionManager } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import { STATEMENT_STREAM } from '../usecases/statement-stream';
import type {
  MonthStatement,
  OrganisationMonth,
  StatementFilter,
  StatementRecord,
  StatementsRepository,
  StatementTotals,
} from '../usecases/ports';

interface StatementRow {
  id: string;
  organisation_id: string;
  name: string;
  agrement_id: string | null;
  month: string;
  state: StatementState;
  due_at: Date;
  lines: unknown[];
  candidates: number;
  price_excl_vat_cents: number;
  price_incl_vat_cents: number;
  pix_share_excl_vat_cents: number;
  pix_share_incl_vat_cents: number;
  reminders_sent: number;
  sent_at: Date | null;
  late: boolean;
  invoice_issued_on: string | null;
  invoice_amount_cents: number | null;
  paid_on: string | null;
  payable_on: string | null;
  payable_rule_id: string | null;
  insolvency_proceedings: boolean;
  insolvency_proceedings_on: string | null;
}

const SELECT = `SELECT s.id, s.organisation_id, o.name, s.month, s.state, s.due_at, s.lines, s.candidates, s.price_excl_vat_cents, s.price_incl_vat_cents,
  s.pix_share_excl_vat_cents, s.pix_share_incl_vat_cents, s.reminders_sent, s.sent_at, s.late, to_char(s.invoice_issued_on, 'YYYY-MM-DD') AS invoice_issued_on,
  s.invoice_amount_cents, to_char(s.paid_on, 'YYYY-MM-DD') AS paid_on, to_char(s.payable_on, 'YYYY-MM-DD') AS payable_on, s.payable_rule_id,
  o.insolvency_proceedings, to_char(o.insolvency_proceedings_on, 'YYYY-MM-DD') AS insolvency_proceedings_on,
  (SELECT a.id FROM agrements a WHERE a.organisation_id = coalesce(o.network_id, o.id)) AS agrement_id
  FROM monthly_statements s JOIN organisations o ON o.id = s.organisation_id`;

type TotalsRow = Pick<
  StatementRow,
  'candidates' | 'price_excl_vat_cents' | 'price_incl_vat_cents' | 'pix_share_excl_vat_cents' | 'pix_share_incl_vat_cents'
>;

const totalsOf = (r: TotalsRow): StatementTotals => ({
  candidates: r.candidates,
  priceExclVatCents: r.price_excl_vat_cents,
  priceInclVatCents: r.price_incl_vat_cents,
  pixShareExclVatCents: r.pix_share_excl_vat_cents,
  pixShareInclVatCents: r.pix_share_incl_vat_cents,
});

function statementRecord(r: StatementRow): StatementRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.name,
    agrementId: r.agrement_id,
    month: r.month,
    state: r.state,
    dueAt: r.due_at,
    lines: r.lines,
    totals: totalsOf(r),
    remindersSent: r.reminders_sent,
    sentAt: r.sent_at,
    late: r.late,
    invoiceIssuedOn: r.invoice_issued_on,
    invoiceAmountCents: r.invoice_amount_cents,
    paidOn: r.paid_on,
    payableOn: r.payable_on,
    payableRuleId: r.payable_rule_id,
    insolvencyProceedings: r.insolvency_proceedings,
    insolvencyProceedingsOn: r.insolvency_proceedings_on,
  };
}

/** The WHERE clause of a statement list, with its parameters. */
function whereOf(filter: StatementFilter): { clause: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
  if (filter.organisationIds) add('s.organisation_id = ANY(?)', filter.organisationIds);
  if (filter.month) add('s.month = ?', filter.month);
  if (filter.state) add('s.state = ?', filter.state);
  // BIL-1: not sent by its due date (the 5th).
  if (filter.overdueAt) add("s.state = 'prepared' AND s.due_at < ?", filter.overdueAt);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * BIL-1: which finalised paying sessions a centre's statement of `month` declares, as one SQL predicate
 * over `sessions s` ($org, $month are its parameters' positions):
 * - the sessions HELD in `month`: `sessions.date` is the session's date in its venue's time zone, so a
 *   session on the 31st at 23:30 in Paris or in Papeete is on that month's statement, whatever the UTC
 *   instant; whenever it is finalised (the 48 hours of SES-10 run into the next month);
 * - and, carried over, the sessions of an earlier month finalised after that month's statement was sent
 *   (a sent statement is the centre's declaration and no longer changes): they go on the centre's
 *   earliest statement still open after their month, so that no paying session is left off every one.
 * A session is frozen on the statement that declared it when that statement is sent (sessions.statement_id).
 */
function declarable(org: string, month: string): string {
  return `s.organisation_id = ${org} AND s.status = 'finalised' AND s.pix_share_cents > 0 AND s.statement_id IS NULL
    AND (to_char(s.date, 'YYYY-MM') = ${month}
         OR (to_char(s.date, 'YYYY-MM') < ${month}
             AND EXISTS (SELECT 1 FROM monthly_statements own WHERE own.organisation_id = s.organisation_id AND own.month = to_char(s.date, 'YYYY-MM') AND own.state <> 'prepared')
             AND NOT EXISTS (SELECT 1 FROM monthly_statements x WHERE x.organisation_id = s.organisation_id AND x.state = 'prepared'
                                AND x.month > to_char(s.date, 'YYYY-MM') AND x.month < ${month})))`;
}

/** The event log is appended on the caller's transaction manager. */

export function statementsRepository(db: Db): StatementsRepository {
  return {
    async findStatement(id) {
      const [r]: StatementRow[] = await db.query(`${SELECT} WHERE s.id = $1`, [id]);
      return r && statementRecord(r);
    },

    async lockStatement(id) {
      const [r]: StatementRow[] = await db.query(`${SELECT} WHERE s.id = $1 FOR UPDATE OF s`, [id]);
      return r && statementRecord(r);
    },

    async countStatements(filter) {
      const { clause, params } = whereOf(filter);
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total FROM monthly_statements s ${clause}`, params);
      return total;
    },

    async listStatements(filter, page) {
      const { clause, params } = whereOf(filter);
      const rows: StatementRow[] = await db.query(
        `${SELECT} ${clause} ORDER BY s.month DESC, o.name LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`,
        params,
      );
      return rows.map(statementRecord);
    },

    async recordInvoiceEvent(statement, event, actor, at) {
      const tx = transactionManager(db);
      const { id } = statement;
      if (event.kind === 'invoiced') {
        await tx.query(
          `UPDATE monthly_statements SET state = 'invoiced', invoice_issued_on = $2, invoice_amount_cents = $3 WHERE id = $1`,
          [id, event.issuedOn, Math.round(event.amountEur * 100)],
        );
      } else {
        await tx.query(`UPDATE monthly_statements SET state = 'paid', paid_on = $2 WHERE id = $1`, [id, event.paidOn]);
      }
      await appendToLog(tx, [
        {
          eventKey: `statement:${id}:${event.kind}`,
          streamType: STATEMENT_STREAM,
          streamId: id,
          type: `statement-${event.kind}`,
          ruleIds: ['BIL-2'],
          fromState: statement.state,
          toState: event.kind,
          actor,
          reason: null,
          data: event,
          occurredAt: at,
        },
      ]);
    },

    async centresToState(month) {
      const rows: { organisation_id: string }[] = await db.query(
        `SELECT DISTINCT s.organisation_id FROM sessions s
          WHERE s.status = 'finalised' AND s.pix_share_cents > 0 AND s.statement_id IS NULL AND to_char(s.date, 'YYYY-MM') <= $1
            AND ${declarable('s.organisation_id', '$1')}
            AND NOT EXISTS (SELECT 1 FROM monthly_statements e WHERE e.organisation_id = s.organisation_id AND e.month = $1) ORDER BY s.organisation_id`,
        [month],
      );
      return rows.map((r) => r.organisation_id);
    },

    async declarableSessions(organisationId, month): Promise<PayingSession[]> {
      const sessions: { id: string; date: string; candidates_who_sat: number | null; price_cents: number; pix_share_cents: number }[] =
        await db.query(
          `SELECT s.id, to_char(s.date, 'YYYY-MM-DD') AS date, s.candidates_who_sat, s.price_cents, s.pix_share_cents FROM sessions s WHERE ${declarable('$1', '$2')}`,
          [organisationId, month],
        );
      // Conv annexe 1: « le nombre de candidats ayant participé à la session » (reported at finalisation); the
      // amounts are « le prix global facturé aux candidats » and Pix's share of it, as priced when registered.
      return sessions.map((s) => ({
        sessionId: s.id,
        date: s.date,
        candidates: s.candidates_who_sat ?? 0,
        priceCents: s.price_cents,
        pixShareCents: s.pix_share_cents,
      }));
    },

    async lockCentreStatements(organisationIds) {
      // One after the other in the ids' order (unnest keeps the array's): two writers never wait on each other crosswise.
      await db.query(`SELECT count(pg_advisory_xact_lock(hashtext('monthly_statements'), hashtext(id))) FROM unnest($1::text[]) AS id`, [
        [...new Set(organisationIds)].sort(),
      ]);
    },

    async lockOpenStatements(organisationIds) {
      return db.query(
        `SELECT id, organisation_id AS "organisationId", month FROM monthly_statements
          WHERE organisation_id = ANY($1::uuid[]) AND state = 'prepared' ORDER BY organisation_id, month FOR UPDATE`,
        [[...new Set(organisationIds)]],
      );
    },

    async writeLines(statementId, { lines, totals }) {
      await db.query(
        `UPDATE monthly_statements SET lines = $2, candidates = $3, price_excl_vat_cents = $4, price_incl_vat_cents = $5, pix_share_excl_vat_cents = $6, pix_share_incl_vat_cents = $7
          WHERE id = $1 AND state = 'prepared'`,
        [
          statementId,
          JSON.stringify(lines),
          totals.candidates,
          totals.priceExclVatCents,
          totals.priceInclVatCents,
          totals.pixShareExclVatCents,
          totals.pixShareInclVatCents,
        ],
      );
    },

    async existingStatements(pairs) {
      const rows: { organisation_id: string; month: string }[] = await db.query(
        `SELECT organisation_id, month FROM monthly_statements WHERE (organisation_id, month) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
        [pairs.map((p) => p.organisationId), pairs.map((p) => p.month)],
      );
      return rows.map((r): OrganisationMonth => ({ organisationId: r.organisation_id, month: r.month }));
    },

    async statementRecipient(organisationId) {
      const [org]: { name: string; email: string }[] = await db.query('SELECT name, email FROM organisations WHERE id = $1', [
        organisationId,
      ]);
      return org;
    },

    async insertPreparedStatement(statement, { lines, totals }) {
      await db.query(
        `INSERT INTO monthly_statements (id, organisation_id, month, state, due_at, lines, candidates, price_excl_vat_cents, price_incl_vat_cents,
                                         pix_share_excl_vat_cents, pix_share_incl_vat_cents, prepared_at)
         VALUES ($1, $2, $3, 'prepared', $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (organisation_id, month) DO NOTHING`,
        [
          statement.id,
          statement.organisationId,
          statement.month,
          statement.dueAt,
          JSON.stringify(lines),
          totals.candidates,
          totals.priceExclVatCents,
          totals.priceInclVatCents,
          totals.pixShareExclVatCents,
          totals.pixShareInclVatCents,
          statement.preparedAt,
        ],
      );
    },

    async applyAmountsPayableNow(organisationId, month, day) {
      // Due by the end of the day it is prepared (or of the payable day, if later), Paris.
      await db.query(
        `UPDATE monthly_statements st SET payable_on = o.amounts_payable_on, payable_rule_id = o.amounts_payable_rule_id,
                due_at = LEAST(st.due_at, ((GREATEST(o.amounts_payable_on, $3::date) + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond')
           FROM organisations o WHERE o.id = st.organisation_id AND st.organisation_id = $1 AND st.month = $2 AND st.state = 'prepared'
            AND st.payable_on IS NULL AND o.amounts_payable_on IS NOT NULL`,
        [organisationId, month, day],
      );
    },

    async findMonthStatement(organisationId, month): Promise<MonthStatement | undefined> {
      const [r]: (TotalsRow & { id: string; state: string; due_at: Date; lines: StatementLine[] })[] = await db.query(
        'SELECT id, state, due_at, lines, candidates, price_excl_vat_cents, price_incl_vat_cents, pix_share_excl_vat_cents, pix_share_incl_vat_cents FROM monthly_statements WHERE organisation_id = $1 AND month = $2',
        [organisationId, month],
      );
      return r && { id: r.id, state: r.state, dueAt: r.due_at, lines: r.lines, totals: totalsOf(r) };
    },

    async logStatementPrepared(statementId, data, at) {
      await appendToLog(transactionManager(db), [
        {
          eventKey: `statement:${statementId}:prepared`,
          streamType: STATEMENT_STREAM,
          streamId: statementId,
          type: 'statement-prepared',
          ruleIds: ['BIL-1'],
          fromState: null,
          toState: 'prepared',
          actor: 'system',
          reason: null,
          data,
          occurredAt: at,
        },
      ]);
    },

    async lockForSending(statementId) {
      const [r]: { due_at: Date; state: string; sent_at: Date | null; late: boolean }[] = await db.query(
        'SELECT due_at, state, sent_at, late FROM monthly_statements WHERE id = $1 FOR UPDATE',
        [statementId],
      );
      return r && { dueAt: r.due_at, state: r.state, sentAt: r.sent_at, late: r.late };
    },

    async statementMonth(statementId) {
      const [r]: { organisation_id: string; month: string }[] = await db.query(
        'SELECT organisation_id, month FROM monthly_statements WHERE id = $1',
        [statementId],
      );
      return r && { organisationId: r.organisation_id, month: r.month };
    },

    async markSent(statementId, sentAt, late, sessionIds) {
      await db.query(`UPDATE monthly_statements SET state = 'sent', sent_at = $2, late = $3 WHERE id = $1`, [statementId, sentAt, late]);
      await db.query(`UPDATE sessions SET statement_id = $1 WHERE id = ANY($2) AND statement_id IS NULL`, [statementId, sessionIds]);
    },

    async logStatementSent(statementId, late, actor, sentAt) {
      await appendToLog(transactionManager(db), [
        {
          eventKey: `statement:${statementId}:sent`,
          streamType: STATEMENT_STREAM,
          streamId: statementId,
          type: 'statement-sent',
          ruleIds: ['BIL-1'],
          fromState: 'prepared',
          toState: 'sent',
          actor,
          reason: null,
          data: { late },
          occurredAt: sentAt,
        },
      ]);
    },

    async recordReminder(statementId, n) {
      await db.query('UPDATE monthly_statements SET reminders_sent = GREATEST(reminders_sent, $2) WHERE id = $1', [statementId, n]);
    },
  };
}
