import { PARAMETERS } from '../../config/parameters';
import { erasePersonalData, retentionCutoff } from '../domain/retention';
import { dateIn } from '../../shared/domain/zoned-time';
import { SESSION_STREAM, sessionStreamId } from './session-stream';
import { reportContentHash } from './report-content';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { sessionsRepository } from '../infra/sessions.repository';
import type { InTransaction, SessionsRepository } from './ports';

const BATCH = 1000;

/**
 * SES-11, DATA-1: the sessions held more than 2 years ago (finalised or cancelled) lose their personal
 * data, a batch per transaction with one log entry per session; the hash of the report they had is kept
 * (report-content.ts), so the same history imported again is still 'unchanged'. Returns how many sessions were erased.
 */
export async function eraseExpiredSessionData(deps: Pick<ApplicationDeps, 'db' | 'now'>): Promise<number> {
  return eraseExpiredSessions((work) => deps.db.transaction((m) => work(sessionsRepository(m))), deps.now());
}

/** eraseExpiredSessionData over its port: batches of `batch` sessions until a batch comes back short. */
export async function eraseExpiredSessions(
  inTransaction: InTransaction<Pick<SessionsRepository, 'lockExpiredSessions' | 'erasePersonalData'>>,
  now: Date,
  batch = BATCH,
): Promise<number> {
  const cutoff = retentionCutoff(dateIn(now, PARAMETERS.agrement.timeZone));
  let erased = 0;
  for (;;) {
    const n = await inTransaction(async (sessions) => {
      const rows = await sessions.lockExpiredSessions(cutoff, batch);
      if (rows.length === 0) return 0;
      await sessions.erasePersonalData(
        rows.map((r) => ({ id: r.id, report: erasePersonalData(r.report), contentHash: reportContentHash(r.report) })),
        now,
        rows.map((r) => ({
          eventKey: `session-erasure:${r.id}`,
          streamType: SESSION_STREAM,
          streamId: sessionStreamId(r.id),
          type: 'personal-data-erased',
          ruleIds: ['SES-11', 'DATA-1'],
          fromState: null,
          toState: null,
          actor: 'system',
          reason: null,
          data: {
            sessionId: r.id,
            organisationId: r.organisation_id,
            date: r.date,
            retentionYears: PARAMETERS.sessions.minutesRetentionYears,
          },
          occurredAt: now,
        })),
      );
      return rows.length;
    });
    erased += n;
    if (n < batch) return erased;
  }
}
