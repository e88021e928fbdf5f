import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INLINE_BASIS_KEY, quotaProjectFunction } from './1763900080000-quota-projection';

/**
 * Issue 15, QUO-3: the key of the quota projection's basis (its day and the two targets, `YYYY-MM-DD/centre/network`)
 * was written twice, by the rows' trigger and by the dashboard's reader that compares rows with today's basis. It is
 * now one SQL function that both call, so that they cannot disagree (which would have the reader rewrite every row
 * on each read).
 */
export class QuotaBasisKey1763900083000 implements MigrationInterface {
  name = 'QuotaBasisKey1763900083000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION dashboard_quota_basis_key(as_of date, centre_target integer, network_target integer) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(as_of, 'YYYY-MM-DD') || '/' || centre_target || '/' || network_target $$`);
    await q.query(quotaProjectFunction('dashboard_quota_basis_key(b.as_of, b.centre_target, b.network_target)'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(quotaProjectFunction(INLINE_BASIS_KEY));
    await q.query(`DROP FUNCTION dashboard_quota_basis_key(date, integer, integer)`);
  }
}
