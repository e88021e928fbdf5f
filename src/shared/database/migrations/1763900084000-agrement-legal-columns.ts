import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, BRE-4, SUS-1, BRE-1, TER-1: the overdue list, the legal team's proposal queue and the watchlist read an
 * agrément's open proposals and its suspension, formal notice and termination out of its whole JSON snapshot, which
 * grows with every session the agrément counts (QUO-3 keeps their ids) and its ledger: each request decompressed the
 * snapshots of every agrément listed. These are now columns PostgreSQL derives from the snapshot at each write
 * (stored generated columns: every writer keeps them, none can forget), a few hundred bytes read in place.
 */
export class AgrementLegalColumns1763900084000 implements MigrationInterface {
  name = 'AgrementLegalColumns1763900084000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agrements
        ADD COLUMN proposals jsonb GENERATED ALWAYS AS (coalesce(snapshot->'proposals', '[]'::jsonb)) STORED,
        ADD COLUMN suspension jsonb GENERATED ALWAYS AS (snapshot->'suspension') STORED,
        ADD COLUMN breach jsonb GENERATED ALWAYS AS (snapshot->'breach') STORED,
        ADD COLUMN termination jsonb GENERATED ALWAYS AS (snapshot->'termination') STORED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agrements DROP COLUMN proposals, DROP COLUMN suspension, DROP COLUMN breach, DROP COLUMN termination`);
  }
}
