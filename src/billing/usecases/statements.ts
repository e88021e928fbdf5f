import { WorkflowNotFoundError } from '@temporalio/client';
import { PARAMETERS } from '../../config/parameters';
import { assertTransition, lateInterest, paymentDueOn } from '../domain/statement';
import { ECB_RATES } from '../rules/ecb-rates';
import { NotFound, TransitionRefused } from '../../shared/domain/errors';
import { dateIn } from '../../shared/domain/zoned-time';
import { markStatementSentUpdate, statementWorkflowId } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { translateWorkflowError } from '../../shared/usecases/workflow-errors';
import { statementsRepository } from '../infra/statements.repository';
import type { InvoiceEvent, StatementRecord, StatementsRepository } from './ports';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

function view(r: StatementRecord, today: string, withLines: boolean) {
  // BIL-2: interest accrued until payment, or as of today while unpaid; due earlier under SUS-3/TER-5; no
  // indemnity when insolvency proceedings forbid paying at the due date.
  const insolvency = { proceedings: r.insolvencyProceedings, openedOn: r.insolvencyProceedingsOn };
  const late =
    r.invoiceIssuedOn && r.invoiceAmountCents !== null
      ? lateInterest(r.invoiceAmountCents, r.invoiceIssuedOn, r.paidOn ?? today, ECB_RATES, { payableOn: r.payableOn, insolvency })
      : null;
  return {
    id: r.id,
    organisationId: r.organisationId,
    organisationName: r.organisationName,
    agrementId: r.agrementId,
    month: r.month,
    state: r.state,
    dueAt: r.dueAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    sentLate: r.late,
    remindersSent: r.remindersSent,
    totals: {
      candidates: r.totals.candidates,
      priceExclVatEur: r.totals.priceExclVatCents / 100,
      priceInclVatEur: r.totals.priceInclVatCents / 100,
      pixShareExclVatEur: r.totals.pixShareExclVatCents / 100,
      pixShareInclVatEur: r.totals.pixShareInclVatCents / 100,
    },
    // SUS-3, TER-5: the day from which what the statement declares is payable at once, and the rule.
    payableAtOnce: r.payableOn ? { on: r.payableOn, ruleId: r.payableRuleId } : null,
    invoice: r.invoiceIssuedOn
      ? {
          issuedOn: r.invoiceIssuedOn,
          amountEur: (r.invoiceAmountCents ?? 0) / 100,
          dueOn: paymentDueOn(r.invoiceIssuedOn, r.payableOn),
          paidOn: r.paidOn,
        }
      : null,
    insolvencyProceedings: r.insolvencyProceedings ? { openedOn: r.insolvencyProceedingsOn } : null,
    lateInterest: late
      ? {
          asOf: r.paidOn ?? today,
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

async function row(deps: Pick<ApplicationDeps, 'db'>, id: string, organisationIds?: string[]): Promise<StatementRecord> {
  const r = await statementsRepository(deps.db).findStatement(id);
  if (!r || (organisationIds && !organisationIds.includes(r.organisationId)))
    throw new NotFound(`statement ${id} not found`, { statementId: id });
  return r;
}

export async function getStatement(deps: Pick<ApplicationDeps, 'db' | 'now'>, id: string, organisationIds?: string[]) {
  return view(await row(deps, id, organisationIds), today(deps), true);
}

export async function listStatements(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  q: { organisationIds?: string[]; month?: string; state?: string; overdue?: boolean; limit: number; offset: number },
) {
  const statements = statementsRepository(deps.db);
  const filter = { organisationIds: q.organisationIds, month: q.month, state: q.state, overdueAt: q.overdue ? deps.now() : undefined };
  const total = await statements.countStatements(filter);
  const rows = await statements.listStatements(filter, { limit: q.limit, offset: q.offset });
  return { total, limit: q.limit, offset: q.offset, items: rows.map((r) => view(r, today(deps), false)) };
}

/** BIL-1: the centre (or operations) reports the statement sent: its workflow records it and stops reminding. */
export async function markSent(deps: ApplicationDeps, id: string, actor: string, organisationIds?: string[]) {
  const r = await row(deps, id, organisationIds);
  assertTransition(r.state, 'sent');
  try {
    const handle = deps.temporal.workflow.getHandle(statementWorkflowId(r.organisationId, r.month));
    await withinWorkflowBudget(handle, () => handle.executeUpdate(markStatementSentUpdate, { args: [{ actor }], updateId: `sent:${id}` }));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new TransitionRefused('BIL-1', `the statement's workflow is not running`);
    throw translateWorkflowError(err, () => new TransitionRefused('BIL-1', 'the statement was already sent'));
  }
  return getStatement(deps, id);
}

/** BIL-2: Pix records its invoice (from the statement), then the payment; interest and indemnity follow from the dates. */
export async function recordInvoiceEvent(deps: Pick<ApplicationDeps, 'db' | 'now'>, id: string, event: InvoiceEvent, actor: string) {
  await deps.db.transaction((m) => applyInvoiceEvent(statementsRepository(m), id, event, actor, () => deps.now()));
  return getStatement(deps, id);
}

/** The core of recordInvoiceEvent, over its repository (the caller's transaction). */
export async function applyInvoiceEvent(
  statements: StatementsRepository,
  id: string,
  event: InvoiceEvent,
  actor: string,
  now: () => Date,
): Promise<void> {
  const r = await statements.lockStatement(id);
  if (!r) throw new NotFound(`statement ${id} not found`, { statementId: id });
  assertTransition(r.state, event.kind);
  if (event.kind === 'paid' && r.invoiceIssuedOn && event.paidOn < r.invoiceIssuedOn)
    throw new TransitionRefused('BIL-2', `paid on ${event.paidOn}, before the invoice of ${r.invoiceIssuedOn}`);
  await statements.recordInvoiceEvent(r, event, actor, now());
}
