import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An import's last progress: a job that stops progressing (its process stopped mid-file) is marked
 * failed with the reason, instead of showing 'running' forever. The list of imports reads newest first.
 */
export class SessionImportProgress1763900001200 implements MigrationInterface {
  name = 'SessionImportProgress1763900001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session_imports ADD COLUMN progressed_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`CREATE INDEX session_imports_started_idx ON session_imports(started_at DESC)`);
    await q.query(`CREATE INDEX session_imports_running_idx ON session_imports(progressed_at) WHERE status = 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX session_imports_running_idx`);
    await q.query(`DROP INDEX session_imports_started_idx`);
    await q.query(`ALTER TABLE session_imports DROP COLUMN progressed_at`);
  }
}
