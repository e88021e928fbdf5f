/**
 * What the control-visit use cases need from storage (issue 13), as plain types: implemented over PostgreSQL by
 * src/visits/infra/*.repository.ts, in memory by the unit tests. A method that writes a change also writes its
 * event-log entries, in the caller's transaction.
 */
import type { Agrement } from '../../agrement/domain/agrement';
import type { StoredFindings } from '../domain/findings';
import type { InspectorInput, PlannedVisitOf, Unavailability } from '../domain/inspectors';
import type { InspectorKind, PlannedVisit, VisitKind } from '../domain/planner';

// ---------------------------------------------------------------------------------------------
// Control visits (control_visits), and what a plan reads of the other contexts

/** VIS-1: a centre under a running agrément: its own, or its network's (ELIG-4). */
export interface VisitTarget {
  organisationId: string;
  name: string;
  email: string;
  department: string | null;
  networkId: string | null;
  agrementId: string;
}

/** A visit (not cancelled) already planned in a period: its centre is covered, its inspector's day taken. */
export interface PlannedVisitSlot {
  id: string;
  organisationId: string;
  inspectorId: string;
  plannedOn: string;
  kind: VisitKind;
}

/** APP-3: an application whose conformity visit is required before the grant and not yet planned. */
export interface ConformityVisitDue {
  applicationId: string;
  organisationId: string;
  name: string;
  department: string | null;
  networkId: string | null;
}

/** VIS-1: a session still planned (SES-1), when an unannounced visit may take place. */
export interface ScheduledSession {
  sessionId: string;
  date: string;
}

/** A visit of a plan, under its id. */
export interface PersistedVisit extends PlannedVisit {
  id: string;
}

/** A control visit with its centre and inspector. */
export interface VisitRecord {
  id: string;
  organisationId: string;
  organisationName: string;
  organisationEmail: string;
  department: string | null;
  agrementId: string | null;
  applicationId: string | null;
  inspectorId: string;
  inspectorName: string;
  inspectorEmail: string;
  inspectorKind: InspectorKind;
  kind: VisitKind;
  plannedOn: string;
  letterSentBy: string | null;
  sessionId: string | null;
  costEur: number;
  status: 'planned' | 'done' | 'cancelled';
  findings: StoredFindings | null;
  createdAt: Date;
}

