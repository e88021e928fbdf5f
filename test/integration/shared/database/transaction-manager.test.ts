import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { accessRepository } from '../../../../src/access/infra/access.repository';
import { createDataSource } from '../../../../src/shared/database/data-source';
import { transactionManager } from '../../../../src/shared/database/db';

/**
 * "No data half-written": a repository's write that records a log entry commits the row and its entry in the use
 * case's transaction. Built over the data source, or over a manager outside any transaction, it refuses before
 * writing anything (else the row would commit alone, its entry in a second transaction that may never come).
 */
let db: DataSource;
const audit = { actor: 'operations@pix.test', at: new Date('2026-12-03T10:00:00Z') };
const newUser = () => ({
  id: randomUUID(),
  name: 'Claire Martin',
  email: `${randomUUID()}@pix.test`,
  role: 'operations' as const,
  organisationId: null,
});

beforeAll(async () => {
  db = await createDataSource(inject('databaseUrl'), { poolSize: 2 }).initialize();
});
afterAll(async () => db?.destroy());

async function userRows(id: string): Promise<number> {
  const [{ n }]: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM users WHERE id = $1', [id]);
  return n;
}
async function logEntries(userId: string): Promise<number> {
  const [{ n }]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM event_log WHERE stream_id = $1`, [userId]);
  return n;
}

describe('transactionManager: an audited write runs in its use case transaction', () => {
  it('refuses the data source and a manager outside a transaction, accepts a transaction manager', async () => {
    expect(() => transactionManager(db, 'the probe')).toThrow(/the probe runs inside the use case's transaction/);
    expect(() => transactionManager(db.manager, 'the probe')).toThrow(/the probe runs inside the use case's transaction/);
    await db.transaction(async (m) => expect(transactionManager(m)).toBe(m));
  });

  it('an audited user creation outside a transaction writes neither the user nor an entry', async () => {
    for (const over of [db, db.manager]) {
      const user = newUser();
      await expect(accessRepository(over).insertUser(user, audit)).rejects.toThrow(/inside the use case's transaction/);
      expect(await userRows(user.id)).toBe(0);
      expect(await logEntries(user.id)).toBe(0);
    }
  });

  it('in a transaction, the user and its entry commit together, or neither when the transaction fails', async () => {
    const kept = newUser();
    await db.transaction((m) => accessRepository(m).insertUser(kept, audit));
    expect([await userRows(kept.id), await logEntries(kept.id)]).toEqual([1, 1]);

    const rolledBack = newUser();
    await expect(
      db.transaction(async (m) => {
        await accessRepository(m).insertUser(rolledBack, audit);
        throw new Error('a later step of the use case fails');
      }),
    ).rejects.toThrow('a later step');
    expect([await userRows(rolledBack.id), await logEntries(rolledBack.id)]).toEqual([0, 0]);
  });

  it('an unaudited write (demo seeding) still runs over the data source', async () => {
    const user = newUser();
    await accessRepository(db).insertUser(user);
    expect([await userRows(user.id), await logEntries(user.id)]).toEqual([1, 0]);
  });
});
