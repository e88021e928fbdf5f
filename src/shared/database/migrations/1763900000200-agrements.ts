import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of the agréments (AGR, REF, QUO, SUS, BRE, TER): state, term and every pending deadline. */
export class Agrements1763900000200 implements MigrationInterface {
  name = 'Agrements1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agrements (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        kind text NOT NULL CHECK (kind IN ('centre', 'network')),
        state text NOT NULL,
        start_on date NOT NULL,
        term_on date NOT NULL,
        first_grant_on date NOT NULL,
        candidates integer NOT NULL DEFAULT 0,
        next_deadline_at timestamptz,
        snapshot jsonb NOT NULL,
        deadlines jsonb NOT NULL DEFAULT '[]',
        version integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX agrements_state_idx ON agrements(state)`);
    await q.query(`CREATE INDEX agrements_next_deadline_idx ON agrements(next_deadline_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agrements`);
  }
}
