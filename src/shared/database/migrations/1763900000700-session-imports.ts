import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk imports of sessions (CSV, JSON, NDJSON): one job per upload, its progress, and every refused line. */
export class SessionImports1763900000700 implements MigrationInterface {
  name = 'SessionImports1763900000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE session_imports (
        id uuid PRIMARY KEY,
        format text NOT NULL CHECK (format IN ('csv', 'json', 'ndjson')),
        file_name text,
        actor text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        sessions_read integer NOT NULL DEFAULT 0,
        processed integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        refused integer NOT NULL DEFAULT 0,
        -- Known once the whole file is read.
        total integer,
        failure text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE session_import_errors (
        import_id uuid NOT NULL REFERENCES session_imports(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        -- Physical line numbers in the file (a CSV session spans one line per candidate).
        line_from integer NOT NULL,
        line_to integer NOT NULL,
        session_id text,
        field text,
        rule_ids text[],
        message text NOT NULL,
        PRIMARY KEY (import_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_import_errors`);
    await q.query(`DROP TABLE session_imports`);
  }
}
