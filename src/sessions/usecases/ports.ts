/**
 * The sessions context's ports: what its use cases and activities need of storage, as plain types (no TypeORM). The
 * PostgreSQL implementations are the `*.repository.ts` factories of src/sessions/infra, each built over the
 * data source or a transaction's manager (`sessionsRepository(m)`); unit tests give in-memory ones.
 */
import type { Agrement } from '../../agrement/domain/agrement';
import type { SessionFinalised } from '../../agrement/workflows/definitions';
import type { NewLogEntry } from '../../shared/event-log/event-log';
import type { SessionRemedy } from '../domain/remedy';
import type { SessionCentre } from '../domain/session';
import type { SessionDeadlineInput, SessionDeadlineSnapshot } from '../workflows/definitions';
import type { SessionRemedyInput } from '../workflows/remedy-definitions';
import type { SessionReport } from './session-report';
import type { SessionRow, SessionStatus } from './session-row';

/** Runs `work` in one transaction, over a repository built on that transaction (the use case's unit of work). */
export type InTransaction<R> = <T>(work: (repository: R) => Promise<T>) => Promise<T>;

// ---------------------------------------------------------------------------------------------------------
// Sessions (sessions.repository.ts)

/** A stored session as a new report of it is judged against (SES-1, SES-7, SES-10). */
export interface StoredSession {
  id: string;
  organisation_id: string;
  status: SessionStatus;
  /** The report as stored, null once SES-11 has erased its people (then content_hash says what it was). */
  report: SessionReport | null;
  /** Kept for an erased report (SES-11) and by sessions stored before issue 15; null otherwise (report-content.ts). */
  content_hash: string | null;
  date: string;
  end_time: string;
  version: number;
}

/** As written: the columns read back only (times of day, zone, content hash) come along. */
export type WrittenSession = SessionRow & {
  start_time: string;
  end_time: string;
  time_zone: string;
  /** The JSON text the report came as (a bulk import's line), stored as is; absent: the report is serialised. */
  report_json?: string;
};

/** A session as the API shows it. */
export interface SessionView {
  id: string;
  organisationId: string;
  organisationName: string;
  /** The agrément the centre works under (its network's for a member), for a link to it; null for a school. */
  agrementId: string | null;
  agrementOrganisationId: string | null;
  centreKind: string;
  date: string;
  status: SessionStatus;
  /** SES-10. */
  deadlineAt: string;
  candidates: number;
  candidatesWhoSat: number | null;
  /** PRI-1..5, BIL-1: € incl. VAT. */
  price: { totalEur: number; pixShareEur: number; payingCandidates: number };
  ruleSetId: string;
  source: 'api' | 'import';
  finalisedAt: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  /** SES-11: past its 2 years, the engine's copy no longer holds the people's data. */
  personalDataErasedAt: string | null;
  version: number;
  updatedAt: string;
}

export interface SessionFilter {
  organisationIds?: string[];
  organisationId?: string;
  status?: string;
  from?: string;
  to?: string;
  /** Part of the centre's name, whatever its case and accents. */
  centre?: string;
  /** SES-10: only the sessions still planned whose finalisation deadline passed before this instant. */
  overdueAt?: Date;
  limit: number;
  offset: number;
}

/** A session held long enough ago for its personal data to go (SES-11, DATA-1). */
export interface ExpiredSession {
  id: string;
  organisation_id: string;
  date: string;
  report: SessionReport;
}

