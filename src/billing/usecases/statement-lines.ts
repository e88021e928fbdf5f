import { statementLines } from '../domain/statement';
import type { StatementContent, StatementsRepository } from './ports';

/**
 * BIL-1: the lines of the centre's statement of `month`, as of now: the finalised paying sessions it declares
 * (held in the month, or carried over: see the statements repository); candidates are those who actually sat (annexe 1).
 */
export async function declarableLines(statements: StatementsRepository, organisationId: string, month: string): Promise<StatementContent> {
  return statementLines(await statements.declarableSessions(organisationId, month));
}

/**
 * BIL-1: recomputes the lines and totals of the centres' statements still open (prepared, not sent): a
 * session finalised after the 1st (late, or held on the month's last evening) joins its month's statement,
 * a carried one moves to the earliest open statement. Locks them, after the centres' statements locks (taken
 * again here for the callers that take no other: a finalisation); call inside the writing transaction.
 * Two statements for any number of centres (a bulk import's chunk), then one per open statement.
 */
export async function refreshOpenStatements(statements: StatementsRepository, organisationIds: readonly string[]): Promise<void> {
  if (organisationIds.length === 0) return;
  await statements.lockCentreStatements(organisationIds);
  const open = await statements.lockOpenStatements(organisationIds);
  for (const st of open) await statements.writeLines(st.id, await declarableLines(statements, st.organisationId, st.month));
}
