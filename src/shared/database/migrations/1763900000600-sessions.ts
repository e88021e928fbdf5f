import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SES-1: the sessions reported by Pix Certif (API or bulk import), one row per session id.
 * `report` keeps the session exactly as reported (DATA-1 fields only); the columns are what the
 * dashboards (SES-10 deadlines), the quota (QUO-3) and the monthly statement (BIL-1, PRI-1..5) read.
 */
export class Sessions1763900000600 implements MigrationInterface {
  name = 'Sessions1763900000600';

  async up(q: QueryRunner): Promise<void> {
    // No foreign key on organisation_id: collèges and lycées (SCO-1) need not be registered as applicants.
    await q.query(`
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        organisation_id uuid NOT NULL,
        -- QUO-3: the organisation whose agrément counts the session (the centre, or its network's
        -- coordinating organisation); null for secondary schools, which have none (SCO-1).
        agrement_organisation_id uuid,
        centre_kind text NOT NULL,
        date date NOT NULL,
        start_time text NOT NULL,
        end_time text NOT NULL,
        time_zone text NOT NULL,
        status text NOT NULL CHECK (status IN ('planned', 'finalised', 'cancelled')),
        -- SES-10: end of the session + 48 elapsed hours, in the venue's zone.
        deadline_at timestamptz NOT NULL,
        candidate_count integer NOT NULL,
        -- QUO-3: candidates who actually sat, known at finalisation.
        candidates_who_sat integer,
        -- PRI-1..5, BIL-1: totals over the candidates, in euro cents incl. VAT.
        price_cents integer NOT NULL DEFAULT 0,
        pix_share_cents integer NOT NULL DEFAULT 0,
        paying_candidates integer NOT NULL DEFAULT 0,
        -- AGR-6: the rule set that judged it.
        rule_set_id text NOT NULL,
        report jsonb NOT NULL,
        -- Hash of the report: re-reporting the same session changes nothing.
        content_hash text NOT NULL,
        source text NOT NULL CHECK (source IN ('api', 'import')),
        finalised_at timestamptz,
        cancelled_at timestamptz,
        cancellation_reason text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sessions_organisation_idx ON sessions(organisation_id, date)`);
    await q.query(`CREATE INDEX sessions_pending_deadline_idx ON sessions(deadline_at) WHERE status = 'planned'`);
    await q.query(`CREATE INDEX sessions_finalised_date_idx ON sessions(date) WHERE status = 'finalised'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions`);
  }
}