export interface SessionsRepository {
  /** The stored sessions of these ids, locked until the transaction ends (a batch of reports is judged against them). */
  lockStoredSessions(ids: string[]): Promise<StoredSession[]>;
  /** A batch's sessions in one statement (a history import writes 500 at a time). */
  upsertSessions(rows: WrittenSession[]): Promise<void>;
  /** The log entries of a batch of reports (the session streams), written last in the batch's transaction. */
  logReports(entries: NewLogEntry[]): Promise<void>;
  /** A session's stored report and its organisation, or null. */
  findStoredReport(id: string): Promise<{ report: SessionReport; organisationId: string } | null>;
  /** A session as the API shows it, with its report, or null. */
  findSession(id: string): Promise<(SessionView & { report: SessionReport }) | null>;
  /** A page of sessions, newest first, and how many match. */
  listSessions(filter: SessionFilter): Promise<{ total: number; items: SessionView[] }>;
  /** SES-11: up to `limit` sessions held before `cutoff` and not planned whose personal data remain, locked (SKIP LOCKED). */
  lockExpiredSessions(cutoff: string, limit: number): Promise<ExpiredSession[]>;
  /** SES-11, DATA-1: stores the erased reports and their log entries (one per session). */
  erasePersonalData(
    erased: Array<{ id: string; report: SessionReport; contentHash: string }>,
    erasedAt: Date,
    entries: NewLogEntry[],
  ): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// What sessions are judged with, read from the organisations, applications and agrements tables (session-centres.repository.ts)

/** An organisation's row as loadCentres reads it: its category and its network's type (PRI-4). */
export interface CentreRow {
  id: string;
  name: string;
  email: string;
  category: string;
  network_id: string | null;
  network_type: string | null;
}

export interface SessionCentresRepository {
  findCentres(organisationIds: string[]): Promise<CentreRow[]>;
  /** SES-9: the agrément snapshots of these organisations, by organisation. */
  findAgrements(organisationIds: string[]): Promise<Map<string, Agrement>>;
}

// ---------------------------------------------------------------------------------------------------------
// The centre's quality record (session-quality.repository.ts)

/** A row of the centre's quality record (SES-10): one per session, once its deadline passed or it was finalised. */
export interface QualityRow {
  session_id: string;
  organisation_id: string;
  deadline_at: string;
  /** Null while overdue and not finalised. */
  finalised_at: string | null;
  late: boolean;
  /** When the engine recorded it (the workflow's clock); absent: now. */
  recorded_at?: string | null;
}

export interface SessionQualityRepository {
  /**
   * SES-10: the one writer of session_quality. A stale write (no finalisation) never undoes a recorded
   * finalisation, nor its lateness; a finalisation always wins.
   */
  upsertQuality(rows: readonly QualityRow[]): Promise<void>;
  /** SES-10: the deadline workflow's transitions (log entries, keyed so a retry writes nothing twice), then its quality row if any. */
  recordDeadline(entries: NewLogEntry[], quality: QualityRow | null): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// SES-12 remedies (session-remedies.repository.ts)

export interface SessionRemediesRepository {
  /** The follow-up as last recorded, or null. */
  findRemedy(sessionId: string): Promise<SessionRemedy | null>;
  /** The follow-up (a newer version only) and its log entries. */
  saveRemedy(centreId: string, remedy: SessionRemedy, at: string, entries: NewLogEntry[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// QUO-3 outbox (quota-outbox.repository.ts)

/** A finalised session to be counted by its agrément (QUO-3). */
export interface QuotaReport {
  agrementOrganisationId: string;
  session: SessionFinalised;
  /** The bulk import that queued it: held for that import's own delivery, at its end, while it runs (QUO-3). */
  importId?: string | null;
}

export interface QuotaOutboxRepository {
  /** Queued in the caller's transaction, once per session. */
  queueReports(reports: QuotaReport[]): Promise<void>;
  /**
   * Up to `limit` waiting reports (of these agréments, if given), by agrément then age, locked (SKIP LOCKED). Reports
   * queued by an import still running are left to it: only that import (`importId`) takes them.
   */
  lockWaitingReports(limit: number, organisationIds: string[] | null, importId?: string | null): Promise<QuotaReport[]>;
  removeReports(sessionIds: string[]): Promise<void>;
}

/** QUO-3: tells an agrément's workflow of finalised sessions (a `sessionsFinalised` signal). */
export type SignalSessionsFinalised = (agrementOrganisationId: string, sessions: SessionFinalised[]) => Promise<void>;

// ---------------------------------------------------------------------------------------------------------
// SES-10 workflow outbox (session-workflow-outbox.repository.ts)

/** What a committed change means for the session's SES-10 workflow. */
export type WorkflowStep =
  | { kind: 'start'; input: SessionDeadlineInput }
  | { kind: 'move'; sessionId: string; date: string; endTime: string }
  | { kind: 'cancel'; sessionId: string; reason: string }
  | { kind: 'finalise'; sessionId: string; report: SessionReport; centre: SessionCentre; deadlineAt: string }
  | { kind: 'remedy'; input: SessionRemedyInput };

/** The session a step is for (the outbox's session_id; a session's steps go in order). */
export const sessionOfStep = (step: WorkflowStep): string =>
  step.kind === 'start' || step.kind === 'remedy' ? step.input.sessionId : step.sessionId;

export interface QueuedStep {
  id: string;
  step: WorkflowStep;
}

export interface SessionWorkflowOutboxRepository {
  /** Written in the caller's transaction, in order: the ids rise with the steps. */
  queueSteps(steps: WorkflowStep[]): Promise<QueuedStep[]>;
  /** Up to 500 steps after `afterId` queued at least `olderThanSeconds` ago, oldest first. */
  waitingSteps(afterId: string, olderThanSeconds: number): Promise<QueuedStep[]>;
  /** The steps of these sessions queued before `beforeId` and still waiting (an earlier request died or failed), oldest first. */
  stepsBefore(sessionIds: string[], beforeId: string): Promise<QueuedStep[]>;
  removeSteps(ids: string[]): Promise<void>;
  recordFailure(id: string, error: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Bulk imports, their refusals and their spooled uploads (session-imports.repository.ts)

export type ImportFormat = 'csv' | 'json' | 'ndjson';

/** A run of an import: the job and the token of the one run allowed to write its progress (issue 11). */
export interface ImportRun {
  id: string;
  runToken: string;
}

export interface NewImport {
  format: ImportFormat;
  fileName: string | null;
  actor: string;
  spool: { parts: number; bytes: number } | null;
}

/** A running job as its run starts: what is committed, and the last refusal's sequence. */
export interface RunningImport {
  format: ImportFormat;
  actor: string;
  spool_parts: number | null;
  sessions_read: number;
  lines_done: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  seq: number;
}

export interface ImportProgress {
  sessionsRead: number;
  linesDone: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  /** The whole file is read: the job completes. */
  done: boolean;
}

/** A refused session: seq, first and last line, session id, field, rule ids, message. */
export type ImportErrorRow = [number, number, number, string | null, string | null, string[] | null, string];

/** A job claimed by a resume (issue 11). */
export interface ClaimedImport {
  id: string;
  spool_parts: number | null;
  idle_resumes: number;
}

/** An import as the API shows it. */
export interface ImportView {
  id: string;
  format: ImportFormat;
  fileName: string | null;
  status: string;
  sessionsRead: number;
  processed: number;
  total: number | null;
  /** Known once the whole file has been read; until then the count read so far shows progress. */
  percent: number | null;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  /** The last physical line (JSON: item) whose session is committed: a resumed run starts after it. */
  linesDone: number;
  failure: string | null;
  /** Runs of the job: 1, plus one per resume after its process died or stopped (issue 11). */
  attempts: number;
  resumedAt: string | null;
  startedAt: string;
  finishedAt: string | null;
  actor: string;
}

export interface ImportRefusal {
  line: number;
  lineTo: number;
  sessionId: string | null;
  field: string | null;
  ruleIds: string[] | null;
  message: string;
}

/** A spooled part's bytes: compressed by the process that received them ('deflate'), or as received (parts spooled before). */
export interface SpoolPart {
  data: Buffer;
  encoding: 'identity' | 'deflate';
}

export interface SessionImportsRepository {
  createImport(run: ImportRun, input: NewImport): Promise<void>;
  /** The job, while this run owns it and it runs; null otherwise. */
  findRunningImport(run: ImportRun): Promise<RunningImport | null>;
  /** The run's heartbeat; false when the run no longer owns the job. */
  beat(run: ImportRun): Promise<boolean>;
  /**
   * The progress, fenced by the run token, then the refusals it counts (one statement); false, and nothing
   * written, when the run no longer owns the job.
   */
  saveProgress(run: ImportRun, progress: ImportProgress, errors: readonly ImportErrorRow[]): Promise<boolean>;
  /** Ends the job as failed, if this run still owns it (false otherwise). */
  failRun(run: ImportRun, failure: string): Promise<boolean>;
  /** Gives the job up without ending it. */
  release(run: ImportRun): Promise<void>;
  /** Claims the oldest stalled job (idle `olderThanSeconds`, or released) for a new run token (SKIP LOCKED). */
  claimStalledImport(olderThanSeconds: number, runToken: string): Promise<ClaimedImport | null>;
  /** Ends a claimed job as failed. */
  failImport(id: string, failure: string): Promise<void>;
  findImport(id: string): Promise<ImportView | null>;
  /** The imports, newest first, optionally of one status, and how many match. */
  listImports(filter: { status?: string; limit: number; offset: number }): Promise<{ total: number; items: ImportView[] }>;
  /** A page of the refusals of an import, in file order, and how many there are. */
  listRefusals(id: string, page: { limit: number; offset: number }): Promise<{ total: number; items: ImportRefusal[] }>;
  /** A part of the spooled upload, as stored (`encoding`: how its bytes are compressed). */
  writeSpoolPart(importId: string, part: number, stored: SpoolPart): Promise<void>;
  /** A part of the spooled upload, as stored, or null when missing. */
  readSpoolPart(importId: string, part: number): Promise<SpoolPart | null>;
  removeSpool(importId: string): Promise<void>;
  /** Removes the parts of uploads that never became a running job once their newest part is `minutes` old; returns how many uploads. */
  removeAbandonedUploads(minutes: number): Promise<number>;
}

/** SES-10: a session's deadline as its running workflow holds it (the workflow's state query). */
export interface SessionWorkflowsRepository {
  /** Null when the workflow answers no more (closed long ago, or never started): the stored row stands. */
  deadlineOf(sessionId: string): Promise<SessionDeadlineSnapshot | null>;
}
