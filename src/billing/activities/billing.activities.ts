import type { DataSource } from 'typeorm';
import { statementsRepository } from '../infra/statements.repository';
import { type AmountsPayableNow, liftAmountsPayableNow, makeAmountsPayableNow, type PayableAtOnceRule } from '../usecases/payability';
import { markStatementSent, prepareStatement, type PreparedStatement } from '../usecases/statement-lifecycle';

export type { PreparedStatement } from '../usecases/statement-lifecycle';

/** Thin, idempotent activities of the BIL-1 statement workflows. */
export function createBillingActivities({ db }: { db: DataSource }) {
  return {
    /** BIL-1: the centres with paying finalised sessions held in `month` (their venue's date), or carried over to it. */
    async centresWithPayingSessions(month: string): Promise<string[]> {
      return statementsRepository(db).centresToState(month);
    },

    /**
     * Prepares (once) the centre's statement of `month`: its paying sessions, totals excl./incl. VAT. A re-run
     * (or a late start, BIL-1) recomputes the lines while the statement is still open.
     */
    async prepareStatement(input: { organisationId: string; month: string; at: string }): Promise<PreparedStatement> {
      return db.transaction((m) => prepareStatement(statementsRepository(m), input));
    },

    /** BIL-1: the statement is sent (late when after its due instant); idempotent. */
    async markStatementSent(input: { statementId: string; sentAt: string; actor: string }): Promise<{ late: boolean }> {
      return db.transaction((m) => markStatementSent(statementsRepository(m), input));
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
      await statementsRepository(db).recordReminder(input.statementId, input.n);
    },
  };
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;
