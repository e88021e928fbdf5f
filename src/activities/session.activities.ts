import type { DataSource, EntityManager } from 'typeorm';
import type { SessionDeadline, SessionEvent } from '../domain/sessions/finalisation';
import { appendToLog } from '../infra/database/event-log';
import { SESSION_STREAM, sessionStreamId } from '../usecases/sessions/session-stream';

export interface RecordSessionInput {
  centreId: string;
  /** The deadline after the events. */
  session: SessionDeadline;
  events: Array<Omit<SessionEvent, 'emails'>>;
  /** Sequence of the first event (0: the opening); keys derive from it. */
  firstSeq: number;
  actor: string;
  reason: string | null;
  /** The workflow's clock. */
  at: string;
}

/** SES-10: the centre's quality record, one row per session once its deadline has passed or it is finalised. */
async function upsertQuality(m: EntityManager, centreId: string, s: SessionDeadline, at: string): Promise<void> {
  // A stale write (finalised_at null) never undoes a recorded finalisation.
  await m.query(
    `INSERT INTO session_quality (session_id, organisation_id, deadline_at, finalised_at, late, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (session_id) DO UPDATE SET
       organisation_id = EXCLUDED.organisation_id,
       deadline_at = EXCLUDED.deadline_at,
       finalised_at = COALESCE(EXCLUDED.finalised_at, session_quality.finalised_at),
       late = CASE WHEN EXCLUDED.finalised_at IS NOT NULL OR session_quality.finalised_at IS NULL THEN EXCLUDED.late ELSE session_quality.late END,
       recorded_at = EXCLUDED.recorded_at`,
    [s.sessionId, centreId, s.deadlineAt, s.finalisation?.finalisedAt ?? null, s.finalisation ? s.finalisation.late : s.state === 'overdue', at],
  );
}

/** Thin, idempotent activities of the session-deadline workflow. */
export function createSessionActivities({ db }: { db: DataSource }) {
  return {
    /** Appends the transitions (keyed by session and sequence, so a retry writes nothing twice) and the quality record, in one transaction. */
    async recordSession(input: RecordSessionInput): Promise<void> {
      const s = input.session;
      await db.transaction(async (m) => {
        await appendToLog(
          m,
          input.events.map((e, i) => ({
            eventKey: `${SESSION_STREAM}:${s.sessionId}:${input.firstSeq + i}`,
            streamType: SESSION_STREAM,
            streamId: sessionStreamId(s.sessionId),
            type: e.type,
            ruleIds: e.ruleIds,
            fromState: e.from,
            toState: e.to,
            actor: input.actor,
            reason: input.reason,
            data: { sessionId: s.sessionId, centreId: input.centreId, ...e.data },
            occurredAt: new Date(input.at),
          })),
        );
        if (s.state === 'overdue' || s.state === 'finalised' || s.state === 'finalised-late') await upsertQuality(m, input.centreId, s, input.at);
      });
    },
  };
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
