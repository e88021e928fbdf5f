import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PARAMETERS } from '../../../config/parameters';

/**
 * Issue 15, QUO-1/QUO-3: each agrément keeps the end of its 3-year quota window, written by the agrément's writer from
 * the domain (quotaWindowEndOn) when the agrément is first recorded, and carried into the dashboards' read table
 * `dashboard_agrements`. GET /dashboard/quotas-at-risk computed it per agrément and per request (date plus months,
 * several times a row; EXPLAIN ANALYZE over 10,000 agréments: 17.7 ms, 10.5 ms reading it); it now reads it, and the
 * dashboard no longer repeats the window's definition.
 *
 * Existing rows are filled with the same computation the dashboard made until now (PostgreSQL's date plus months,
 * the month's last day when the day does not exist, as the domain's plusMonths), PARAMETERS.quota.months in force.
 */
export class QuotaWindowEnd1763900079000 implements MigrationInterface {
  name = 'QuotaWindowEnd1763900079000';

  async up(q: QueryRunner): Promise<void> {
    const months = Number(PARAMETERS.quota.months);
    await q.query(`ALTER TABLE agrements ADD COLUMN quota_window_end_on date`);
    await q.query(`UPDATE agrements SET quota_window_end_on = (first_grant_on + make_interval(months => ${months}))::date`);
    await q.query(`ALTER TABLE agrements ALTER COLUMN quota_window_end_on SET NOT NULL`);
    await q.query(`ALTER TABLE dashboard_agrements ADD COLUMN quota_window_end_on date`);
    // The read table copies its agrément's (as its trigger will), never computes it again.
    await q.query(
      `UPDATE dashboard_agrements r SET quota_window_end_on = a.quota_window_end_on FROM agrements a WHERE a.id = r.agrement_id`,
    );
    await q.query(`ALTER TABLE dashboard_agrements ALTER COLUMN quota_window_end_on SET NOT NULL`);
    await this.follow(q, true);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.follow(q, false);
    await q.query(`ALTER TABLE dashboard_agrements DROP COLUMN quota_window_end_on`);
    await q.query(`ALTER TABLE agrements DROP COLUMN quota_window_end_on`);
  }

  /** The read table's trigger (migration 1763900075000), with the window end (`withWindowEnd`) or without it. */
  private async follow(q: QueryRunner, withWindowEnd: boolean): Promise<void> {
    const column = withWindowEnd ? ', quota_window_end_on' : '';
    const value = withWindowEnd ? ', NEW.quota_window_end_on' : '';
    const update = withWindowEnd ? ', quota_window_end_on = EXCLUDED.quota_window_end_on' : '';
    await q.query(`
      CREATE OR REPLACE FUNCTION dashboard_agrements_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE org organisations%ROWTYPE;
      DECLARE old_department text;
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          SELECT * INTO org FROM organisations WHERE id = NEW.organisation_id;
        END IF;
        IF TG_OP = 'INSERT' THEN
          PERFORM dashboard_move_agrement(NULL, NULL, NULL, NEW.kind, NEW.state, org.department);
        ELSE
          old_department := (SELECT department FROM organisations WHERE id = OLD.organisation_id);
          IF TG_OP = 'DELETE' THEN
            PERFORM dashboard_move_agrement(OLD.kind, OLD.state, old_department, NULL, NULL, NULL);
          ELSE
            PERFORM dashboard_move_agrement(OLD.kind, OLD.state, old_department, NEW.kind, NEW.state, org.department);
          END IF;
          IF TG_OP = 'DELETE' OR NEW.organisation_id <> OLD.organisation_id THEN
            DELETE FROM dashboard_agrements WHERE agrement_id = OLD.id;
          END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO dashboard_agrements (agrement_id, organisation_id, kind, state, candidates, first_grant_on, name, department, network_id${column})
          VALUES (NEW.id, NEW.organisation_id, NEW.kind, NEW.state, NEW.candidates, NEW.first_grant_on, org.name, org.department, org.network_id${value})
          ON CONFLICT (agrement_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, kind = EXCLUDED.kind, state = EXCLUDED.state,
            candidates = EXCLUDED.candidates, first_grant_on = EXCLUDED.first_grant_on, name = EXCLUDED.name,
            department = EXCLUDED.department, network_id = EXCLUDED.network_id${update};
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER dashboard_agrements_follow ON agrements`);
    await q.query(`
      CREATE TRIGGER dashboard_agrements_follow AFTER INSERT OR DELETE OR UPDATE OF kind, state, organisation_id, candidates, first_grant_on${column}
      ON agrements FOR EACH ROW EXECUTE FUNCTION dashboard_agrements_follow()`);
  }
}