export interface VisitsRepository {
  /** Serialises plannings and inspector changes until the transaction ends: two plans at once would book the same inspectors twice. */
  lockPlanning(): Promise<void>;
  /** The centres under an agrément (running ones only when liveOnly), a centre's own agrément first. */
  agrementTargets(filter: { organisationId?: string; liveOnly: boolean }): Promise<VisitTarget[]>;
  /** The visits not cancelled planned in [from, to], soonest first. */
  visitsPlannedBetween(from: string, to: string): Promise<PlannedVisitSlot[]>;
  /** APP-3 */
  conformityVisitsDue(): Promise<ConformityVisitDue[]>;
  /** VIS-1: the sessions still planned in [from, to], per centre. */
  scheduledSessions(organisationIds: string[], from: string, to: string): Promise<Map<string, ScheduledSession[]>>;
  /** Writes the plan's visits (status planned) and their 'visit-planned' entries. */
  recordPlannedVisits(
    visits: readonly PersistedVisit[],
    context: { actor: string; at: Date; period: { from: string; to: string } },
  ): Promise<void>;
  /** With lock, the visit's row stays locked until the transaction ends. */
  findVisit(visitId: string, options?: { lock?: boolean }): Promise<VisitRecord | null>;
  /** Those of the visits still planned, soonest first. */
  plannedVisits(visitIds: string[]): Promise<VisitRecord[]>;
  /** The visits (any status) planned in [from, to], an inspector's only when given; by day, then centre name. */
  visitsBetween(from: string, to: string, inspectorId: string | null, organisationId?: string): Promise<VisitRecord[]>;
  /** Whether the inspector has (or had) a visit to the centre. */
  inspectorHasVisited(inspectorId: string, organisationId: string): Promise<boolean>;
  /**
   * VIS-4: marks the visit done with its findings (the charged cost, when given), and writes the findings' and each
   * proposal's entries, keyed by the visit id as requested.
   */
  recordFindings(visitId: string, visit: VisitRecord, findings: StoredFindings, context: { actor: string; at: Date }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Inspectors (inspectors)

export interface InspectorRecord {
  id: string;
  kind: InspectorKind;
  name: string;
  email: string;
  organisationId: string | null;
  organisationName: string | null;
  networkId: string | null;
  departments: string[];
  capacity: number;
  availableFrom: string;
  /** Null: open-ended. */
  availableTo: string | null;
  unavailable: Unavailability[];
  active: boolean;
  deactivatedAt: Date | null;
  deactivationReason: string | null;
  createdAt: Date;
  visitsDone: number;
}

/** A visit still to make (status planned). */
export type InspectorPlannedVisit = PlannedVisitOf & { organisationName: string; kind: string };

/** VIS-5: an active inspector engaged during a period, as the planner sees them (the network read from their centre when not their own). */
export interface AvailableInspector {
  id: string;
  name: string;
  email: string;
  kind: InspectorKind;
  organisationId: string | null;
  networkId: string | null;
  departments: string[];
  availableFrom: string;
  /** Null: open-ended. */
  availableTo: string | null;
  capacity: number;
  unavailable: Array<{ from: string; to: string }>;
}

/** The filter of a list; absent: any. */
export interface InspectorFilter {
  active?: boolean;
  department?: string;
  kind?: InspectorKind;
}

/** The fields a change sets (absent: unchanged). */
export interface InspectorPatch {
  unavailable?: Unavailability[];
  availableFrom?: string;
  availableTo?: string | null;
  capacity?: number;
  departments?: string[];
}

/** A change's audit entry (stream "inspector", VIS-5). */
export interface InspectorAudit {
  type: string;
  actor: string;
  at: Date;
  data: Record<string, unknown>;
  reason?: string | null;
}

export interface InspectorsRepository {
  /** The planning lock (see VisitsRepository.lockPlanning): a plan never assigns an inspector being changed or retired. */
  lockPlanning(): Promise<void>;
  /** With lock, the inspector's row stays locked until the transaction ends. */
  find(id: string, options?: { lock?: boolean }): Promise<InspectorRecord | null>;
  /** By name. */
  list(filter: InspectorFilter): Promise<InspectorRecord[]>;
  /** The visits each inspector still has to make, soonest first. */
  plannedVisits(inspectorIds: string[]): Promise<Map<string, InspectorPlannedVisit[]>>;
  organisationExists(organisationId: string): Promise<boolean>;
  /** The inspector with this e-mail, whatever its case. */
  idByEmail(email: string): Promise<string | null>;
  /** The inspector whose e-mail is the user's login. */
  idOfUser(userId: string): Promise<string | null>;
  /** VIS-5: the active inspectors engaged at some point of [from, to]. */
  availableBetween(from: string, to: string): Promise<AvailableInspector[]>;
  create(inspector: InspectorInput & { id: string; createdAt: Date }, audit: InspectorAudit): Promise<void>;
  update(id: string, patch: InspectorPatch, audit: InspectorAudit): Promise<void>;
  deactivate(id: string, deactivation: { at: Date; reason: string }, audit: InspectorAudit): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// A centre's quality record (centre_quality_events)

export interface QualityEventRecord {
  id: string;
  kind: string;
  occurredOn: string;
  details: Record<string, unknown>;
}

export interface QualityEventsRepository {
  organisationExists(organisationId: string): Promise<boolean>;
  /** The centre a session belongs to; null when there is no such session. */
  sessionOrganisation(sessionId: string): Promise<string | null>;
  /** Writes the event and its entry (stream "centre-quality"). */
  record(
    event: QualityEventRecord & { organisationId: string },
    log: { ruleIds: string[]; actor: string; reason: string; at: Date },
  ): Promise<void>;
  count(organisationId: string, kind: string | null): Promise<number>;
  /** Newest first. */
  list(organisationId: string, kind: string | null, page: { limit: number; offset: number }): Promise<QualityEventRecord[]>;
}

// ---------------------------------------------------------------------------------------------
// The sources of the risk facts (VIS-1), read for many centres at once

export interface RiskAgrement {
  id: string;
  organisationId: string;
  firstGrantOn: string;
  candidates: number;
  snapshot: Agrement;
}

export interface RiskFactsRepository {
  agrements(agrementIds: string[]): Promise<RiskAgrement[]>;
  /** SUS-1, BRE-1: how many 'suspended' and 'breach-notified' entries the agréments of each owner have, whenever. */
  sanctionCounts(owners: string[]): Promise<Array<{ owner: string; type: string; count: number }>>;
  /** SES-10: the sessions finalised late (session_quality) whose deadline is on or after `since`. */
  lateSessions(organisationIds: string[], since: string): Promise<Array<{ organisationId: string; sessionId: string }>>;
  /** SES-12, SUS-1: the incidents and fraud reports of each session's last finalisation since `since`. */
  finalisationReports(
    organisationIds: string[],
    since: string,
  ): Promise<Array<{ centreId: string; sessionId: string; incidents: number; fraudReports: number }>>;
  /** SES-12: the remedies not offered within their 5 days, due since `since`. */
  lateRemedies(organisationIds: string[], since: string): Promise<Array<{ organisationId: string; count: number }>>;
  /** The quality events that occurred in [since, today]. */
  qualityEvents(
    organisationIds: string[],
    since: string,
    today: string,
  ): Promise<Array<{ organisationId: string; kind: string; sessionId: string | null }>>;
  /** The day of each centre's last visit done, on or before today. */
  lastVisitsDone(organisationIds: string[], today: string): Promise<Map<string, string>>;
}
