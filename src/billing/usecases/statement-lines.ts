import type { EntityManager } from 'typeorm';
import { statementLines, type StatementLine } from '../domain/statement';

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

/** BIL-1: the centres that have something to declare on their statement of `month` and no statement of it yet. */
export async function centresToState(m: Pick<EntityManager, 'query'>, month: string): Promise<string[]> {
  const rows: { organisation_id: string }[] = await m.query(
    `SELECT DISTINCT s.organisation_id FROM sessions s
      WHERE s.status = 'finalised' AND s.pix_share_cents > 0 AND s.statement_id IS NULL AND to_char(s.date, 'YYYY-MM') <= $1
        AND ${declarable('s.organisation_id', '$1')}
        AND NOT EXISTS (SELECT 1 FROM monthly_statements e WHERE e.organisation_id = s.organisation_id AND e.month = $1) ORDER BY s.organisation_id`,
    [month],
  );
  return rows.map((r) => r.organisation_id);
}

/** BIL-1: the lines of the centre's statement of `month`, as of now; candidates are those who actually sat (annexe 1). */
export async function declarableLines(m: Pick<EntityManager, 'query'>, organisationId: string, month: string) {
  const sessions: { id: string; date: string; candidates_who_sat: number | null; price_cents: number; pix_share_cents: number }[] = await m.query(
    `SELECT s.id, to_char(s.date, 'YYYY-MM-DD') AS date, s.candidates_who_sat, s.price_cents, s.pix_share_cents FROM sessions s WHERE ${declarable('$1', '$2')}`,
    [organisationId, month],
  );
  // Conv annexe 1: « le nombre de candidats ayant participé à la session » (reported at finalisation); the
  // amounts are « le prix global facturé aux candidats » and Pix's share of it, as priced when registered.
  return statementLines(sessions.map((s) => ({ sessionId: s.id, date: s.date, candidates: s.candidates_who_sat ?? 0, priceCents: s.price_cents, pixShareCents: s.pix_share_cents })));
}

/**
 * BIL-1: recomputes the lines and totals of the centre's statements still open (prepared, not sent): a
 * session finalised after the 1st (late, or held on the month's last evening) joins its month's statement,
 * a carried one moves to the earliest open statement. Locks them; call inside the writing transaction.
 */
export async function refreshOpenStatements(m: Pick<EntityManager, 'query'>, organisationId: string): Promise<void> {
  const open: { id: string; month: string }[] = await m.query(
    `SELECT id, month FROM monthly_statements WHERE organisation_id = $1 AND state = 'prepared' ORDER BY month FOR UPDATE`,
    [organisationId],
  );
  for (const st of open) await writeLines(m, st.id, await declarableLines(m, organisationId, st.month));
}

export async function writeLines(m: Pick<EntityManager, 'query'>, statementId: string, { lines, totals }: { lines: StatementLine[]; totals: Omit<StatementLine, 'sessionId' | 'date'> }): Promise<void> {
  await m.query(
    `UPDATE monthly_statements SET lines = $2, candidates = $3, price_excl_vat_cents = $4, price_incl_vat_cents = $5, pix_share_excl_vat_cents = $6, pix_share_incl_vat_cents = $7
      WHERE id = $1 AND state = 'prepared'`,
    [statementId, JSON.stringify(lines), totals.candidates, totals.priceExclVatCents, totals.priceInclVatCents, totals.pixShareExclVatCents, totals.pixShareInclVatCents],
  );
}
