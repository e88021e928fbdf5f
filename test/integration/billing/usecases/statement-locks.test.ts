import type { DataSource, EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { statementsRepository } from '../../../../src/billing/infra/statements.repository';
import type { StatementsRepository } from '../../../../src/billing/usecases/ports';
import { markStatementSent, prepareStatement } from '../../../../src/billing/usecases/statement-lifecycle';
import { closeDataSources, dataSourceFor } from '../../../../src/shared/database/data-source';
import { agrementStart, insertOrganisation } from '../../../support/agrement-fixtures';
import { until } from '../../../support/waiting';

let db: DataSource;
beforeAll(async () => {
  db = await dataSourceFor(inject('databaseUrl'));
});
afterAll(async () => {
  await closeDataSources();
});

/** Whether the backend `pid` is waiting for a lock another transaction holds. */
async function waitingForALock(pid: number): Promise<boolean> {
  const [r]: { waiting: boolean }[] = await db.query(
    `SELECT coalesce(wait_event_type = 'Lock', false) AS waiting FROM pg_stat_activity WHERE pid = $1`,
    [pid],
  );
  return r?.waiting ?? false;
}

describe('BIL-1: the writers of one centre’s statements take their locks in one order', () => {
  it('BIL-1 two statements of one centre sent at the same instant: both are sent, neither transaction deadlocks', async () => {
    const start = agrementStart('2025-09-01');
    await insertOrganisation(db, start);
    const organisationId = start.organisationId;
    const ids: string[] = [];
    for (const [month, at] of [
      ['2026-01', '2026-02-01T05:00:00.000Z'],
      ['2026-02', '2026-03-01T05:00:00.000Z'],
    ] as const)
      ids.push((await db.transaction((m) => prepareStatement(statementsRepository(m), { organisationId, month, at }))).id);

    // Each transaction, once it holds its statement's row, waits until the other holds its own too, or is
    // blocked waiting for a lock: the interleaving that deadlocked, forced rather than left to chance.
    const pids: number[] = [];
    const locked = new Set<number>();
    const send = (index: number) =>
      db.transaction(async (m: EntityManager) => {
        const [{ pid }]: { pid: number }[] = await m.query('SELECT pg_backend_pid() AS pid');
        pids[index] = pid;
        const repository = statementsRepository(m);
        const paused: StatementsRepository = {
          ...repository,
          async lockForSending(statementId) {
            const row = await repository.lockForSending(statementId);
            locked.add(index);
            const other = 1 - index;
            await until(
              async () => locked.has(other) || (pids[other] !== undefined && (await waitingForALock(pids[other]))),
              (ready) => ready,
            );
            return row;
          },
        };
        return markStatementSent(paused, { statementId: ids[index], sentAt: '2026-03-02T09:00:00.000Z', actor: 'centre' });
      });

    const results = await Promise.allSettled([send(0), send(1)]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'sent'))).toEqual(['sent', 'sent']);
    const states: { state: string }[] = await db.query(`SELECT state FROM monthly_statements WHERE id = ANY($1) ORDER BY month`, [ids]);
    expect(states.map((s) => s.state)).toEqual(['sent', 'sent']);
  });
});
