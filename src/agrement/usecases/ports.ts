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

/** Issue 14: the orders of the centre search (GET /centres). */
export const CENTRE_SORTS = ['name', 'department', 'state', 'termOn', 'nextDeadline'] as const;
export type CentreSort = (typeof CENTRE_SORTS)[number];

/** What the centre search filters on; every criterion optional, all of them together (AND). */
export interface CentreSearchFilter {
  /** A substring of the name, whatever its case and accents. */
  name?: string;
  /** The start of the UAI (DOC-1), upper case. */
  uaiPrefix?: string;
  department?: string;
  /** A region's departments (the region filter, resolved by the use case). */
  departments?: readonly string[];
  /** A network's coordinating organisation: it and its members. */
  networkId?: string;
  /** The state of the agrément that covers the organisation. */
  state?: string;
  kind?: 'centre' | 'network';
  /** Restricts to these organisations (centre and coordinator users). */
  organisationIds?: readonly string[];
  sort: CentreSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/**
 * One organisation the search finds, with the agrément that covers it: its own (a centre's or a network's), or its
 * network's for a member centre (ELIG-4, QUO-1: a member holds no agrément of its own).
 */
export interface CentreSearchRow {
  organisationId: string;
  name: string;
  uai: string | null;
  department: string | null;
  kind: 'centre' | 'network';
  networkId: string | null;
  networkName: string | null;
  agrementId: string;
  /** Whose agrément it is: the organisation's own, or its network's. */
  agrementHeldBy: 'self' | 'network';
  /** The agrément's own kind (a member's row shows its network's agrément). */
  agrementKind: 'centre' | 'network';
  state: string;
  termOn: string;
  nextDeadline: { name: string; ruleId: string; on: string } | null;
  candidates: number;
}

/** Issue 14: the proposals queue (GET /proposals), filtered on the proposal's kind and the organisation's place. */
export interface ProposalQueueFilter {
  kind?: 'termination' | 'breach-notice' | 'suspension';
  department?: string;
  departments?: readonly string[];
  organisationIds?: readonly string[];
  limit: number;
  offset: number;
}

/** One proposal waiting for the legal team (BRE-4), with the agrément and organisation it concerns. */
export interface PendingProposalRow {
  proposalId: string;
  agrementId: string;
  agrementState: string;
  agrementKind: 'centre' | 'network';
  organisationId: string;
  organisationName: string;
  department: string | null;
  kind: 'termination' | 'breach-notice' | 'suspension';
  cause: string;
  ruleId: string;
  ruleIds: string[];
  reason: string;
  proposedOn: string;
  visitId: string | null;
}

/** The read models of the operations screens over the agréments (issue 14), counted, filtered, sorted and paged in SQL. */
export interface PortfolioRepository {
  searchCentres(f: CentreSearchFilter): Promise<{ total: number; items: CentreSearchRow[] }>;
  /** Open proposals of running agréments, oldest first. */
  pendingProposals(f: ProposalQueueFilter): Promise<{ total: number; items: PendingProposalRow[] }>;
}
