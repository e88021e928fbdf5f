import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The basis's key as this migration wrote it, inline in the trigger (1763900083000 restores it when undone). */
export const INLINE_BASIS_KEY = `to_char(b.as_of, 'YYYY-MM-DD') || '/' || b.centre_target || '/' || b.network_target`;

/**
 * The trigger function that projects a row of `dashboard_agrements` on the basis in force; `basisKey` is the SQL of the
 * basis's key from `b` (migration 1763900083000 made it one function, which the dashboard's reader calls too).
 */
export const quotaProjectFunction = (basisKey: string) => `
      CREATE OR REPLACE FUNCTION dashboard_quota_project() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE b dashboard_quota_basis%ROWTYPE;
      BEGIN
        SELECT * INTO b FROM dashboard_quota_basis;
        IF NOT FOUND THEN
          NEW.quota_basis := ''; NEW.quota_target := NULL; NEW.quota_projected := NULL; NEW.quota_at_risk := false;
          RETURN NEW;
        END IF;
        NEW.quota_basis := ${basisKey};
        NEW.quota_target := CASE WHEN NEW.kind = 'network' THEN b.network_target ELSE b.centre_target END;
        -- QUO-3 (projectedCandidates): candidates are never negative, so integer division is the quotient's floor.
        NEW.quota_projected := CASE WHEN b.as_of - NEW.first_grant_on <= 0 THEN 0
          ELSE (NEW.candidates::bigint * (NEW.quota_window_end_on - NEW.first_grant_on) / (b.as_of - NEW.first_grant_on))::int END;
        NEW.quota_at_risk := NEW.state NOT IN ('expired', 'terminated') AND b.as_of < NEW.quota_window_end_on
          AND NEW.quota_projected < NEW.quota_target;
        RETURN NEW;
      END $$`;

/**
 * Issue 15, QUO-3: GET /dashboard/quotas-at-risk projected every running agrément's candidates on every request
 * (10,000 agréments: 6–9 ms of PostgreSQL's CPU per answer, the heaviest dashboard) because the projection depends on
 * the day. Each row of the read table `dashboard_agrements` now carries its projection as of one day and one pair of
 * targets, its "basis" (`dashboard_quota_basis`, one row):
 *
 * - a BEFORE trigger computes it whenever the row is written (the agrément's writer, the organisations' trigger): the
 *   projection is defined here only (candidates × window days ÷ days elapsed since the first grant, floored, as the
 *   domain's projectedCandidates), and only running agréments short of their target before the window's end are at
 *   risk;
 * - a reader that finds a row on another basis than today's (a new day, a change of the targets, a row written while
 *   the basis moved) moves the basis and rewrites the stale rows first (dashboard repository, under an advisory lock);
 *   the housekeeping does so once per period, so that the first reader of a day rarely pays it.
 *
 * The at-risk rows are read in their order (biggest shortfall, then name) from a partial index: a page is 50 index
 * entries, the count an index-only scan.
 */
export class QuotaProjection1763900080000 implements MigrationInterface {
  name = 'QuotaProjection1763900080000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_quota_basis (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        as_of date NOT NULL,
        centre_target integer NOT NULL,
        network_target integer NOT NULL
      )`);
    await q.query(`
      ALTER TABLE dashboard_agrements
        ADD COLUMN quota_basis text NOT NULL DEFAULT '',
        ADD COLUMN quota_target integer,
        ADD COLUMN quota_projected integer,
        ADD COLUMN quota_at_risk boolean NOT NULL DEFAULT false,
        ADD COLUMN quota_shortfall integer GENERATED ALWAYS AS (quota_target - quota_projected) STORED`);
    // '' (no basis yet) sorts before any date: min() and max() over this index tell whether every row is on one basis.
    await q.query(`CREATE INDEX dashboard_agrements_quota_basis_idx ON dashboard_agrements (quota_basis)`);
    await q.query(
      `CREATE INDEX dashboard_agrements_quota_risk_idx ON dashboard_agrements (quota_shortfall DESC, name) WHERE quota_at_risk`,
    );
    await q.query(quotaProjectFunction(INLINE_BASIS_KEY));
    await q.query(`
      CREATE TRIGGER dashboard_quota_project BEFORE INSERT OR UPDATE ON dashboard_agrements
      FOR EACH ROW EXECUTE FUNCTION dashboard_quota_project()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dashboard_quota_project ON dashboard_agrements`);
    await q.query(`DROP FUNCTION dashboard_quota_project()`);
    await q.query(`DROP INDEX dashboard_agrements_quota_risk_idx`);
    await q.query(`DROP INDEX dashboard_agrements_quota_basis_idx`);
    await q.query(`
      ALTER TABLE dashboard_agrements DROP COLUMN quota_shortfall, DROP COLUMN quota_basis, DROP COLUMN quota_target,
        DROP COLUMN quota_projected, DROP COLUMN quota_at_risk`);
    await q.query(`DROP TABLE dashboard_quota_basis`);
  }
}
