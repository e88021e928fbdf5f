import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SES-11: when a session's personal data was erased from the engine's copy, past its 2 years of retention. */
export class SessionRetention1763900001500 implements MigrationInterface {
  name = 'SessionRetention1763900001500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN personal_data_erased_at timestamptz`);
    await q.query(`CREATE INDEX sessions_retention_idx ON sessions(date) WHERE personal_data_erased_at IS NULL AND status <> 'planned'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sessions_retention_idx`);
    await q.query(`ALTER TABLE sessions DROP COLUMN personal_data_erased_at`);
  }
}
