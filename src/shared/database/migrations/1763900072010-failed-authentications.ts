import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 (docs/adr/0005): failed authentications are counted in PostgreSQL, per client address, so that N API
 * replicas enforce one limit (issue 12) rather than N. UNLOGGED: counters need not survive a crash of the server.
 * `scope` separates API deployments sharing a database (the tests' API instances).
 */
export class FailedAuthentications1763900072010 implements MigrationInterface {
  name = 'FailedAuthentications1763900072010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE IF NOT EXISTS failed_authentications (
        scope text NOT NULL,
        address text NOT NULL,
        failures integer NOT NULL,
        window_ends_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (scope, address)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS failed_authentications_blocked_idx ON failed_authentications (scope, blocked_until) WHERE blocked_until IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS failed_authentications`);
  }
}
