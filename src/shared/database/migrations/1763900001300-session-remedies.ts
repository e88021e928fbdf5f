import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SES-12: the remedy owed after an incident attributable to the centre (a free new session or a full
 * refund within 5 days), as its follow-up workflow keeps it: the dashboards list those due and overdue.
 */
export class SessionRemedies1763900001300 implements MigrationInterface {
  name = 'SessionRemedies1763900001300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_remedies (
        session_id text PRIMARY KEY,
        organisation_id uuid NOT NULL,
        due_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('awaiting', 'overdue', 'remedied', 'remedied-late', 'unremedied')),
        snapshot jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX session_remedies_open_idx ON session_remedies(due_at) WHERE state IN ('awaiting', 'overdue')`);
    await q.query(`CREATE INDEX session_remedies_organisation_idx ON session_remedies(organisation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_remedies`);
  }
}
