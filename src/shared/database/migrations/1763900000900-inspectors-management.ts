import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inspectors managed by operations (VIS-5): open-ended engagements (no end date for Pix staff), days an
 * inspector cannot visit, and deactivation. A deactivated inspector is kept, as past visits and the event
 * log name them, but is no longer assigned.
 */
export class InspectorsManagement1763900000900 implements MigrationInterface {
  name = 'InspectorsManagement1763900000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inspectors ALTER COLUMN available_to DROP NOT NULL`);
    // [{ "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "reason": "…" }], both days included; replaced as a whole.
    await q.query(`
      ALTER TABLE inspectors
        ADD COLUMN unavailable jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(unavailable) = 'array'),
        ADD COLUMN active boolean NOT NULL DEFAULT true,
        ADD COLUMN deactivated_at timestamptz,
        ADD COLUMN deactivation_reason text,
        ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT inspectors_deactivation_check CHECK (active = (deactivated_at IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE inspectors
        DROP CONSTRAINT inspectors_deactivation_check,
        DROP COLUMN created_at,
        DROP COLUMN deactivation_reason,
        DROP COLUMN deactivated_at,
        DROP COLUMN active,
        DROP COLUMN unavailable`);
    await q.query(`UPDATE inspectors SET available_to = '9999-12-31' WHERE available_to IS NULL`);
    await q.query(`ALTER TABLE inspectors ALTER COLUMN available_to SET NOT NULL`);
  }
}
