import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, SUS-1, BRE-1, TER-1: GET /dashboard/watchlist sent every agrément suspended, under notice or terminating to
 * the API, which paged them. It is now paged in PostgreSQL over the read table `dashboard_agrements`, in the order the
 * page shows (state, name, then the agrément: a stable order across pages), from this partial index.
 */
export class DashboardWatchlist1763900082000 implements MigrationInterface {
  name = 'DashboardWatchlist1763900082000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX dashboard_agrements_watch_idx ON dashboard_agrements (state, name, agrement_id)
      WHERE state IN ('suspended', 'under-notice', 'terminating')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX dashboard_agrements_watch_idx`);
  }
}
