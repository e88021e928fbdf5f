import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Control visits (VIS-1..5, APP-3): the inspectors, the centres' quality events that feed the risk score
 * (late finalisations, incidents, fraud reports, complaints), and the planned visits with their findings.
 */
export class ControlVisits1763900000400 implements MigrationInterface {
  name = 'ControlVisits1763900000400';

  async up(q: QueryRunner): Promise<void> {
    // VIS-5: Pix staff, managers of other centres, contractors; their own centre and network are never theirs to inspect.
    await q.query(`
      CREATE TABLE inspectors (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('pix-staff', 'centre-manager', 'contractor')),
        organisation_id uuid REFERENCES organisations(id),
        network_id uuid REFERENCES organisations(id),
        departments text[] NOT NULL DEFAULT '{}',
        available_from date NOT NULL,
        available_to date NOT NULL,
        capacity integer NOT NULL CHECK (capacity >= 0),
        CHECK (available_from <= available_to),
        CHECK (kind <> 'centre-manager' OR organisation_id IS NOT NULL)
      )`);
    // An inspector signs in as the user with the same e-mail (DATA-3: the login is unique, case-insensitively).
    await q.query(`CREATE UNIQUE INDEX inspectors_email_idx ON inspectors (lower(email))`);

    // No foreign key on organisation_id, as session_quality: the sessions work may report any centre.
    await q.query(`
      CREATE TABLE centre_quality_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('late-finalisation', 'incident', 'fraud-report', 'complaint')),
        occurred_on date NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX centre_quality_events_organisation_idx ON centre_quality_events(organisation_id, occurred_on)`);

    await q.query(`
      CREATE TABLE control_visits (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        agrement_id uuid REFERENCES agrements(id),
        application_id uuid REFERENCES applications(id),
        inspector_id uuid NOT NULL REFERENCES inspectors(id),
        kind text NOT NULL CHECK (kind IN ('announced', 'unannounced', 'conformity')),
        planned_on date NOT NULL,
        letter_sent_by date,
        session_id text,
        cost_eur numeric(10, 2) NOT NULL CHECK (cost_eur >= 0),
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled')),
        findings jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- A control visit checks an agrément (VIS-1); a conformity visit an application (APP-3).
        CHECK (agrement_id IS NOT NULL OR application_id IS NOT NULL),
        -- VIS-2: outside a session, a registered letter goes before the visit; VIS-1: unannounced, during a session.
        CHECK ((kind = 'unannounced') = (letter_sent_by IS NULL)),
        CHECK (letter_sent_by IS NULL OR letter_sent_by < planned_on),
        CHECK (kind <> 'unannounced' OR session_id IS NOT NULL)
      )`);
    // One visit a day per inspector and per centre.
    await q.query(
      `CREATE UNIQUE INDEX control_visits_inspector_day_idx ON control_visits(inspector_id, planned_on) WHERE status <> 'cancelled'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX control_visits_centre_day_idx ON control_visits(organisation_id, planned_on) WHERE status <> 'cancelled'`,
    );
    await q.query(`CREATE INDEX control_visits_planned_on_idx ON control_visits(planned_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE control_visits`);
    await q.query(`DROP TABLE centre_quality_events`);
    await q.query(`DROP TABLE inspectors`);
  }
}
