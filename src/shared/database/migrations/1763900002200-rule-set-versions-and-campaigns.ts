import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AGR-5, AGR-6: session rule-set versions published by operations (drafts, then published with their
 * effective date) and the notices each publication owes the centres (an outbox, delivered after the commit).
 * SCO-2: campaign windows per school year and school type, and derogations granted per school, as data.
 * The windows seeded are the known ones (FAQ collèges et lycées, 2020-2021); the later years of the former
 * sco-campaigns.json were a template "à confirmer", so operations enter them through the API.
 */
export class RuleSetVersionsAndCampaigns1763900002200 implements MigrationInterface {
  name = 'RuleSetVersionsAndCampaigns1763900002200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_set_versions (
        id uuid PRIMARY KEY,
        rule_set text NOT NULL,
        version text NOT NULL,
        effective_from date NOT NULL,
        substantial boolean NOT NULL,
        summary text NOT NULL,
        rules jsonb NOT NULL,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_on date,
        published_by text,
        published_at timestamptz,
        UNIQUE (rule_set, version),
        CHECK ((status = 'published') = (published_on IS NOT NULL))
      )`);
    // AGR-6: one version in force per day.
    await q.query(
      `CREATE UNIQUE INDEX rule_set_versions_published_day ON rule_set_versions(rule_set, effective_from) WHERE status = 'published'`,
    );
    await q.query(`
      CREATE TABLE rule_set_notices (
        rule_set_version_id uuid NOT NULL REFERENCES rule_set_versions(id),
        agrement_id uuid NOT NULL REFERENCES agrements(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        kind text NOT NULL CHECK (kind IN ('agrement-action', 'email')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        delivered_at timestamptz,
        PRIMARY KEY (rule_set_version_id, agrement_id)
      )`);
    await q.query(`CREATE INDEX rule_set_notices_pending_idx ON rule_set_notices(rule_set_version_id) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE sco_campaign_windows (
        school_year text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
        school_type text NOT NULL CHECK (school_type IN ('college', 'lycee', 'agricultural-lycee')),
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        derogation_limit date,
        source text NOT NULL,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (school_year, school_type),
        CHECK (starts_on <= ends_on),
        CHECK (derogation_limit IS NULL OR derogation_limit >= ends_on)
      )`);
    await q.query(`
      CREATE TABLE sco_campaign_derogations (
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        school_year text NOT NULL,
        until date NOT NULL,
        reason text NOT NULL,
        granted_by text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, school_year)
      )`);
    const faq = 'FAQ Pix « collèges et lycées », campagne 2020-2021';
    await q.query(
      `INSERT INTO sco_campaign_windows (school_year, school_type, starts_on, ends_on, derogation_limit, source, updated_by) VALUES
         ('2020-2021', 'lycee', '2021-01-11', '2021-05-20', NULL, $1, 'migration'),
         ('2020-2021', 'college', '2021-03-08', '2021-05-12', '2021-05-20', $1, 'migration'),
         ('2020-2021', 'agricultural-lycee', '2021-03-15', '2021-05-20', NULL, $1, 'migration')`,
      [faq],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sco_campaign_derogations`);
    await q.query(`DROP TABLE sco_campaign_windows`);
    await q.query(`DROP TABLE rule_set_notices`);
    await q.query(`DROP TABLE rule_set_versions`);
  }
}
