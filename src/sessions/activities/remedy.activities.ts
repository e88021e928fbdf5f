import type { DataSource } from 'typeorm';
import type { RemedyEvent, SessionRemedy } from '../domain/remedy';
import { sessionRemediesRepository } from '../infra/session-remedies.repository';
import { SESSION_STREAM, sessionStreamId } from '../usecases/session-stream';

export interface RecordRemedyInput {
  centreId: string;
  /** The follow-up after the events. */
  remedy: SessionRemedy;
  events: Array<Omit<RemedyEvent, 'emails'>>;
  /** Sequence of the first event (0: the opening); keys derive from it. */
  firstSeq: number;
  actor: string;
  /** The workflow's clock. */
  at: string;
}

/** Thin, idempotent activities of the SES-12 remedy follow-up. */
export function createRemedyActivities({ db }: { db: DataSource }) {
  return {
    /**
     * The session's log entries (its own stream, so its timeline shows the remedy) and the row the
     * dashboards read, in one transaction; keyed by sequence and version, so a retry writes nothing twice.
     */
    async recordRemedy(input: RecordRemedyInput): Promise<void> {
      const r = input.remedy;
      await db.transaction(async (m) => {
        await sessionRemediesRepository(m).saveRemedy(
          input.centreId,
          r,
          input.at,
          input.events.map((e, i) => ({
            eventKey: `session-remedy:${r.sessionId}:${input.firstSeq + i}`,
            streamType: SESSION_STREAM,
            streamId: sessionStreamId(r.sessionId),
            type: e.type,
            ruleIds: e.ruleIds,
            fromState: e.from,
            toState: e.to,
            actor: input.actor,
            reason: null,
            data: { sessionId: r.sessionId, centreId: input.centreId, ...e.data },
            occurredAt: new Date(input.at),
          })),
        );
      });
    },
  };
}

export type RemedyActivities = ReturnType<typeof createRemedyActivities>;
