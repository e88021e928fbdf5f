import type { MigrationInterface, QueryRunner } from 'typeorm';

/** DATA-2: a centre's personal-data breaches join its quality record (notified to Pix within 72 hours). */
export class DataBreaches1763900001400 implements MigrationInterface {
  name = 'DataBreaches1763900001400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE centre_quality_events DROP CONSTRAINT centre_quality_events_kind_check`);
    await q.query(
      `ALTER TABLE centre_quality_events ADD CONSTRAINT centre_quality_events_kind_check CHECK (kind IN ('late-finalisation', 'incident', 'fraud-report', 'complaint', 'data-breach'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM centre_quality_events WHERE kind = 'data-breach'`);
    await q.query(`ALTER TABLE centre_quality_events DROP CONSTRAINT centre_quality_events_kind_check`);
    await q.query(
      `ALTER TABLE centre_quality_events ADD CONSTRAINT centre_quality_events_kind_check CHECK (kind IN ('late-finalisation', 'incident', 'fraud-report', 'complaint'))`,
    );
  }
}
