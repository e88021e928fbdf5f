import { describe, expect, it } from 'vitest';
import type { NewLogEntry } from '../../../../src/shared/event-log/event-log';
import { ERASED } from '../../../../src/sessions/domain/retention';
import type { ExpiredSession, InTransaction, SessionsRepository } from '../../../../src/sessions/usecases/ports';
import { eraseExpiredSessions } from '../../../../src/sessions/usecases/retention';
import type { SessionReport } from '../../../../src/sessions/usecases/session-report';
import { sessionReport } from '../../../support/session-fixtures';

const ORG = '00000000-0000-4000-8000-000000000001';

interface Stored {
  id: string;
  date: string;
  status: 'planned' | 'finalised' | 'cancelled';
  report: SessionReport;
  erasedAt: Date | null;
}

type Retention = Pick<SessionsRepository, 'lockExpiredSessions' | 'erasePersonalData'>;

/** The sessions table in memory, with the log entries its erasures wrote and the number of transactions. */
function inMemorySessions(sessions: Stored[]) {
  const log: NewLogEntry[] = [];
  let transactions = 0;
  const repository: Retention = {
    async lockExpiredSessions(cutoff, limit) {
      return sessions
        .filter((s) => s.date < cutoff && s.erasedAt === null && s.status !== 'planned')
        .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map((s): ExpiredSession => ({ id: s.id, organisation_id: ORG, date: s.date, report: s.report }));
    },
    async erasePersonalData(erased, erasedAt, entries) {
      for (const e of erased)
        Object.assign(
          sessions.find((s) => s.id === e.id)!,
          { report: e.report, erasedAt },
        );
      log.push(...entries);
    },
  };
  const inTransaction: InTransaction<Retention> = async (work) => {
    transactions++;
    return work(repository);
  };
  return { log, inTransaction, transactions: () => transactions };
}

const session = (id: string, date: string, status: Stored['status']): Stored => ({
  id,
  date,
  status,
  report: { ...sessionReport(ORG, { id, date }, 1) },
  erasedAt: null,
});

describe('SES-11 DATA-1 the personal data of sessions held more than 2 years ago are erased', () => {
  const now = new Date('2026-11-24T10:00:00Z');

  it('SES-11 only held sessions (finalised or cancelled) before the cutoff lose their people, one log entry each', async () => {
    const sessions = [
      session('S-old', '2024-11-23', 'finalised'),
      session('S-cancelled', '2023-05-02', 'cancelled'),
      session('S-cutoff', '2024-11-24', 'finalised'),
      session('S-never-held', '2024-01-10', 'planned'),
    ];
    const db = inMemorySessions(sessions);
    expect(await eraseExpiredSessions(db.inTransaction, now)).toBe(2);
    const byId = new Map(sessions.map((s) => [s.id, s]));
    for (const id of ['S-old', 'S-cancelled']) {
      expect(byId.get(id)!.report.candidates[0]!.lastName).toBe(ERASED);
      expect(byId.get(id)!.erasedAt).toEqual(now);
    }
    for (const id of ['S-cutoff', 'S-never-held']) expect(byId.get(id)!.report.candidates[0]!.lastName).toBe('Nom0');
    expect(db.log.map((e) => [e.eventKey, e.type, e.ruleIds, e.data.date])).toEqual([
      ['session-erasure:S-cancelled', 'personal-data-erased', ['SES-11', 'DATA-1'], '2023-05-02'],
      ['session-erasure:S-old', 'personal-data-erased', ['SES-11', 'DATA-1'], '2024-11-23'],
    ]);
  });

  it('SES-11 a batch per transaction, until a batch comes back short; erased sessions are not erased again', async () => {
    const sessions = Array.from({ length: 5 }, (_, i) => session(`S-${i}`, `2023-01-0${i + 1}`, 'finalised'));
    const db = inMemorySessions(sessions);
    expect(await eraseExpiredSessions(db.inTransaction, now, 2)).toBe(5);
    expect(db.transactions()).toBe(3);
    expect(await eraseExpiredSessions(db.inTransaction, now, 2)).toBe(0);
    expect(db.log).toHaveLength(5);
  });
});
