import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transaction-local setting under which the quota basis's move (the dashboard repository) counts the rows it
 * rewrites itself, in one ordered statement, instead of the rows' trigger counting them one by one.
 */
export const QUOTA_BASIS_MOVING = 'pix.quota_basis_moving';

/**
 * Issue 15, QUO-3: GET /dashboard/quotas-at-risk counted its rows at every request (an index-only scan of every
 * at-risk agrément: 3,900 of bench:api's 10,000, 0.4 ms of PostgreSQL's CPU per answer, half of the query). The
 * at-risk agréments are now counted per kind and department in `dashboard_quota_risk_counts`, kept in the same
 * transaction as the rows of `dashboard_agrements` they count, whoever writes them:
 *
 * - a row's trigger moves it between buckets when it enters or leaves the risk (its candidates, its state, the window's
 *   end), changes kind or department, is inserted or deleted; the two bucket rows are locked in one order, so that two
 *   rows crossing the same buckets never deadlock;
 * - the basis's move (a new day, other targets) rewrites thousands of rows at once: it counts them itself, after
 *   rewriting them, in one statement that locks the buckets in their order (QUOTA_BASIS_MOVING), so that it never holds
 *   a bucket while waiting for a row that a writer holds with that bucket next.
 *
 * A list without a network or organisation scope sums the buckets of its filters (department, region, kind); a scoped
 * one counts its few rows by index, as before.
 */
export class QuotaRiskCounts1763900087000 implements MigrationInterface {
  name = 'QuotaRiskCounts1763900087000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_quota_risk_counts (
        kind text NOT NULL,
        department text NOT NULL, -- '' when the organisation has none
        n integer NOT NULL,
        PRIMARY KEY (kind, department)
      )`);
    await q.query(`
      CREATE FUNCTION dashboard_count_quota_risk(p_kind text, p_department text, sign integer) RETURNS void LANGUAGE sql AS $$
        INSERT INTO dashboard_quota_risk_counts (kind, department, n) VALUES (p_kind, coalesce(p_department, ''), sign)
        ON CONFLICT (kind, department) DO UPDATE SET n = dashboard_quota_risk_counts.n + EXCLUDED.n
      $$`);
    await q.query(`
      CREATE FUNCTION dashboard_quota_risk_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_bucket text[];
        new_bucket text[];
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.quota_at_risk THEN old_bucket := ARRAY[OLD.kind, coalesce(OLD.department, '')]; END IF;
        IF TG_OP <> 'DELETE' AND NEW.quota_at_risk THEN new_bucket := ARRAY[NEW.kind, coalesce(NEW.department, '')]; END IF;
        IF old_bucket IS NOT DISTINCT FROM new_bucket THEN RETURN NULL; END IF;
        IF new_bucket IS NULL OR (old_bucket IS NOT NULL AND old_bucket < new_bucket) THEN
          IF old_bucket IS NOT NULL THEN PERFORM dashboard_count_quota_risk(old_bucket[1], old_bucket[2], -1); END IF;
          IF new_bucket IS NOT NULL THEN PERFORM dashboard_count_quota_risk(new_bucket[1], new_bucket[2], 1); END IF;
        ELSE
          PERFORM dashboard_count_quota_risk(new_bucket[1], new_bucket[2], 1);
          IF old_bucket IS NOT NULL THEN PERFORM dashboard_count_quota_risk(old_bucket[1], old_bucket[2], -1); END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dashboard_quota_risk_insert AFTER INSERT ON dashboard_agrements
      FOR EACH ROW WHEN (NEW.quota_at_risk) EXECUTE FUNCTION dashboard_quota_risk_follow()`);
    await q.query(`
      CREATE TRIGGER dashboard_quota_risk_delete AFTER DELETE ON dashboard_agrements
      FOR EACH ROW WHEN (OLD.quota_at_risk) EXECUTE FUNCTION dashboard_quota_risk_follow()`);
    // Not UPDATE OF: the risk is set by the rows' BEFORE trigger (the projection), never named by the writer's UPDATE.
    await q.query(`
      CREATE TRIGGER dashboard_quota_risk_update AFTER UPDATE ON dashboard_agrements
      FOR EACH ROW WHEN ((OLD.quota_at_risk OR NEW.quota_at_risk)
        AND (OLD.quota_at_risk IS DISTINCT FROM NEW.quota_at_risk OR OLD.kind IS DISTINCT FROM NEW.kind
             OR OLD.department IS DISTINCT FROM NEW.department)
        AND current_setting('${QUOTA_BASIS_MOVING}', true) IS DISTINCT FROM 'on')
      EXECUTE FUNCTION dashboard_quota_risk_follow()`);
    // Backfill from the rows as they are projected now.
    await q.query(`
      INSERT INTO dashboard_quota_risk_counts (kind, department, n)
      SELECT kind, coalesce(department, ''), count(*) FROM dashboard_agrements WHERE quota_at_risk GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dashboard_quota_risk_update ON dashboard_agrements`);
    await q.query(`DROP TRIGGER dashboard_quota_risk_delete ON dashboard_agrements`);
    await q.query(`DROP TRIGGER dashboard_quota_risk_insert ON dashboard_agrements`);
    await q.query(`DROP FUNCTION dashboard_quota_risk_follow()`);
    await q.query(`DROP FUNCTION dashboard_count_quota_risk(text, text, integer)`);
    await q.query(`DROP TABLE dashboard_quota_risk_counts`);
  }
}
