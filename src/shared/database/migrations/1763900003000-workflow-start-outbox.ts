import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workflows to start once the rows they follow are committed (issue 11): written in the same transaction
 * as those rows, deleted once Temporal has the workflow; what a failed call or a stop leaves is started later.
 */
export class WorkflowStartOutbox1763900003000 implements MigrationInterface {
  name = 'WorkflowStartOutbox1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workflow_start_outbox (
        workflow_id text PRIMARY KEY,
        workflow_type text NOT NULL,
        args jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE workflow_start_outbox`);
  }
}
