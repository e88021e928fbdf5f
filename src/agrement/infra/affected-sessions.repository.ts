import type { PlannedSession, Recipient } from '../domain/affected-sessions';
import { shiftDays } from '../domain/deadlines';
import type { Db } from '../../shared/database/db';
import { transactionManager } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import { SESSION_STREAM, sessionStreamId } from '../../sessions/usecases/session-stream';
import type { AffectedSessionsNoticeRecord, AffectedSessionsRepository } from '../usecases/ports';

interface PlannedSessionRow {
  id: string;
  organisation_id: string;
  name: string;
  date: string;
  start_time: string;
  end_time: string;
  time_zone: string;
  address: string | null;
  room: string | null;
}

/**
 * SES-9, SUS-6: the planned sessions an agrément covers (sessions joined with their organisations), and the notices
 * recorded on the sessions' streams of the event log. Over the data source, or a transaction's manager.
 */
export function affectedSessionsRepository(db: Db): AffectedSessionsRepository {
  return {
    /**
     * Dated from the day before `today` on (venues' zones differ from the agrément's; the domain keeps those not
     * yet started); for a network (SUS-6) its coordinating organisation's and its member centres'. Secondary
     * schools need no agrément (SCO-1) and are left out.
     */
    async plannedSessionsUnder(organisationId: string, today: string): Promise<PlannedSession[]> {
      const rows: PlannedSessionRow[] = await db.query(
        `SELECT s.id, s.organisation_id, o.name, to_char(s.date, 'YYYY-MM-DD') AS date, s.start_time, s.end_time, s.time_zone,
              s.report->>'address' AS address, s.report->>'room' AS room
         FROM sessions s JOIN organisations o ON o.id = s.organisation_id
        WHERE s.status = 'planned' AND s.date >= $2::date AND s.agrement_organisation_id IS NOT NULL
          AND (s.agrement_organisation_id = $1 OR o.id = $1 OR o.network_id = $1)
        ORDER BY s.date, s.start_time, s.id`,
        [organisationId, shiftDays(today, -1)],
      );
      return rows.map((r) => ({
        sessionId: r.id,
        organisationId: r.organisation_id,
        organisationName: r.name,
        date: r.date,
        startTime: r.start_time,
        endTime: r.end_time,
        timeZone: r.time_zone,
        address: r.address ?? '',
        room: r.room ?? '',
      }));
    },

    async recipients(organisationIds: string[]): Promise<Recipient[]> {
      const rows: Array<{ id: string; name: string; email: string }> = await db.query(
        'SELECT id, name, email FROM organisations WHERE id = ANY($1)',
        [organisationIds],
      );
      return rows.map((o) => ({ organisationId: o.id, name: o.name, email: o.email }));
    },

    /** Needs a transaction's manager (see `transaction`): the log's appends lock and chain within it. */
    async recordNotices(n: AffectedSessionsNoticeRecord): Promise<void> {
      await appendToLog(
        transactionManager(db, 'the notices of affected sessions'),
        n.sessions.map((s) => ({
          eventKey: `${n.key}:${s.sessionId}`,
          streamType: SESSION_STREAM,
          streamId: sessionStreamId(s.sessionId),
          type: s.status === 'blocked' ? 'session-blocked-by-agrement' : 'session-at-risk',
          ruleIds: s.ruleIds,
          fromState: 'planned',
          toState: 'planned',
          actor: 'system',
          reason: null,
          data: {
            sessionId: s.sessionId,
            organisationId: s.organisationId,
            date: s.date,
            agrementId: n.agrementId,
            agrementOrganisationId: n.agrementOrganisationId,
            agrementEvent: n.event,
            ruleId: s.ruleId,
            from: s.from,
          },
          occurredAt: n.at,
        })),
      );
    },

    transaction<T>(work: (repository: AffectedSessionsRepository) => Promise<T>): Promise<T> {
      return db.transaction((m) => work(affectedSessionsRepository(m)));
    },
  };
}
