import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { SessionFinalised } from '../../../../src/agrement/workflows/definitions';
import type { InTransaction, QuotaOutboxRepository, QuotaReport } from '../../../../src/sessions/usecases/ports';
import { deliverQuotaReports } from '../../../../src/sessions/usecases/quota-outbox';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

/** The outbox in memory: a transaction works on a copy, kept only if it commits. */
function inMemoryOutbox(reports: QuotaReport[]) {
  const state = { rows: [...reports] };
  const inTransaction: InTransaction<QuotaOutboxRepository> = async (work) => {
    let rows = [...state.rows];
    const repository: QuotaOutboxRepository = {
      async queueReports(more) {
        for (const r of more) if (!rows.some((x) => x.session.sessionId === r.session.sessionId)) rows.push(r);
      },
      async lockWaitingReports(limit, organisationIds) {
        return rows
          .filter((r) => organisationIds === null || organisationIds.includes(r.agrementOrganisationId))
          .sort((x, y) => x.agrementOrganisationId.localeCompare(y.agrementOrganisationId))
          .slice(0, limit);
      },
      async removeReports(sessionIds) {
        rows = rows.filter((r) => !sessionIds.includes(r.session.sessionId));
      },
    };
    const result = await work(repository);
    state.rows = rows;
    return result;
  };
  return { state, inTransaction };
}

const report = (agrementOrganisationId: string, n: number): QuotaReport => ({
  agrementOrganisationId,
  session: { sessionId: `${agrementOrganisationId.slice(-1)}-${n}`, finalisedOn: '2026-11-02', candidates: n },
});

describe('QUO-3 the outbox of finalised sessions, delivered to their agréments', () => {
  it('QUO-3 one signal per agrément and batch, then the delivered rows go', async () => {
    const outbox = inMemoryOutbox([report(A, 1), report(B, 2), report(A, 3), report(A, 4)]);
    const signals: Array<[string, SessionFinalised[]]> = [];
    const delivered = await deliverQuotaReports(outbox.inTransaction, async (id, sessions) => void signals.push([id, sessions]), {
      batch: 2,
    });
    expect(delivered).toBe(4);
    // Agréments are signalled in parallel; each one's batches in order.
    const of = (agrement: string) => signals.filter(([id]) => id === agrement).map(([, s]) => s.map((x) => x.sessionId));
    expect(signals).toHaveLength(3);
    expect(of(A)).toEqual([['a-1', 'a-3'], ['a-4']]);
    expect(of(B)).toEqual([['b-2']]);
    expect(outbox.state.rows).toEqual([]);
  });

  it('QUO-3 each transaction locks and delivers at most a round of rows; the rounds go on until none is left', async () => {
    const outbox = inMemoryOutbox([report(A, 1), report(A, 2), report(A, 3), report(B, 4), report(B, 5)]);
    const rounds: number[] = [];
    const inTransaction: typeof outbox.inTransaction = (work) =>
      outbox.inTransaction(async (repository) =>
        work({
          ...repository,
          async lockWaitingReports(limit, organisationIds, importId) {
            const rows = await repository.lockWaitingReports(limit, organisationIds, importId);
            rounds.push(rows.length);
            return rows;
          },
        }),
      );
    const signals: string[][] = [];
    const delivered = await deliverQuotaReports(
      inTransaction,
      async (_id, sessions) => void signals.push(sessions.map((x) => x.sessionId)),
      {
        round: 2,
      },
    );
    expect(delivered).toBe(5);
    expect(rounds).toEqual([2, 2, 1, 0]);
    expect(signals).toEqual([['a-1', 'a-2'], ['a-3'], ['b-4'], ['b-5']]);
    expect(outbox.state.rows).toEqual([]);
  });

  it("QUO-3 agréments are signalled in parallel, up to the concurrency asked for, each one's batches one after the other", async () => {
    const C = '00000000-0000-4000-8000-00000000000c';
    const outbox = inMemoryOutbox([report(A, 1), report(A, 2), report(B, 3), report(C, 4)]);
    let inFlight = 0;
    let most = 0;
    const perAgrement = new Map<string, number>();
    const delivered = await deliverQuotaReports(
      outbox.inTransaction,
      async (id) => {
        inFlight++;
        perAgrement.set(id, (perAgrement.get(id) ?? 0) + 1);
        expect(perAgrement.get(id)).toBe(1); // never two of one agrément at once
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        perAgrement.set(id, perAgrement.get(id)! - 1);
        inFlight--;
      },
      { batch: 1, concurrency: 2 },
    );
    expect(delivered).toBe(4);
    expect(most).toBe(2);
    expect(outbox.state.rows).toEqual([]);
  });

  it('QUO-3 only the agréments asked for are delivered; the others wait', async () => {
    const outbox = inMemoryOutbox([report(A, 1), report(B, 2)]);
    const signalled: string[] = [];
    expect(await deliverQuotaReports(outbox.inTransaction, async (id) => void signalled.push(id), { organisationIds: [B] })).toBe(1);
    expect(signalled).toEqual([B]);
    expect(outbox.state.rows.map((r) => r.session.sessionId)).toEqual(['a-1']);
  });

  it('QUO-3 an agrément whose workflow has ended counts nothing more: its rows are dropped', async () => {
    const outbox = inMemoryOutbox([report(A, 1), report(B, 2)]);
    const signal = async (id: string) => {
      if (id === A) throw new WorkflowNotFoundError('ended', `agrement-${A}`, undefined);
    };
    expect(await deliverQuotaReports(outbox.inTransaction, signal)).toBe(2);
    expect(outbox.state.rows).toEqual([]);
  });

  it('QUO-3 a signal that fails otherwise (Temporal down) keeps every row of the round for the next drain', async () => {
    const outbox = inMemoryOutbox([report(A, 1), report(B, 2)]);
    const down = new Error('connection refused');
    await expect(
      deliverQuotaReports(outbox.inTransaction, async (id) => {
        if (id === B) throw down;
      }),
    ).rejects.toBe(down);
    expect(outbox.state.rows.map((r) => r.session.sessionId)).toEqual(['a-1', 'b-2']);
  });
});
