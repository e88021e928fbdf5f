import { WorkflowNotFoundError } from '@temporalio/client';
import { PARAMETERS } from '../../config/parameters';
import { assertTransition, lateInterest, paymentDueOn, type StatementState } from '../domain/statement';
import { ECB_RATES } from '../rules/ecb-rates';
import { NotFound, TransitionRefused } from '../../shared/domain/errors';
import { dateIn } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import { STATEMENT_STREAM } from './statement-stream';
import { markStatementSentUpdate, statementWorkflowId } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { translateWorkflowError } from '../../shared/usecases/workflow-errors';

interface Row {
  id: string;
  organisation_id: string;
  name: string;
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
  o.insolvency_proceedings, to_char(o.insolvency_proceedings_on, 'YYYY-MM-DD') AS insolvency_proceedings_on
  FROM monthly_statements s JOIN organisations o ON o.id = s.organisation_id`;

function view(r: Row, today: string, withLines: boolean) {
  // BIL-2: interest accrued until payment, or as of today while unpaid; due earlier under SUS-3/TER-5; no
  // indemnity when insolvency proceedings forbid paying at the due date.
  const insolvency = { proceedings: r.insolvency_proceedings, openedOn: r.insolvency_proceedings_on };
  const late =
    r.invoice_issued_on && r.invoice_amount_cents !== null ? lateInterest(r.invoice_amount_cents, r.invoice_issued_on, r.paid_on ?? today, ECB_RATES, { payableOn: r.payable_on, insolvency }) : null;
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.name,
    month: r.month,
    state: r.state,
    dueAt: r.due_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
    sentLate: r.late,
    remindersSent: r.reminders_sent,
    totals: {
      candidates: r.candidates,
      priceExclVatEur: r.price_excl_vat_cents / 100,
      priceInclVatEur: r.price_incl_vat_cents / 100,
      pixShareExclVatEur: r.pix_share_excl_vat_cents / 100,
      pixShareInclVatEur: r.pix_share_incl_vat_cents / 100,
    },
    // SUS-3, TER-5: the day from which what the statement declares is payable at once, and the rule.
    payableAtOnce: r.payable_on ? { on: r.payable_on, ruleId: r.payable_rule_id } : null,
    invoice: r.invoice_issued_on ? { issuedOn: r.invoice_issued_on, amountEur: (r.invoice_amount_cents ?? 0) / 100, dueOn: paymentDueOn(r.invoice_issued_on, r.payable_on), paidOn: r.paid_on } : null,
    insolvencyProceedings: r.insolvency_proceedings ? { openedOn: r.insolvency_proceedings_on } : null,
    lateInterest: late
      ? {
          asOf: r.paid_on ?? today,
          dueOn: late.dueOn,
          runsFrom: late.runsFrom,
          daysLate: late.daysLate,
          periods: late.periods.map((p) => ({ ...p, interestEur: p.interestCents / 100 })),
          interestEur: late.interestCents / 100,
          indemnityEur: late.indemnityCents / 100,
          indemnityWaived: late.indemnityWaived,
          totalEur: late.totalCents / 100,
        }
      : null,
    ...(withLines ? { lines: r.lines } : {}),
  };
}

const today = (deps: Pick<ApplicationDeps, 'now'>) => dateIn(deps.now(), PARAMETERS.agrement.timeZone);

async function row(deps: Pick<ApplicationDeps, 'db'>, id: string, organisationIds?: string[]): Promise<Row> {
  const [r]: Row[] = await deps.db.query(`${SELECT} WHERE s.id = $1`, [id]);
  if (!r || (organisationIds && !organisationIds.includes(r.organisation_id))) throw new NotFound(`statement ${id} not found`, { statementId: id });
  return r;
}

export async function getStatement(deps: Pick<ApplicationDeps, 'db' | 'now'>, id: string, organisationIds?: string[]) {
  return view(await row(deps, id, organisationIds), today(deps), true);
}

export async function listStatements(deps: Pick<ApplicationDeps, 'db' | 'now'>, q: { organisationIds?: string[]; month?: string; state?: string; limit: number; offset: number }) {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
  if (q.organisationIds) add('s.organisation_id = ANY(?)', q.organisationIds);
  if (q.month) add('s.month = ?', q.month);
  if (q.state) add('s.state = ?', q.state);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ total }]: { total: number }[] = await deps.db.query(`SELECT count(*)::int AS total FROM monthly_statements s ${clause}`, params);
  const rows: Row[] = await deps.db.query(`${SELECT} ${clause} ORDER BY s.month DESC, o.name LIMIT ${Number(q.limit)} OFFSET ${Number(q.offset)}`, params);
  return { total, limit: q.limit, offset: q.offset, items: rows.map((r) => view(r, today(deps), false)) };
}

/** BIL-1: the centre (or operations) reports the statement sent: its workflow records it and stops reminding. */
export async function markSent(deps: ApplicationDeps, id: string, actor: string, organisationIds?: string[]) {
  const r = await row(deps, id, organisationIds);
  assertTransition(r.state, 'sent');
  try {
    await deps.temporal.workflow.getHandle(statementWorkflowId(r.organisation_id, r.month)).executeUpdate(markStatementSentUpdate, { args: [{ actor }], updateId: `sent:${id}` });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new TransitionRefused('BIL-1', `the statement's workflow is not running`);
    throw translateWorkflowError(err, () => new TransitionRefused('BIL-1', 'the statement was already sent'));
  }
  return getStatement(deps, id);
}

/** BIL-2: Pix records its invoice (from the statement), then the payment; interest and indemnity follow from the dates. */
export async function recordInvoiceEvent(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  id: string,
  event: { kind: 'invoiced'; issuedOn: string; amountEur: number } | { kind: 'paid'; paidOn: string },
  actor: string,
) {
  await deps.db.transaction(async (m) => {
    const [r]: Row[] = await m.query(`${SELECT} WHERE s.id = $1 FOR UPDATE OF s`, [id]);
    if (!r) throw new NotFound(`statement ${id} not found`, { statementId: id });
    assertTransition(r.state, event.kind);
    if (event.kind === 'invoiced') {
      await m.query(`UPDATE monthly_statements SET state = 'invoiced', invoice_issued_on = $2, invoice_amount_cents = $3 WHERE id = $1`, [id, event.issuedOn, Math.round(event.amountEur * 100)]);
    } else {
      if (r.invoice_issued_on && event.paidOn < r.invoice_issued_on) throw new TransitionRefused('BIL-2', `paid on ${event.paidOn}, before the invoice of ${r.invoice_issued_on}`);
      await m.query(`UPDATE monthly_statements SET state = 'paid', paid_on = $2 WHERE id = $1`, [id, event.paidOn]);
    }
    await appendToLog(m, [
      {
        eventKey: `statement:${id}:${event.kind}`,
        streamType: STATEMENT_STREAM,
        streamId: id,
        type: `statement-${event.kind}`,
        ruleIds: ['BIL-2'],
        fromState: r.state,
        toState: event.kind,
        actor,
        reason: null,
        data: event,
        occurredAt: deps.now(),
      },
    ]);
  });
  return getStatement(deps, id);
}
