import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, the Journal (GET /audit/log): the log read by date range, newest first, without scanning it whole.
 * Filters by stream use event_log_stream_idx; the newest-first order uses the primary key.
 */
export class JournalIndex1763900005000 implements MigrationInterface {
  name = 'JournalIndex1763900005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS event_log_occurred_at_idx ON event_log (occurred_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS event_log_occurred_at_idx`);
  }
}
