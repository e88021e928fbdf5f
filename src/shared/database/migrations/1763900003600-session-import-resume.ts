import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk imports that survive their process (issue 11): the upload is spooled in PostgreSQL (every replica
 * can read it, a reboot keeps it) and known to its job; a running job proves its process alive with a
 * heartbeat and is owned by one run (`run_token`, checked in each chunk's transaction); a job whose
 * heartbeat stops is claimed by one process and resumed from its first uncommitted session.
 */
export class SessionImportResume1763900003600 implements MigrationInterface {
  name = 'SessionImportResume1763900003600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE session_imports
        ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN run_token uuid,
        ADD COLUMN attempts integer NOT NULL DEFAULT 1,
        ADD COLUMN resumed_at timestamptz,
        ADD COLUMN lines_done integer NOT NULL DEFAULT 0,
        ADD COLUMN spool_parts integer,
        ADD COLUMN spool_bytes bigint,
        ADD COLUMN claimed_read integer NOT NULL DEFAULT 0,
        ADD COLUMN idle_resumes integer NOT NULL DEFAULT 0`);
    // Jobs running before this migration have no spool (the temporary file is gone): resumed, they fail saying so.
    await q.query(`UPDATE session_imports SET heartbeat_at = progressed_at WHERE status = 'running'`);
    await q.query(`DROP INDEX IF EXISTS session_imports_running_idx`);
    await q.query(`CREATE INDEX session_imports_heartbeat_idx ON session_imports(heartbeat_at) WHERE status = 'running'`);
    await q.query(`
      CREATE TABLE session_import_spool (
        import_id uuid NOT NULL,
        part integer NOT NULL,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (import_id, part)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_import_spool`);
    await q.query(`DROP INDEX session_imports_heartbeat_idx`);
    await q.query(`CREATE INDEX session_imports_running_idx ON session_imports(progressed_at) WHERE status = 'running'`);
    await q.query(`
      ALTER TABLE session_imports DROP COLUMN heartbeat_at, DROP COLUMN run_token, DROP COLUMN attempts, DROP COLUMN resumed_at, DROP COLUMN lines_done,
        DROP COLUMN spool_parts, DROP COLUMN spool_bytes, DROP COLUMN claimed_read, DROP COLUMN idle_resumes`);
  }
}
