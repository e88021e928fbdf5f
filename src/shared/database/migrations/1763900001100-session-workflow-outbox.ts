import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SES-10 outbox: what a committed session change means for its workflow (start, move, cancel,
 * finalise) is written in the same transaction as the row, applied after the commit and then deleted.
 * A step that could not reach Temporal stays and is retried, in order per session, so a planned
 * session never stays without its finalisation deadline.
 */
export class SessionWorkflowOutbox1763900001100 implements MigrationInterface {
  name = 'SessionWorkflowOutbox1763900001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_workflow_outbox (
        id bigserial PRIMARY KEY,
        session_id text NOT NULL,
        step jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX session_workflow_outbox_session_idx ON session_workflow_outbox(session_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_workflow_outbox`);
  }
}
