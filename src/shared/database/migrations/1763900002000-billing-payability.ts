import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * BIL-1: which statement declared a session (set when the statement is sent), so that a session finalised
 * after its month's statement was sent goes on the centre's next statement instead of on none.
 * BIL-2: insolvency proceedings (sauvegarde, redressement, liquidation) recorded by operations on the
 * organisation: no 40 € recovery indemnity on invoices they forbid paying at their due date.
 * SUS-3, TER-5: amounts owed become payable at once: the day (and rule) from which a statement is payable.
 */
export class BillingPayability1763900002000 implements MigrationInterface {
  name = 'BillingPayability1763900002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisations ADD COLUMN insolvency_proceedings boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE organisations ADD COLUMN insolvency_proceedings_on date`);
    // SUS-3, TER-5: from this day (until a suspension is lifted) what the centre owes is payable at once, statements prepared later included.
    await q.query(`ALTER TABLE organisations ADD COLUMN amounts_payable_on date`);
    await q.query(`ALTER TABLE organisations ADD COLUMN amounts_payable_rule_id text`);
    await q.query(`ALTER TABLE sessions ADD COLUMN statement_id uuid`);
    await q.query(
      `CREATE INDEX sessions_undeclared_idx ON sessions(organisation_id, date) WHERE status = 'finalised' AND pix_share_cents > 0 AND statement_id IS NULL`,
    );
    await q.query(`ALTER TABLE monthly_statements ADD COLUMN payable_on date`);
    await q.query(`ALTER TABLE monthly_statements ADD COLUMN payable_rule_id text`);
    await q.query(`CREATE INDEX monthly_statements_unpaid_idx ON monthly_statements(organisation_id) WHERE state <> 'paid'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX monthly_statements_unpaid_idx`);
    await q.query(`ALTER TABLE monthly_statements DROP COLUMN payable_rule_id`);
    await q.query(`ALTER TABLE monthly_statements DROP COLUMN payable_on`);
    await q.query(`DROP INDEX sessions_undeclared_idx`);
    await q.query(`ALTER TABLE sessions DROP COLUMN statement_id`);
    await q.query(`ALTER TABLE organisations DROP COLUMN amounts_payable_rule_id`);
    await q.query(`ALTER TABLE organisations DROP COLUMN amounts_payable_on`);
    await q.query(`ALTER TABLE organisations DROP COLUMN insolvency_proceedings_on`);
    await q.query(`ALTER TABLE organisations DROP COLUMN insolvency_proceedings`);
  }
}
