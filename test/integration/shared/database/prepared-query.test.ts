import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../../../src/shared/database/prepared-query';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';
import { TEST_APP_ROLE } from '../../../support/app-role';
import { createDataSource } from '../../../../src/shared/database/data-source';

/**
 * Issue 15: the dashboards' reads run as named prepared statements (src/shared/database/prepared-query.ts): the same
 * answers as an unnamed query, parsed once per connection, and still answered after a migration changes what they return.
 */
let scratch: ScratchDatabase;
let db: DataSource;
/** The database's owner, for the tables (the app's role may not create one), as migrations run. */
let owner: DataSource;

beforeAll(async () => {
  scratch = await scratchDatabase('prepared');
  owner = await createDataSource(scratch.ownerUrl, { poolSize: 1 }).initialize();
  await owner.query(`CREATE TABLE prepared_probe (id int PRIMARY KEY, name text)`);
  await owner.query(`INSERT INTO prepared_probe VALUES (1, 'un'), (2, 'deux'), (3, 'trois')`);
  await owner.query(`GRANT SELECT, INSERT ON prepared_probe TO ${TEST_APP_ROLE.role}`);
  db = await scratch.replica(1); // one connection: what it has prepared is what pg_prepared_statements shows
});

afterAll(async () => {
  await owner?.destroy();
  await scratch?.drop();
});

const PROBE = `SELECT id, name FROM prepared_probe WHERE id >= $1 ORDER BY id LIMIT $2`;

describe('preparedQuery (issue 15)', () => {
  it('answers as an unnamed query, and prepares the statement once on its connection', async () => {
    for (const [from, limit] of [
      [1, 10],
      [2, 1],
      [3, 5],
    ]) {
      expect(await preparedQuery(db, PROBE, [from, limit])).toEqual(await db.query(PROBE, [from, limit]));
    }
    const prepared: { statement: string }[] = await preparedQuery(
      db,
      `SELECT statement FROM pg_prepared_statements WHERE statement LIKE $1 ORDER BY name`,
      ['%prepared_probe%'],
    );
    expect(prepared.map((p) => p.statement)).toEqual([PROBE]);
  });

  it('still answers once a migration has changed what the statement returns (0A000: prepared afresh)', async () => {
    const all = `SELECT * FROM prepared_probe ORDER BY id LIMIT $1`;
    expect(await preparedQuery(db, all, [1])).toEqual([{ id: 1, name: 'un' }]);
    await owner.query(`ALTER TABLE prepared_probe ADD COLUMN department text DEFAULT '69'`);
    expect(await preparedQuery(db, all, [1])).toEqual([{ id: 1, name: 'un', department: '69' }]);
    // And the statements prepared before the change answer again, under their new names.
    expect(await preparedQuery(db, PROBE, [3, 1])).toEqual([{ id: 3, name: 'trois' }]);
  });

  it('plans each statement once for any values on its own connections, where the data source keeps the default', async () => {
    // Issue 15: generic plans for the prepared reads only (src/shared/database/prepared-query.ts).
    const mode = `SELECT current_setting('plan_cache_mode') AS mode WHERE $1::int = 1`;
    expect(await preparedQuery(db, mode, [1])).toEqual([{ mode: 'force_generic_plan' }]);
    expect(await db.query(mode, [1])).toEqual([{ mode: 'auto' }]);
    const probe = `SELECT name FROM prepared_probe WHERE id = $1`;
    for (const id of [1, 2, 3, 1, 2, 3, 1]) await preparedQuery(db, probe, [id]);
    const [plans]: { generic: number; custom: number }[] = await preparedQuery(
      db,
      `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement = $1`,
      [probe],
    );
    expect(plans).toEqual({ generic: 7, custom: 0 });
  });

  it('closes its pool with the data source: no connection of it is left open', async () => {
    const replica = await scratch.replica(2);
    const pid = async (d: DataSource) =>
      (await preparedQuery<{ pid: number }>(d, `SELECT pg_backend_pid() AS pid WHERE $1::int = 1`, [1]))[0]!.pid;
    const readerPid = await pid(replica);
    const open = async () =>
      ((await owner.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [readerPid])) as { n: number }[])[0]!.n;
    expect(await open()).toBe(1);
    await replica.destroy();
    // The backend is gone once PostgreSQL has seen the connection close: polled, within less than the 10 s after which
    // the pool would close an idle connection by itself.
    await expect.poll(open, { timeout: 5_000, interval: 20 }).toBe(0);
  });

  it("inside a transaction, runs on the transaction's connection (it reads what the transaction wrote)", async () => {
    await db
      .transaction(async (m) => {
        await m.query(`INSERT INTO prepared_probe (id, name) VALUES (4, 'quatre')`);
        expect(await preparedQuery(m, PROBE, [4, 1])).toEqual([{ id: 4, name: 'quatre' }]);
        throw new Error('rolled back');
      })
      .catch((e: Error) => expect(e.message).toBe('rolled back'));
    expect(await preparedQuery(db, PROBE, [4, 1])).toEqual([]);
  });
});
