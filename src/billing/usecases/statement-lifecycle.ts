import { randomUUID } from 'node:crypto';
import { PARAMETERS } from '../../config/parameters';
import { NotFound } from '../../shared/domain/errors';
import { dateIn } from '../../shared/domain/zoned-time';
import { statementDueAt, type StatementLine } from '../domain/statement';
import type { StatementsRepository, StatementTotals } from './ports';
import { declarableLines, refreshOpenStatements } from './statement-lines';

/** What the statement workflow mails the centre (BIL-1). */
export interface PreparedStatement {
  id: string;
  organisationId: string;
  organisationName: string;
  email: string;
  month: string;
  dueAt: string;
  lines: StatementLine[];
  totals: StatementTotals;
  state: string;
}

/**
 * BIL-1: prepares (once) the centre's statement of `month`: its paying sessions, totals excl./incl. VAT. A re-run
 * (or a late start) recomputes the lines while the statement is still open. Runs in the caller's transaction.
 */
export async function prepareStatement(
  statements: StatementsRepository,
  input: { organisationId: string; month: string; at: string },
): Promise<PreparedStatement> {
  const org = await statements.statementRecipient(input.organisationId);
  if (!org) throw new NotFound(`organisation ${input.organisationId} not found`, { organisationId: input.organisationId });
  await statements.lockCentreStatements([input.organisationId]);
  const content = await declarableLines(statements, input.organisationId, input.month);
  const dueAt = statementDueAt(input.month);
  await statements.insertPreparedStatement(
    { id: randomUUID(), organisationId: input.organisationId, month: input.month, dueAt, preparedAt: input.at },
    content,
  );
  // SUS-3, TER-5: prepared once amounts are payable at once (an end, a suspension not yet lifted): due at
  // once too, by the end of the day it is prepared (or of the payable day, if later), Paris.
  await statements.applyAmountsPayableNow(input.organisationId, input.month, dateIn(new Date(input.at), PARAMETERS.agrement.timeZone));
  // A statement the centre already sent stays as sent; the open ones (this one included) follow the sessions finalised since.
  await refreshOpenStatements(statements, [input.organisationId]);
  const r = (await statements.findMonthStatement(input.organisationId, input.month))!;
  await statements.logStatementPrepared(
    r.id,
    {
      organisationId: input.organisationId,
      month: input.month,
      sessions: content.lines.length,
      pixShareInclVatCents: content.totals.pixShareInclVatCents,
    },
    new Date(input.at),
  );
  return {
    id: r.id,
    organisationId: input.organisationId,
    organisationName: org.name,
    email: org.email,
    month: input.month,
    dueAt: r.dueAt.toISOString(),
    lines: r.lines,
    totals: r.totals,
    state: r.state,
  };
}

/**
 * BIL-1: the statement is sent (late when after its due instant); idempotent. What the centre sends is the
 * statement as of now (sessions finalised since the 1st included); its sessions are then frozen on it, and
 * any finalised later is carried to the next open statement. Runs in the caller's transaction.
 */
export async function markStatementSent(
  statements: StatementsRepository,
  input: { statementId: string; sentAt: string; actor: string },
): Promise<{ late: boolean }> {
  const statement = await statements.statementMonth(input.statementId);
  if (!statement) throw new NotFound(`statement ${input.statementId} not found`, { statementId: input.statementId });
  const { organisationId, month } = statement;
  // The centre's lock before the statement's row: another of its statements sent meanwhile waits here, not in a deadlock.
  await statements.lockCentreStatements([organisationId]);
  const row = (await statements.lockForSending(input.statementId))!;
  if (row.state !== 'prepared') return { late: row.late };
  const late = new Date(input.sentAt).getTime() > row.dueAt.getTime();
  const current = await declarableLines(statements, organisationId, month);
  await statements.writeLines(input.statementId, current);
  await statements.markSent(
    input.statementId,
    input.sentAt,
    late,
    current.lines.map((l) => l.sessionId),
  );
  await refreshOpenStatements(statements, [organisationId]);
  await statements.logStatementSent(input.statementId, late, input.actor, new Date(input.sentAt));
  return { late };
}
