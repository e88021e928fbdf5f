import type { EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { blockerMessage, blockerRuleIds } from '../../agrement/domain/affected-sessions';
import { type Agrement, sessionBlocker as sessionBlockerOf } from '../../agrement/domain/agrement';
import { DomainError, InvalidCommand, NotFound, RulesFailed, TransitionRefused } from '../../shared/domain/errors';
import { unstorableTextAt } from '../../shared/domain/storable-text';
import { checkCampaignWindow, noWindowMessage, schoolYearOf } from '../domain/campaigns';
import { finalisationDeadline, sessionEndsAt } from '../domain/finalisation';
import { isTimeZone } from '../../shared/domain/zoned-time';
import { attributableIncidents, remedyDue } from '../domain/remedy';
import { priceOf } from '../domain/pricing';
import { PRICE_TABLES } from '../rules/price-tables';
import type { CentreKind, Session, SessionCentre } from '../domain/session';
import { dateIn } from '../../shared/domain/zoned-time';
import type { NewLogEntry } from '../../shared/event-log/event-log';
import { evaluateSession, type SessionEvaluation, type SessionRuleCatalogue } from '../rules';
import { loadRuleCatalogue } from './rule-sets/catalogue';
import { type CampaignData, loadCampaigns } from './campaigns';
import { sessionStreamId, SESSION_STREAM } from './session-stream';
import type { SessionDeadlineInput } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import {
  type FinalisedPayingSession,
  refreshStatementsAfterFinalisations,
  startLateStatements,
} from '../../billing/usecases/late-finalisations';
import type { Db } from '../../shared/database/db';
import { drainQuotaOutbox } from './quota-outbox';
import { quotaOutboxRepository } from '../infra/quota-outbox.repository';
import { sessionCentresRepository } from '../infra/session-centres.repository';
import { sessionQualityRepository } from '../infra/session-quality.repository';
import { sessionWorkflowOutboxRepository } from '../infra/session-workflow-outbox.repository';
import { sessionsRepository } from '../infra/sessions.repository';
import { deliverWorkflowSteps, qualityRow, quotaReport } from './session-workflow-outbox';
import { candidateOf, parseSessionReport, type SessionReport } from './session-report';
import { sameStoredReport } from './report-content';
import type { SessionStatus } from './session-row';
import type { CentreRow, QualityRow, QueuedStep, QuotaReport, WorkflowStep, WrittenSession } from './ports';

export type { SessionStatus } from './session-row';
export type { CentreRow } from './ports';

export interface Refusal {
  name: 'InvalidCommand' | 'TransitionRefused' | 'RulesFailed' | 'NotFound';
  field?: string;
  ruleId?: string;
  /** TransitionRefused: every rule the refusal cites (SES-9: the blocking rule, SUS-6 for a network, SES-9). */
  ruleIds?: string[];
  message: string;
  failures?: Array<{ ruleId: string; check: string; clause: string; message: string; actual: unknown; expected: unknown }>;
}

export type ReportOutcome =
  | { sessionId: string; outcome: 'created' | 'updated' | 'unchanged'; status: SessionStatus; ruleSetId: string; deadlineAt: string }
  | { sessionId: string | null; outcome: 'refused'; error: Refusal };

/** SCO-1: collèges and lycées (their category in the organisations table). */
export const SECONDARY_SCHOOL_CATEGORIES = ['college', 'lycee', 'agricultural-lycee'] as const;
const HIGHER_EDUCATION = ['public-higher-education', 'engineering-or-higher-technical-school', 'eespig'];
const PUBLIC_CATEGORIES = [
  'public-higher-education',
  'public-service-or-military-school',
  'public-adult-vocational-training',
  'public-establishment-with-training-mission',
  ...SECONDARY_SCHOOL_CATEGORIES,
];
/**
 * PRI-3: the categories known to be MENJ/MESRI public establishments other than EPLE. Only public higher
 * education (MESRI, DOC-3) is: the other public categories (military and public-service schools, adult
 * vocational training, other training missions) may answer to any ministry, which organisations do not record.
 */
const EDUCATION_MINISTRIES_PUBLIC_CATEGORIES = ['public-higher-education'];

/**
 * What the rules need of the organisation running a session. The kind says the pricing (PRI-4, SCO-1);
 * what the establishment is (SES-5, PRI-3) does not depend on its network.
 */
export function sessionCentreOf(o: CentreRow): SessionCentre {
  const school = (SECONDARY_SCHOOL_CATEGORIES as readonly string[]).includes(o.category);
  const higherEducation = HIGHER_EDUCATION.includes(o.category);
  const kind: CentreKind = school
    ? 'secondary-school'
    : o.network_type === 'B'
      ? 'network-b-member'
      : higherEducation
        ? 'higher-education'
        : 'centre';
  return {
    id: o.id,
    name: o.name,
    email: o.email,
    category: o.category,
    kind,
    publicEstablishment: PUBLIC_CATEGORIES.includes(o.category),
    higherEducation,
    educationMinistriesPublic: EDUCATION_MINISTRIES_PUBLIC_CATEGORIES.includes(o.category),
    agrementOrganisationId: school ? null : (o.network_id ?? o.id),
  };
}

export async function loadCentres(m: Db, ids: string[]): Promise<Map<string, SessionCentre>> {
  const rows = await sessionCentresRepository(m).findCentres(ids);
  return new Map(rows.map((o) => [o.id, sessionCentreOf(o)]));
}

export async function loadAgrements(m: Db, organisationIds: string[]): Promise<Map<string, Agrement>> {
  return sessionCentresRepository(m).findAgrements(organisationIds);
}

/** The session as the rules see it (the report plus what the organisation says of the centre). */
export function sessionOf(report: SessionReport, centre: SessionCentre): Session {
  // Each field named (an object rest `{ organisationId, status, ...rest }` cost 12 µs a session, issue 15, bench:import).
  // An optional field the report leaves out stays undefined, as the rest left it.
  const { invigilators, candidates } = report;
  return {
    id: report.id,
    date: report.date,
    startTime: report.startTime,
    endTime: report.endTime,
    timeZone: report.timeZone,
    address: report.address,
    room: report.room,
    thirdPartyVenue: report.thirdPartyVenue,
    thirdPartyVenueDetails: report.thirdPartyVenueDetails,
    public: report.public,
    plannedOn: report.plannedOn,
    publicInformation: report.publicInformation,
    minimumCandidates: report.minimumCandidates,
    confirmation: report.confirmation,
    spareComputers: report.spareComputers,
    invigilators: invigilators.map((i) => ({
      referent: false,
      trainedCandidateIds: [],
      relativeCandidateIds: [],
      subordinateCandidateIds: [],
      ...i,
    })),
    candidates: candidates.map(candidateOf),
    centreId: centre.id,
    centreKind: centre.kind,
    centrePublicEstablishment: centre.publicEstablishment,
    centreHigherEducation: centre.higherEducation,
    centreEducationMinistriesPublic: centre.educationMinistriesPublic,
    finalisation: report.finalisation ?? null,
  };
}

/** A session report judged: the session, its rule evaluation, deadline and price (one rule's outcome is a rule-engine Verdict). */
export interface SessionJudgement {
  session: Session;
  centre: SessionCentre;
  evaluation: SessionEvaluation;
  deadlineAt: Date;
  price: { priceCents: number; pixShareCents: number; payingCandidates: number };
}

/** What sessions are judged by, loaded in the caller's transaction: the rule sets in force (AGR-6) and the SCO-2 campaigns. */
export interface JudgingData {
  catalogue: SessionRuleCatalogue;
  campaigns: CampaignData;
}

/** The judging data for these reports (campaigns of their schools' school years). */
export async function loadJudgingData(
  m: EntityManager,
  reports: Array<{ report: SessionReport; centre: SessionCentre | undefined }>,
): Promise<JudgingData> {
  const schools = reports.filter((r) => r.centre?.kind === 'secondary-school');
  return {
    catalogue: await loadRuleCatalogue(m),
    campaigns: await loadCampaigns(
      m,
      [...new Set(schools.map((r) => schoolYearOf(r.report.date)))],
      [...new Set(schools.map((r) => r.report.organisationId))],
    ),
  };
}

/**
 * Judges a report: SES-9 (the agrément's blocker) for sessions still to be held, SCO-2 windows for
 * schools (409 when none is published for the year), then every SES/PRI rule in force on the session's
 * date (AGR-6). Pure once loaded.
 */
export function judge(
  report: SessionReport,
  centre: SessionCentre,
  agrement: Agrement | null,
  now: Date,
  data: JudgingData,
  options: { includePassing?: boolean } = {},
): SessionJudgement {
  if (!isTimeZone(report.timeZone))
    throw new InvalidCommand('timeZone', `timeZone ${report.timeZone} is not an IANA time zone (e.g. Europe/Paris, Indian/Reunion)`);
  const session = sessionOf(report, centre);
  const today = dateIn(now, report.timeZone);
  if (report.finalisation) {
    // SES-10: finalised after the session started, and not in the future.
    const at = new Date(report.finalisation.finalisedAt).getTime();
    if (at > now.getTime()) throw new InvalidCommand('finalisation.finalisedAt', 'finalisation.finalisedAt is in the future');
    if (at < sessionEndsAt(report.date, report.startTime, report.timeZone).getTime()) {
      throw new InvalidCommand('finalisation.finalisedAt', 'finalisation.finalisedAt is before the session started');
    }
  }
  let blocker = null;
  if (centre.agrementOrganisationId !== null && report.date >= today && (report.status ?? 'planned') === 'planned') {
    // SES-9: only sessions still to come are refused; a history import reports past ones.
    if (!agrement)
      throw new TransitionRefused('SES-9', `no session may be organised: ${centre.name} holds no agrément (SES-9, AGR-1)`, {
        organisationId: centre.id,
      });
    // Judged against the agrément as it will stand on the session's date (AGR-4 past the term, TER-5 past a notice's end).
    blocker = sessionBlockerOf(agrement, report.date);
    // SUS-6: a member centre's session is judged by its network's agrément: suspended as a whole, it is refused by SUS-2 too.
    if (blocker)
      throw new TransitionRefused(blocker.ruleId, blockerMessage(agrement, blocker), {
        state: agrement.state,
        organisationId: centre.id,
        ruleIds: blockerRuleIds(agrement, blocker.ruleId),
      });
  }
  let campaign = null;
  if (centre.kind === 'secondary-school') {
    // SCO-2: judged against its own school year's window only.
    const year = schoolYearOf(report.date);
    const window = data.campaigns.windows.find((w) => w.schoolYear === year && w.schoolType === centre.category);
    if (!window)
      throw new TransitionRefused('SCO-2', noWindowMessage(centre.category, year), { schoolYear: year, schoolType: centre.category });
    const derogation = data.campaigns.derogations.find((d) => d.schoolYear === year && d.organisationId === centre.id) ?? null;
    campaign = checkCampaignWindow(report.date, window, derogation);
  }
  const evaluation = evaluateSession(session, { sessionBlocker: blocker, today }, options, data.catalogue);
  const failures = [...(campaign ? [campaign] : []), ...evaluation.failures];
  if (failures.length > 0) {
    throw new RulesFailed(
      `the session breaks ${failures.length} rule${failures.length > 1 ? 's' : ''} of ${evaluation.ruleSetId}: ${[...new Set(failures.map((f) => f.ruleId))].join(', ')}`,
      failures.map((f) => ({
        ruleId: f.ruleId,
        check: f.check,
        clause: f.clause,
        message: f.message,
        actual: f.actual,
        expected: f.expected,
      })),
      { sessionId: report.id, ruleSetId: evaluation.ruleSetId },
    );
  }
  let priceCents = 0;
  let pixShareCents = 0;
  let payingCandidates = 0;
  for (const c of session.candidates) {
    const p = priceOf(c, centre.kind, report.date, PRICE_TABLES);
    priceCents += Math.round(p.priceEur * 100);
    pixShareCents += Math.round(p.pixShareEur * 100);
    if (p.pixShareEur > 0) payingCandidates++;
  }
  const deadlineAt = finalisationDeadline(report.date, report.endTime, report.timeZone, PARAMETERS.sessions.finalisationHours);
  return { session, centre, evaluation, deadlineAt, price: { priceCents, pixShareCents, payingCandidates } };
}

function refusalOf(err: unknown): Refusal {
  if (err instanceof RulesFailed) return { name: 'RulesFailed', message: err.message, failures: [...err.failures] };
  if (err instanceof TransitionRefused) {
    const ruleIds = err.details.ruleIds;
    return {
      name: 'TransitionRefused',
      ruleId: err.ruleId,
      ...(Array.isArray(ruleIds) ? { ruleIds: ruleIds as string[] } : {}),
      message: err.message,
    };
  }
  if (err instanceof InvalidCommand) return { name: 'InvalidCommand', field: err.field, message: err.message };
  if (err instanceof NotFound) return { name: 'NotFound', message: err.message };
  throw err;
}

export function errorOf(refusal: Refusal): DomainError {
  switch (refusal.name) {
    case 'RulesFailed':
      return new RulesFailed(refusal.message, refusal.failures ?? []);
    case 'TransitionRefused':
      return new TransitionRefused(refusal.ruleId ?? 'SES-1', refusal.message, refusal.ruleIds ? { ruleIds: refusal.ruleIds } : {});
    case 'InvalidCommand':
      return new InvalidCommand(refusal.field ?? '(body)', refusal.message);
    default:
      return new NotFound(refusal.message);
  }
}

export interface ReportOptions {
  actor: string;
  source: 'api' | 'import';
  /** Organisations the reporter may act for (centres, coordinators); undefined: Pix staff, all. */
  organisationIds?: string[];
  /** PUT /sessions/:id: the session must exist; POST /sessions: a different report for an existing id is refused. */
  mode?: 'create' | 'update' | 'upsert';
  /** QUO-3: deliver the queued counts right after the commit (default); a bulk import delivers them in larger batches itself. */
  deliverQuota?: boolean;
  /** The bulk import reporting: its QUO-3 counts wait for its own delivery (drainQuotaOutbox). */
  importId?: string;
  /**
   * Runs last in the batch's transaction, with every outcome known: a bulk import commits its progress
   * (lines done, counters, refusals) with the rows it counts, so a crash never leaves one without the other.
   */
  inTransaction?: (m: EntityManager, outcomes: ReportOutcome[]) => Promise<void>;
  /**
   * Runs in the batch's transaction once every report is judged and the rows of its own sessions are written, before
   * what other writers share (the statements, the event log): a bulk import waits there for its previous chunk's
   * commit, so chunks commit in file order while the next one is judged and written beside it.
   */
  beforeSharedWrites?: () => Promise<void>;
}

/**
 * Validates, judges and stores a batch of reports (SES-1): each is accepted or refused on its own, the
 * accepted ones are written in one transaction with their event-log entries, and an identical report
 * changes nothing. A session reported already finalised (a history import) has no workflow of its own:
 * its quality record (SES-10) and its QUO-3 count (through the outbox) are written in that same
 * transaction, as is what each change means for its SES-10 workflow (start, move, cancel, finalise).
 * After the commit the workflows and the agréments are told; a call that fails stays queued and the
 * system retries it (session_workflow_outbox, quota_outbox), so no committed session misses its deadline.
 */
export async function reportSessions(deps: ApplicationDeps, raws: unknown[], options: ReportOptions): Promise<ReportOutcome[]> {
  return storeReports(deps, prepareReports(raws, options), options);
}

/** A batch read before any database work: the reports that parsed and the refusals so far. */
export interface PreparedReports {
  /** By position in the batch; the reports stored fill the rest. */
  outcomes: ReportOutcome[];
  /** `json`: the text the report was parsed from, when it came as JSON text (a bulk import's line), stored as it came. */
  parsed: Array<{ i: number; report: SessionReport; json?: string }>;
}

/**
 * The part of reportSessions that needs no database (SES-1, DATA-1): each report parsed, unique in its batch, within the
 * caller's organisations. A bulk import prepares its next chunk while the current one's transaction runs.
 */
export function prepareReports(
  raws: unknown[],
  options: Pick<ReportOptions, 'organisationIds'>,
  texts: ReadonlyArray<string | undefined> = [],
): PreparedReports {
  const outcomes: ReportOutcome[] = new Array(raws.length);
  const parsed: PreparedReports['parsed'] = [];
  const seen = new Set<string>();
  for (const [i, raw] of raws.entries()) {
    try {
      const report = parseSessionReport(raw);
      // Only a JSON escape (\u0000, \ud800) brings such a character into a parsed line: a text without one needs no walk.
      const json = texts[i];
      const unstorable = json === undefined || json.includes('\\u') ? unstorableTextAt(report) : null;
      if (unstorable !== null)
        throw new InvalidCommand(unstorable, `${unstorable} contains a character that cannot be stored (U+0000 or an unpaired surrogate)`);
      if (seen.has(report.id)) throw new InvalidCommand('id', `session ${report.id} appears twice in the same batch`);
      seen.add(report.id);
      if (options.organisationIds && !options.organisationIds.includes(report.organisationId))
        throw new NotFound(`organisation ${report.organisationId} not found`);
      parsed.push({ i, report, json });
    } catch (err) {
      const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
      outcomes[i] = { sessionId: id, outcome: 'refused', error: refusalOf(err) };
    }
  }
  return { outcomes, parsed };
}

/** The rest of reportSessions: judged against what the transaction reads, written, then the workflows and agréments told. */
export async function storeReports(deps: ApplicationDeps, prepared: PreparedReports, options: ReportOptions): Promise<ReportOutcome[]> {
  const now = deps.now();
  const { outcomes, parsed } = prepared;
  const steps: WorkflowStep[] = [];
  const quotaAgrements = new Set<string>();
  let queued: QueuedStep[] = [];
  let finalisedPaying: FinalisedPayingSession[] = [];
  await deps.db.transaction(async (m) => {
    const centres = await loadCentres(m, [...new Set(parsed.map((p) => p.report.organisationId))]);
    // SES-9 is judged for sessions still to come only: history needs no agrément snapshot.
    const planned = parsed
      .filter((p) => (p.report.status ?? 'planned') === 'planned')
      .map((p) => centres.get(p.report.organisationId)?.agrementOrganisationId);
    const agrements = await loadAgrements(m, [...new Set(planned.filter((x): x is string => typeof x === 'string'))]);
    const sessions = sessionsRepository(m);
    const stored = await sessions.lockStoredSessions(parsed.map((p) => p.report.id));
    const byId = new Map(stored.map((s) => [s.id, s]));
    const data = await loadJudgingData(
      m,
      parsed.map((p) => ({ report: p.report, centre: centres.get(p.report.organisationId) })),
    );
    const log: NewLogEntry[] = [];
    const rows: WrittenSession[] = [];
    const quality: QualityRow[] = [];
    const quota: QuotaReport[] = [];
    for (const { i, report, json } of parsed) {
      try {
        const centre = centres.get(report.organisationId);
        if (!centre) throw new NotFound(`organisation ${report.organisationId} not found`);
        const before = byId.get(report.id);
        if (before && before.organisation_id !== report.organisationId) {
          // DATA-3: a session outside the caller's scope does not exist for them (404, as GET /sessions/:id answers), lest
          // its id confirm another centre's session; a caller who sees both organisations is told the session is not theirs.
          if (options.organisationIds && !options.organisationIds.includes(before.organisation_id))
            throw new NotFound(`session ${report.id} not found`);
          throw new TransitionRefused('SES-1', `session ${report.id} belongs to another organisation`);
        }
        if (before && sameStoredReport(before, report)) {
          const deadlineAt = finalisationDeadline(report.date, report.endTime, report.timeZone, PARAMETERS.sessions.finalisationHours);
          outcomes[i] = {
            sessionId: report.id,
            outcome: 'unchanged',
            status: before.status,
            ruleSetId: '',
            deadlineAt: deadlineAt.toISOString(),
          };
          continue;
        }
        if (before && options.mode === 'create')
          throw new TransitionRefused(
            'SES-1',
            `session ${report.id} already exists with other content: update it with PUT /sessions/${report.id}`,
          );
        if (!before && options.mode === 'update') throw new NotFound(`session ${report.id} not found`);
        const status = report.status ?? 'planned';
        if (before?.status === 'finalised')
          throw new TransitionRefused('SES-10', `session ${report.id} is finalised: it can no longer change`);
        if (before?.status === 'cancelled')
          throw new TransitionRefused('SES-7', `session ${report.id} is cancelled: it can no longer change`);
        const verdict = judge(
          report,
          centre,
          centre.agrementOrganisationId ? (agrements.get(centre.agrementOrganisationId) ?? null) : null,
          now,
          data,
        );
        const version = (before?.version ?? 0) + 1;
        rows.push({
          id: report.id,
          organisation_id: report.organisationId,
          agrement_organisation_id: centre.agrementOrganisationId,
          centre_kind: centre.kind,
          date: report.date,
          start_time: report.startTime,
          end_time: report.endTime,
          time_zone: report.timeZone,
          status,
          deadline_at: verdict.deadlineAt,
          candidate_count: report.candidates.length,
          candidates_who_sat: report.finalisation?.candidatesWhoSat ?? null,
          price_cents: verdict.price.priceCents,
          pix_share_cents: verdict.price.pixShareCents,
          paying_candidates: verdict.price.payingCandidates,
          rule_set_id: verdict.evaluation.ruleSetId,
          report,
          report_json: json,
          source: options.source,
          finalised_at: report.finalisation ? new Date(report.finalisation.finalisedAt) : null,
          cancelled_at: status === 'cancelled' ? now : null,
          cancellation_reason: report.cancellation?.reason ?? null,
          version,
        });
        const type = !before
          ? 'session-reported'
          : status === 'cancelled'
            ? 'session-cancelled'
            : status === 'finalised'
              ? 'session-finalised'
              : 'session-updated';
        log.push({
          eventKey: `session-report:${report.id}:${version}`,
          streamType: SESSION_STREAM,
          streamId: sessionStreamId(report.id),
          type,
          ruleIds: status === 'finalised' ? ['SES-1', 'SES-10', 'QUO-3'] : ['SES-1', verdict.evaluation.ruleSetId],
          fromState: before?.status ?? null,
          toState: status,
          actor: options.actor,
          reason: report.cancellation?.reason ?? null,
          data: {
            sessionId: report.id,
            organisationId: report.organisationId,
            date: report.date,
            ruleSetId: verdict.evaluation.ruleSetId,
            candidates: report.candidates.length,
            source: options.source,
          },
          occurredAt: now,
        });
        // SES-10: what the session's workflow must learn.
        const moved = before && (before.date !== report.date || before.end_time !== report.endTime);
        if (!before && status === 'planned') steps.push({ kind: 'start', input: workflowInput(report, centre) });
        else if (before && status === 'planned' && moved)
          steps.push({ kind: 'move', sessionId: report.id, date: report.date, endTime: report.endTime });
        if (status === 'cancelled') steps.push({ kind: 'cancel', sessionId: report.id, reason: report.cancellation!.reason });
        if (status === 'finalised') {
          // SES-12: an incident attributable to the centre opens the remedy follow-up, unless its 5 days are long
          // gone (a history import): reported through the API it is followed even late.
          const owed = attributableIncidents(report.finalisation?.incidents);
          if (owed && (options.source === 'api' || remedyDue(report.date, report.timeZone).at.getTime() > now.getTime())) {
            steps.push({
              kind: 'remedy',
              input: {
                sessionId: report.id,
                centreId: centre.id,
                centreName: centre.name,
                centreEmail: centre.email,
                date: report.date,
                timeZone: report.timeZone,
                ...owed,
              },
            });
          }
          const step = { kind: 'finalise', sessionId: report.id, report, centre, deadlineAt: verdict.deadlineAt.toISOString() } as const;
          // Only a session we started as planned has a workflow; one reported already over (history) has none:
          // its quality record and its quota count are written here, with its row.
          if (before?.status === 'planned') steps.push(step);
          else {
            quality.push(qualityRow(step));
            const q = quotaReport(report, centre);
            if (q) quota.push({ ...q, importId: options.importId ?? null });
          }
        }
        outcomes[i] = {
          sessionId: report.id,
          outcome: before ? 'updated' : 'created',
          status,
          ruleSetId: verdict.evaluation.ruleSetId,
          deadlineAt: verdict.deadlineAt.toISOString(),
        };
      } catch (err) {
        outcomes[i] = { sessionId: report.id, outcome: 'refused', error: refusalOf(err) };
      }
    }
    // First the rows of these sessions only (theirs, their quality records, QUO-3 counts and workflow steps), then
    // what other writers share (the statements, the event log), once beforeSharedWrites lets it.
    await sessions.upsertSessions(rows);
    await sessionQualityRepository(m).upsertQuality(quality);
    await quotaOutboxRepository(m).queueReports(quota);
    for (const q of quota) quotaAgrements.add(q.agrementOrganisationId);
    queued = await sessionWorkflowOutboxRepository(m).queueSteps(steps);
    if (options.beforeSharedWrites) await options.beforeSharedWrites();
    // BIL-1: finalised paying sessions join their month's open statement now (even after the 1st).
    finalisedPaying = rows
      .filter((r) => r.status === 'finalised' && r.pix_share_cents > 0)
      .map((r) => ({ organisationId: r.organisation_id, date: r.date }));
    await refreshStatementsAfterFinalisations(m, finalisedPaying);
    // Last, as the event log's lock is held until the commit.
    await sessions.logReports(log);
    if (options.inTransaction) await options.inTransaction(m, outcomes);
  });
  // SES-10: the workflows learn of the committed changes; what fails stays queued and is retried.
  const { error } = await deliverWorkflowSteps(deps, queued);
  if (options.deliverQuota !== false && quotaAgrements.size > 0) await drainQuotaOutbox(deps, { organisationIds: [...quotaAgrements] });
  // BIL-1: a month whose statement run has passed gets its statement now. Live reports only: a history
  // import must not open statements for months long settled outside the engine.
  if (options.source === 'api' && finalisedPaying.length > 0) {
    // The sessions are committed: a failure here must not answer an error (the monthly run is the safety net).
    await startLateStatements(deps, finalisedPaying).catch((err) => console.warn('BIL-1: late statements not started', err));
  }
  if (error) throw error;
  return outcomes;
}

function workflowInput(report: SessionReport, centre: SessionCentre): SessionDeadlineInput {
  return {
    sessionId: report.id,
    centreId: centre.id,
    agrementOrganisationId: centre.agrementOrganisationId,
    centreName: centre.name,
    centreEmail: centre.email,
    date: report.date,
    endTime: report.endTime,
    timeZone: report.timeZone,
    candidates: report.candidates.length,
  };
}

/** POST /sessions/dry-run: the whole verdict, nothing written. Rule failures are part of the answer, not an error. */
export async function dryRunSession(
  deps: ApplicationDeps,
  raw: unknown,
  options: { organisationIds?: string[]; includePassing?: boolean },
) {
  const report = parseSessionReport(raw);
  if (options.organisationIds && !options.organisationIds.includes(report.organisationId))
    throw new NotFound(`organisation ${report.organisationId} not found`);
  const m = deps.db.manager;
  const centre = (await loadCentres(m, [report.organisationId])).get(report.organisationId);
  if (!centre) throw new NotFound(`organisation ${report.organisationId} not found`);
  const agrement = centre.agrementOrganisationId
    ? ((await loadAgrements(m, [centre.agrementOrganisationId])).get(centre.agrementOrganisationId) ?? null)
    : null;
  const data = await loadJudgingData(m, [{ report, centre }]);
  try {
    const v = judge(report, centre, agrement, deps.now(), data, { includePassing: options.includePassing });
    return {
      allowed: true,
      ruleSetId: v.evaluation.ruleSetId,
      effectiveFrom: v.evaluation.effectiveFrom,
      failures: [],
      passes: v.evaluation.passes,
      notApplicable: v.evaluation.notApplicable,
      deadlineAt: v.deadlineAt.toISOString(),
      price: { totalEur: v.price.priceCents / 100, pixShareEur: v.price.pixShareCents / 100, payingCandidates: v.price.payingCandidates },
    };
  } catch (err) {
    if (err instanceof RulesFailed) return { allowed: false, blockedBy: null, ruleSetId: err.details.ruleSetId, failures: err.failures };
    if (err instanceof TransitionRefused) return { allowed: false, blockedBy: { ruleId: err.ruleId, message: err.message }, failures: [] };
    throw err;
  }
}
