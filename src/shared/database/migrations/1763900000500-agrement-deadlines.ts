import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every pending deadline of every agrément, one row each, indexed by instant: the dashboards read it. */
export class AgrementDeadlines1763900000500 implements MigrationInterface {
  name = 'AgrementDeadlines1763900000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agrement_deadlines (
        agrement_id uuid NOT NULL REFERENCES agrements(id),
        key text NOT NULL,
        name text NOT NULL,
        rule_id text NOT NULL,
        on_date date NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (agrement_id, key)
      )`);
    await q.query(`CREATE INDEX agrement_deadlines_at_idx ON agrement_deadlines(at, name)`);
    await q.query(`
      INSERT INTO agrement_deadlines (agrement_id, key, name, rule_id, on_date, at)
      SELECT a.id, d->>'key', d->>'name', d->>'ruleId', (d->>'on')::date, (d->>'at')::timestamptz
        FROM agrements a, jsonb_array_elements(a.deadlines) d`);
    await q.query(`CREATE INDEX agrements_organisation_idx ON agrements(organisation_id)`);
    // What waits on a person (BRE-4 proposals, AGR-2 missed renewal requests), kept as columns so the
    // overdue dashboard reads an index instead of every snapshot.
    await q.query(`ALTER TABLE agrements ADD COLUMN open_proposals integer NOT NULL DEFAULT 0, ADD COLUMN renewal_missed_on date`);
    await q.query(`CREATE INDEX agrements_attention_idx ON agrements(id) WHERE open_proposals > 0 OR renewal_missed_on IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX agrements_attention_idx`);
    await q.query(`ALTER TABLE agrements DROP COLUMN open_proposals, DROP COLUMN renewal_missed_on`);
    await q.query(`DROP INDEX agrements_organisation_idx`);
    await q.query(`DROP TABLE agrement_deadlines`);
  }
}
