import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 (dashboards uncached p95 < 50 ms at 50 connections, by read tables the writers maintain): two small read
 * tables kept by triggers in the same transaction as the rows they summarise, whoever writes them (the agrément
 * repository, the network repository, a migration, an import):
 *
 * - `dashboard_agrement_counts`: agréments per kind, state and department (GET /dashboard/overview without a
 *   network or organisation scope: a few dozen rows instead of every agrément);
 * - `dashboard_agrements`: one narrow row per agrément with what QUO-3's projection and the dashboards' filters read
 *   (kind, state, candidates, first grant; the organisation's name, department and network), so GET
 *   /dashboard/quotas-at-risk reads neither the agréments' JSON snapshots nor the organisations.
 *
 * the pending sessions' deadline index covers what counting them reads, and the organisations are indexed by department. Both tables are filled from the existing rows (backfill) and followed on every insert, update and delete of agrements and
 * on every change of an organisation's name, department or network.
 */
export class DashboardReadTables1763900075000 implements MigrationInterface {
  name = 'DashboardReadTables1763900075000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_agrement_counts (
        kind text NOT NULL,
        state text NOT NULL,
        department text NOT NULL, -- '' when the organisation has none
        n integer NOT NULL,
        PRIMARY KEY (kind, state, department)
      )`);
    await q.query(`
      CREATE TABLE dashboard_agrements (
        agrement_id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        kind text NOT NULL,
        state text NOT NULL,
        candidates integer NOT NULL,
        first_grant_on date NOT NULL,
        name text NOT NULL,
        department text,
        network_id uuid
      )`);
    await q.query(`CREATE INDEX dashboard_agrements_organisation_idx ON dashboard_agrements (organisation_id)`);
    await q.query(`CREATE INDEX dashboard_agrements_network_idx ON dashboard_agrements (network_id) WHERE network_id IS NOT NULL`);

    // SES-10's pending finalisations counted by instant without visiting the sessions' rows (index-only).
    await q.query(`DROP INDEX sessions_pending_deadline_idx`);
    await q.query(
      `CREATE INDEX sessions_pending_deadline_idx ON sessions(deadline_at) INCLUDE (organisation_id, agrement_organisation_id) WHERE status = 'planned'`,
    );

    // The dashboards' department and region filters start from the organisations of those departments.
    await q.query(`CREATE INDEX organisations_department_idx ON organisations(department)`);

    // One agrément counted in (sign = 1) or out of (sign = -1) its bucket.
    await q.query(`
      CREATE FUNCTION dashboard_count_agrement(p_kind text, p_state text, p_department text, sign integer) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO dashboard_agrement_counts (kind, state, department, n) VALUES (p_kind, p_state, coalesce(p_department, ''), sign)
        ON CONFLICT (kind, state, department) DO UPDATE SET n = dashboard_agrement_counts.n + EXCLUDED.n
      $$`);
    // An agrément moved from one bucket to another (either absent: inserted, deleted), the two count rows locked in
    // the one order every transaction follows, so that two agréments crossing the same buckets never deadlock.
    await q.query(`
      CREATE FUNCTION dashboard_move_agrement(old_kind text, old_state text, old_department text, new_kind text, new_state text, new_department text)
      RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF old_kind IS NOT NULL AND new_kind IS NOT NULL
           AND (old_kind, old_state, coalesce(old_department, '')) = (new_kind, new_state, coalesce(new_department, '')) THEN
          RETURN;
        END IF;
        IF new_kind IS NULL OR (old_kind IS NOT NULL
           AND (old_kind, old_state, coalesce(old_department, '')) < (new_kind, new_state, coalesce(new_department, ''))) THEN
          IF old_kind IS NOT NULL THEN PERFORM dashboard_count_agrement(old_kind, old_state, old_department, -1); END IF;
          IF new_kind IS NOT NULL THEN PERFORM dashboard_count_agrement(new_kind, new_state, new_department, 1); END IF;
        ELSE
          PERFORM dashboard_count_agrement(new_kind, new_state, new_department, 1);
          IF old_kind IS NOT NULL THEN PERFORM dashboard_count_agrement(old_kind, old_state, old_department, -1); END IF;
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION dashboard_agrements_follow() RETURNS trigger LANGUAGE plpgsql AS $$
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
          INSERT INTO dashboard_agrements (agrement_id, organisation_id, kind, state, candidates, first_grant_on, name, department, network_id)
          VALUES (NEW.id, NEW.organisation_id, NEW.kind, NEW.state, NEW.candidates, NEW.first_grant_on, org.name, org.department, org.network_id)
          ON CONFLICT (agrement_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, kind = EXCLUDED.kind, state = EXCLUDED.state,
            candidates = EXCLUDED.candidates, first_grant_on = EXCLUDED.first_grant_on, name = EXCLUDED.name,
            department = EXCLUDED.department, network_id = EXCLUDED.network_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dashboard_agrements_follow AFTER INSERT OR DELETE OR UPDATE OF kind, state, organisation_id, candidates, first_grant_on
      ON agrements FOR EACH ROW EXECUTE FUNCTION dashboard_agrements_follow()`);
    await q.query(`
      CREATE FUNCTION dashboard_organisations_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE a record;
      BEGIN
        IF NEW.department IS DISTINCT FROM OLD.department THEN
          FOR a IN SELECT kind, state FROM agrements WHERE organisation_id = NEW.id ORDER BY kind, state LOOP
            PERFORM dashboard_move_agrement(a.kind, a.state, OLD.department, a.kind, a.state, NEW.department);
          END LOOP;
        END IF;
        UPDATE dashboard_agrements SET name = NEW.name, department = NEW.department, network_id = NEW.network_id WHERE organisation_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dashboard_organisations_follow AFTER UPDATE OF name, department, network_id ON organisations
      FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.department IS DISTINCT FROM OLD.department OR NEW.network_id IS DISTINCT FROM OLD.network_id)
      EXECUTE FUNCTION dashboard_organisations_follow()`);

    // Backfill from the existing rows.
    await q.query(`
      INSERT INTO dashboard_agrement_counts (kind, state, department, n)
      SELECT a.kind, a.state, coalesce(o.department, ''), count(*) FROM agrements a JOIN organisations o ON o.id = a.organisation_id GROUP BY 1, 2, 3`);
    await q.query(`
      INSERT INTO dashboard_agrements (agrement_id, organisation_id, kind, state, candidates, first_grant_on, name, department, network_id)
      SELECT a.id, a.organisation_id, a.kind, a.state, a.candidates, a.first_grant_on, o.name, o.department, o.network_id
        FROM agrements a JOIN organisations o ON o.id = a.organisation_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dashboard_organisations_follow ON organisations`);
    await q.query(`DROP TRIGGER dashboard_agrements_follow ON agrements`);
    await q.query(`DROP FUNCTION dashboard_organisations_follow()`);
    await q.query(`DROP FUNCTION dashboard_agrements_follow()`);
    await q.query(`DROP FUNCTION dashboard_move_agrement(text, text, text, text, text, text)`);
    await q.query(`DROP FUNCTION dashboard_count_agrement(text, text, text, integer)`);
    await q.query(`DROP TABLE dashboard_agrements`);
    await q.query(`DROP TABLE dashboard_agrement_counts`);
    await q.query(`DROP INDEX organisations_department_idx`);
    await q.query(`DROP INDEX sessions_pending_deadline_idx`);
    await q.query(`CREATE INDEX sessions_pending_deadline_idx ON sessions(deadline_at) WHERE status = 'planned'`);
  }
}
