import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SES-10: the centres' quality record, one row per session whose deadline passed or that was finalised (late or not). */
export class SessionQuality1763900000300 implements MigrationInterface {
  name = 'SessionQuality1763900000300';

  async up(q: QueryRunner): Promise<void> {
    // No foreign key on organisation_id: collèges and lycées (SCO-1) need not be registered here.
    await q.query(`
      CREATE TABLE session_quality (
        session_id text PRIMARY KEY,
        organisation_id uuid NOT NULL,
        deadline_at timestamptz NOT NULL,
        finalised_at timestamptz,
        late boolean NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX session_quality_organisation_idx ON session_quality(organisation_id, deadline_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_quality`);
  }
}
