import type { DataSource } from 'typeorm';
import type { SessionDeadline, SessionEvent } from '../domain/finalisation';
import { sessionQualityRepository } from '../infra/session-quality.repository';
import { SESSION_STREAM, sessionStreamId } from '../usecases/session-stream';

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

/** Thin, idempotent activities of the session-deadline workflow. */
export function createSessionActivities({ db }: { db: DataSource }) {
  return {
    /** Appends the transitions (keyed by session and sequence, so a retry writes nothing twice) and the quality record, in one transaction. */
    async recordSession(input: RecordSessionInput): Promise<void> {
      const s = input.session;
      await db.transaction(async (m) => {
        await sessionQualityRepository(m).recordDeadline(
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
          s.state === 'overdue' || s.state === 'finalised' || s.state === 'finalised-late'
            ? {
                session_id: s.sessionId,
                organisation_id: input.centreId,
                deadline_at: s.deadlineAt,
                finalised_at: s.finalisation?.finalisedAt ?? null,
                late: s.finalisation ? s.finalisation.late : s.state === 'overdue',
                recorded_at: input.at,
              }
            : null,
        );
      });
    },
  };
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
