import { PARAMETERS } from '../../config/parameters';
import { type Db, transactionManager } from '../../shared/database/db';
import { zonedInstant } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import { ORGANISATION_STREAM, STATEMENT_STREAM } from '../usecases/statement-stream';
import type { PayabilityRepository } from '../usecases/ports';

/** TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected count]. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** The event log is appended on the caller's transaction manager. */

export function payabilityRepository(db: Db): PayabilityRepository {
  return {
    async makeOrganisationsPayableFrom(organisationId, on, ruleId) {
      const [org] = rowsOf<{ id: string }>(
        await db.query(
          `UPDATE organisations SET amounts_payable_on = $2, amounts_payable_rule_id = $3
            WHERE (id = $1 OR network_id = $1) AND (amounts_payable_on IS NULL OR amounts_payable_on > $2) RETURNING id`,
          [organisationId, on, ruleId],
        ),
      );
      return org !== undefined;
    },

    async organisationExists(organisationId) {
      const [exists]: { id: string }[] = await db.query('SELECT id FROM organisations WHERE id = $1', [organisationId]);
      return exists !== undefined;
    },

    async makeStatementsPayableFrom(agrementOrganisationId, on, ruleId, actor) {
      const tx = transactionManager(db);
      const statements = rowsOf<{ id: string; organisation_id: string; month: string; state: string; payable_on: string }>(
        await tx.query(
          `UPDATE monthly_statements
              SET payable_on = $2, payable_rule_id = $3,
                  -- a "by D" deadline passes at the end of D, in Paris (the agrément's zone)
                  due_at = CASE WHEN state = 'prepared' THEN LEAST(due_at, (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond') ELSE due_at END
            WHERE organisation_id IN (SELECT id FROM organisations WHERE id = $1 OR network_id = $1) AND state <> 'paid' AND (payable_on IS NULL OR payable_on > $2)
            RETURNING id, organisation_id, month, state, to_char(payable_on, 'YYYY-MM-DD') AS payable_on`,
          [agrementOrganisationId, on, ruleId],
        ),
      );
      await appendToLog(
        tx,
        statements.map((st) => ({
          eventKey: `statement:${st.id}:payable-at-once:${on}`,
          streamType: STATEMENT_STREAM,
          streamId: st.id,
          type: 'statement-payable-at-once',
          ruleIds: [ruleId, 'BIL-2'],
          fromState: st.state,
          toState: st.state,
          actor,
          reason: null,
          data: { organisationId: st.organisation_id, agrementOrganisationId, month: st.month, payableOn: on },
          occurredAt: zonedInstant(on, PARAMETERS.agrement.timeZone),
        })),
      );
      return statements.map((st) => ({
        id: st.id,
        organisationId: st.organisation_id,
        month: st.month,
        state: st.state,
        payableOn: st.payable_on,
      }));
    },

    async liftSuspensionPayability(organisationId) {
      await db.query(
        `UPDATE organisations SET amounts_payable_on = NULL, amounts_payable_rule_id = NULL WHERE (id = $1 OR network_id = $1) AND amounts_payable_rule_id = 'SUS-3'`,
        [organisationId],
      );
    },

    async lockInsolvencyProceedings(organisationId) {
      const [before]: { insolvency_proceedings: boolean }[] = await db.query(
        'SELECT insolvency_proceedings FROM organisations WHERE id = $1 FOR UPDATE',
        [organisationId],
      );
      return before?.insolvency_proceedings;
    },

    async recordInsolvencyProceedings(organisationId, change, before, actor, at) {
      const tx = transactionManager(db);
      await tx.query('UPDATE organisations SET insolvency_proceedings = $2, insolvency_proceedings_on = $3 WHERE id = $1', [
        organisationId,
        change.insolvencyProceedings,
        change.openedOn,
      ]);
      await appendToLog(tx, [
        {
          eventKey: `organisation:${organisationId}:insolvency:${at.toISOString()}`,
          streamType: ORGANISATION_STREAM,
          streamId: organisationId,
          type: change.insolvencyProceedings ? 'insolvency-proceedings-recorded' : 'insolvency-proceedings-closed',
          ruleIds: ['BIL-2'],
          fromState: before ? 'insolvency-proceedings' : null,
          toState: change.insolvencyProceedings ? 'insolvency-proceedings' : null,
          actor,
          reason: null,
          data: { organisationId, insolvencyProceedings: change.insolvencyProceedings, openedOn: change.openedOn },
          occurredAt: at,
        },
      ]);
    },
  };
}
