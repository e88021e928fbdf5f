import type { EntityManager } from 'typeorm';
import { isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { PARAMETERS } from '../../config/parameters';
import { zonedInstant } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import { STATEMENT_STREAM } from './statement-stream';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';

/** The rules that make what a centre owes payable at once. */
export const PAYABLE_AT_ONCE_RULES = ['SUS-3', 'TER-5'] as const;
export type PayableAtOnceRule = (typeof PAYABLE_AT_ONCE_RULES)[number];

export const ORGANISATION_STREAM = 'organisation';

function checkDate(field: string, value: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || isoDate(parseIsoDate(value)) !== value) throw new InvalidCommand(field, `${field} must be an ISO date YYYY-MM-DD (got ${value})`);
}

/** TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected count]. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

export interface AmountsPayableNow {
  organisationId: string;
  on: string;
  ruleId: PayableAtOnceRule;
  /** The statements whose due date this call brought forward (none on a repeated call). */
  statements: Array<{ id: string; month: string; state: string; payableOn: string }>;
}

/**
 * SUS-3 (Conv art. 25), TER-5 (Conv art. 27.1): when the agrément is suspended or ends, every sum owed to
 * Pix becomes payable at once. From `on` (the day of the suspension or of the end, Europe/Paris):
 * - each statement of the organisation not yet paid is payable on `on`: a statement not yet sent is due by
 *   the end of that day (no longer the 5th), an invoice is due that day (or on its issue day when issued
 *   later) instead of 30 days after issue, so BIL-2 interest runs from the day after;
 * - statements prepared later (the sessions held before the end) are payable at once too, until
 *   `liftAmountsPayableNow` (a suspension lifted, SUS-4).
 * `organisationId` is the agrément's organisation: for a network (SUS-6), its coordinating entity, whose
 * member centres' statements are covered too. Idempotent: a second call with the same or a later day
 * changes nothing; an earlier day wins.
 */
export async function makeAmountsPayableNow(deps: Pick<ApplicationDeps, 'db'>, input: { organisationId: string; on: string; ruleId: PayableAtOnceRule; actor?: string }): Promise<AmountsPayableNow> {
  checkDate('on', input.on);
  if (!(PAYABLE_AT_ONCE_RULES as readonly string[]).includes(input.ruleId)) throw new InvalidCommand('ruleId', `ruleId must be one of ${PAYABLE_AT_ONCE_RULES.join(', ')}`);
  return deps.db.transaction(async (m) => {
    const [org] = rowsOf<{ id: string }>(await m.query(
      `UPDATE organisations SET amounts_payable_on = $2, amounts_payable_rule_id = $3
        WHERE (id = $1 OR network_id = $1) AND (amounts_payable_on IS NULL OR amounts_payable_on > $2) RETURNING id`,
      [input.organisationId, input.on, input.ruleId],
    ));
    if (!org) {
      const [exists]: { id: string }[] = await m.query('SELECT id FROM organisations WHERE id = $1', [input.organisationId]);
      if (!exists) throw new NotFound(`organisation ${input.organisationId} not found`, { organisationId: input.organisationId });
    }
    const statements = rowsOf<{ id: string; organisation_id: string; month: string; state: string; payable_on: string }>(await m.query(
      `UPDATE monthly_statements
          SET payable_on = $2, payable_rule_id = $3,
              -- a "by D" deadline passes at the end of D, in Paris (the agrément's zone)
              due_at = CASE WHEN state = 'prepared' THEN LEAST(due_at, (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond') ELSE due_at END
        WHERE organisation_id IN (SELECT id FROM organisations WHERE id = $1 OR network_id = $1) AND state <> 'paid' AND (payable_on IS NULL OR payable_on > $2)
        RETURNING id, organisation_id, month, state, to_char(payable_on, 'YYYY-MM-DD') AS payable_on`,
      [input.organisationId, input.on, input.ruleId],
    ));
    await appendToLog(
      m,
      statements.map((st) => ({
        eventKey: `statement:${st.id}:payable-at-once:${input.on}`,
        streamType: STATEMENT_STREAM,
        streamId: st.id,
        type: 'statement-payable-at-once',
        ruleIds: [input.ruleId, 'BIL-2'],
        fromState: st.state,
        toState: st.state,
        actor: input.actor ?? 'system',
        reason: null,
        data: { organisationId: st.organisation_id, agrementOrganisationId: input.organisationId, month: st.month, payableOn: input.on },
        occurredAt: zonedInstant(input.on, PARAMETERS.agrement.timeZone),
      })),
    );
    return { organisationId: input.organisationId, on: input.on, ruleId: input.ruleId, statements: statements.map((st) => ({ id: st.id, month: st.month, state: st.state, payableOn: st.payable_on })) };
  });
}

/**
 * SUS-4: the suspension is lifted: statements prepared from now on follow the normal terms again (BIL-1,
 * BIL-2). What became payable at once during the suspension stays so (SUS-3). Idempotent; never undoes TER-5.
 */
export async function liftAmountsPayableNow(deps: Pick<ApplicationDeps, 'db'>, input: { organisationId: string }): Promise<void> {
  await deps.db.query(`UPDATE organisations SET amounts_payable_on = NULL, amounts_payable_rule_id = NULL WHERE (id = $1 OR network_id = $1) AND amounts_payable_rule_id = 'SUS-3'`, [input.organisationId]);
}

/**
 * BIL-2: operations record that insolvency proceedings (sauvegarde, redressement, liquidation judiciaire)
 * were opened for the organisation (or closed: false). Invoices due on or after the opening then carry no
 * 40 € recovery indemnity; late interest is unchanged (see lateInterest). Audited in the event log.
 */
export async function setInsolvencyProceedings(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  organisationId: string,
  body: { insolvencyProceedings: boolean; openedOn?: string | null },
  actor: string,
) {
  if (body.openedOn) checkDate('openedOn', body.openedOn);
  const openedOn = body.insolvencyProceedings ? (body.openedOn ?? null) : null;
  return deps.db.transaction(async (m: EntityManager) => {
    const [before]: { insolvency_proceedings: boolean }[] = await m.query('SELECT insolvency_proceedings FROM organisations WHERE id = $1 FOR UPDATE', [organisationId]);
    if (!before) throw new NotFound(`organisation ${organisationId} not found`, { organisationId });
    await m.query('UPDATE organisations SET insolvency_proceedings = $2, insolvency_proceedings_on = $3 WHERE id = $1', [organisationId, body.insolvencyProceedings, openedOn]);
    const at = deps.now();
    await appendToLog(m, [
      {
        eventKey: `organisation:${organisationId}:insolvency:${at.toISOString()}`,
        streamType: ORGANISATION_STREAM,
        streamId: organisationId,
        type: body.insolvencyProceedings ? 'insolvency-proceedings-recorded' : 'insolvency-proceedings-closed',
        ruleIds: ['BIL-2'],
        fromState: before.insolvency_proceedings ? 'insolvency-proceedings' : null,
        toState: body.insolvencyProceedings ? 'insolvency-proceedings' : null,
        actor,
        reason: null,
        data: { organisationId, insolvencyProceedings: body.insolvencyProceedings, openedOn },
        occurredAt: at,
      },
    ]);
    return { organisationId, insolvencyProceedings: body.insolvencyProceedings, openedOn };
  });
}
