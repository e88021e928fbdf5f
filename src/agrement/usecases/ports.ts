import type { ApplicationData } from '../../application/domain/application';
import type { AffectedSession, AffectingEvent, PlannedSession, Recipient } from '../domain/affected-sessions';
import type { AgrementSnapshot } from '../workflows/definitions';

/**
 * The agrément context's ports: what its use cases need from storage and from the running workflows, as plain
 * types. Implemented over PostgreSQL and Temporal in src/agrement/infra/*.repository.ts; the use cases' unit
 * tests implement them in memory.
 */

/** The agréments' read model, for the checks made at the API's edge before a workflow is asked anything. */
export interface AgrementRepository {
  /** ELIG-4: the facts of a network's latest application (its type, coordinating entity, departments), if any. */
  latestNetworkApplication(organisationId: string): Promise<ApplicationData | null>;
  /** ELIG-4, QUO-1: the agréments an organisation holds that have not ended (expired or terminated). */
  runningAgrementIdsOf(organisationId: string): Promise<string[]>;
}

/** What a notice of the planned sessions an agrément affects writes on each session's stream (SES-9). */
export interface AffectedSessionsNoticeRecord {
  /** Idempotency key of the notice: each session's entry is keyed `<key>:<session id>`. */
  key: string;
  agrementId: string;
  /** The agrément's holder (a network's coordinating organisation for its members' sessions). */
  agrementOrganisationId: string;
  event: AffectingEvent;
  sessions: readonly AffectedSession[];
  at: Date;
}

/** SES-9, SUS-6: the planned sessions an agrément covers, and the notices recorded on them. */
export interface AffectedSessionsRepository {
  /**
   * The sessions still planned under the agrément of `organisationId`, dated from the day before `today` on: the
   * centre's own, or a network's (its coordinating organisation's and its member centres'). SCO-1 left out.
   */
  plannedSessionsUnder(organisationId: string, today: string): Promise<PlannedSession[]>;
  /** The organisations to e-mail, by id (a network's member centres). */
  recipients(organisationIds: string[]): Promise<Recipient[]>;
  /** One entry per session on its stream of the event log: blocked or at risk, by which rule, from when (idempotent by key). */
  recordNotices(notice: AffectedSessionsNoticeRecord): Promise<void>;
  /** Runs `work` in one transaction, over a repository bound to it. */
  transaction<T>(work: (repository: AffectedSessionsRepository) => Promise<T>): Promise<T>;
}

/** The agrément as its running workflow holds it (the read model may lag behind an action in flight). */
export interface AgrementWorkflowRepository {
  /** The workflow's answer to its state query; rejects when the workflow does not answer. */
  currentState(workflowId: string): Promise<AgrementSnapshot>;
}
