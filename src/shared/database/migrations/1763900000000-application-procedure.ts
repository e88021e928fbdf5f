import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Foundation schema: organisations, applications, pieces, the append-only event log (APP-*, DOC-*), the e-mail outbox. */
export class ApplicationProcedure1763900000000 implements MigrationInterface {
  name = 'ApplicationProcedure1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        category text NOT NULL,
        uai text,
        department text,
        is_foreign boolean NOT NULL DEFAULT false,
        email text NOT NULL,
        network_id uuid REFERENCES organisations(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX organisations_network_idx ON organisations(network_id)`);
    await q.query(`
      CREATE TABLE applications (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        kind text NOT NULL CHECK (kind IN ('individual', 'network', 'higher-education')),
        state text NOT NULL,
        data jsonb NOT NULL,
        procedure jsonb,
        evaluation jsonb,
        received_at timestamptz NOT NULL,
        procedure_deadline timestamptz,
        overdue_flagged_at timestamptz,
        version integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX applications_state_idx ON applications(state, received_at)`);
    await q.query(`
      CREATE TABLE pieces (
        id uuid PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES applications(id),
        type text NOT NULL,
        issued_on date,
        filename text NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX pieces_application_idx ON pieces(application_id)`);
    await q.query(`
      CREATE TABLE event_log (
        id bigserial PRIMARY KEY,
        event_key text NOT NULL UNIQUE,
        stream_type text NOT NULL,
        stream_id uuid NOT NULL,
        type text NOT NULL,
        rule_ids text[] NOT NULL DEFAULT '{}',
        from_state text,
        to_state text,
        actor text NOT NULL,
        reason text,
        data jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`CREATE INDEX event_log_stream_idx ON event_log(stream_type, stream_id, id)`);
    // The log is append-only: the database itself refuses to rewrite history.
    await q.query(`
      CREATE FUNCTION event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_log is append-only (% refused)', TG_OP;
      END $$`);
    await q.query(`
      CREATE TRIGGER event_log_no_rewrite BEFORE UPDATE OR DELETE OR TRUNCATE ON event_log
      FOR EACH STATEMENT EXECUTE FUNCTION event_log_append_only()`);
    await q.query(`
      CREATE TABLE email_outbox (
        key text PRIMARY KEY,
        template text NOT NULL,
        recipient text NOT NULL,
        message_id text NOT NULL,
        subject text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_outbox`);
    await q.query(`DROP TRIGGER event_log_no_rewrite ON event_log`);
    await q.query(`DROP TABLE event_log`);
    await q.query(`DROP FUNCTION event_log_append_only()`);
    await q.query(`DROP TABLE pieces`);
    await q.query(`DROP TABLE applications`);
    await q.query(`DROP TABLE organisations`);
  }
}
