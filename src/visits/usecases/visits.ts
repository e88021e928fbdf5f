/**
 * Control visits (VIS-1..5, APP-3): the risk score of a centre, the plan of a period (persisted in one
 * transaction, then e-mailed exactly once through the outbox), the plans as each person may see them,
 * and the findings (VIS-4) with their proposal to the legal team (BRE-1, SUS-1, BRE-4).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataSource, EntityManager } from 'typeorm';
import { queueEmail, type EmailDeps, type SendEmailInput } from '../../mail/usecases/queue-email';
import { PARAMETERS } from '../../config/parameters';
import { actorLabel, type Principal } from '../../access/domain/roles';
import { visitFindingsKey, visitProposalId } from '../../agrement/domain/agrement';
import { requireDate } from '../../shared/domain/dates';
import { DomainError, InvalidCommand, NotFound, TransitionRefused } from '../../shared/domain/errors';
import { assessFindings, CHECKLIST_LABELS, type FindingsAssessment, type FindingsInput } from '../domain/findings';
import { type InspectorKind, type Plan, type PlannedVisit, type PlannerCentre, type PlannerInspector, planVisits, type VisitKind } from '../domain/planner';
import { dateIn } from '../../shared/domain/zoned-time';
import { appendToLog, canonicalJson } from '../../shared/event-log/event-log';
import { riskScore, type RiskFacts, type RiskScore } from '../rules';
import { actOnAgrement } from '../../agrement/usecases/agrements';
import { riskFacts, riskFactsFor, riskSubjectKey } from './risk-facts';

export const CONTROL_VISIT_STREAM = 'control-visit';
/** Serialises plannings: two plans at once would book the same inspectors twice. */
export const PLANNING_LOCK = 748_215_005;
/** VIS-1: an agrément in these states is running: its centres may be visited. */
const LIVE_STATES = ['active', 'suspended', 'under-notice', 'terminating'];

export interface VisitDeps {
  db: DataSource;
  now: () => Date;
  /** The e-mail outbox (see queueEmail). */
  mail: EmailDeps;
  /** The agrément workflows, which receive the findings' proposals (VIS-4, BRE-4). */
  temporal: Client;
  taskQueue: string;
}

const todayOf = (now: Date) => dateIn(now, PARAMETERS.agrement.timeZone);
export const agrementReference = (agrementId: string) => `AGR-${agrementId.slice(0, 8).toUpperCase()}`;
const applicationReference = (applicationId: string) => applicationId.slice(0, 8).toUpperCase();

// ---------------------------------------------------------------------------------------------
// Who is being visited

interface Target {
  organisationId: string;
  name: string;
  email: string;
  department: string | null;
  networkId: string | null;
  agrementId: string;
}

/**
 * The centres under a running agrément: a centre's own, or, for a network (ELIG-4), each member's (the
 * coordinating organisation itself when no member is registered). A centre with its own agrément is
 * visited under it.
 */
async function agrementTargets(db: DataSource | EntityManager, filter: { organisationId?: string; liveOnly: boolean }): Promise<Target[]> {
  const params: unknown[] = [LIVE_STATES];
  const organisationClause = filter.organisationId ? `AND o.id = $${params.push(filter.organisationId)}` : '';
  const rows: Array<{ organisation_id: string; name: string; email: string; department: string | null; network_id: string | null; agrement_id: string }> = await db.query(
    `SELECT DISTINCT ON (o.id) o.id AS organisation_id, o.name, o.email, o.department, a.id AS agrement_id,
            CASE WHEN a.kind = 'network' THEN a.organisation_id ELSE o.network_id END AS network_id
       FROM agrements a
       JOIN organisations o
         ON (a.kind = 'centre' AND o.id = a.organisation_id)
         OR (a.kind = 'network' AND (o.network_id = a.organisation_id
              OR (o.id = a.organisation_id AND NOT EXISTS (SELECT 1 FROM organisations m WHERE m.network_id = a.organisation_id))))
      WHERE ${filter.liveOnly ? 'a.state = ANY($1)' : 'true'} ${organisationClause}
      ORDER BY o.id, (a.state = ANY($1)) DESC, (a.kind = 'centre') DESC, a.start_on DESC`,
    params,
  );
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    name: r.name,
    email: r.email,
    department: r.department,
    networkId: r.network_id,
    agrementId: r.agrement_id,
  }));
}

// ---------------------------------------------------------------------------------------------
// GET /centres/:organisationId/risk

export interface CentreRisk extends RiskScore {
  organisationId: string;
  organisationName: string;
  agrementId: string;
  asOf: string;
  facts: RiskFacts;
}

/** VIS-1: the centre's risk score, every contributing factor explained, with the facts it rests on. */
export async function centreRisk(deps: Pick<VisitDeps, 'db' | 'now'>, organisationId: string): Promise<CentreRisk> {
  const [target] = await agrementTargets(deps.db, { organisationId, liveOnly: false });
  if (!target) throw new NotFound(`no agreed centre ${organisationId}`, { organisationId });
  const today = todayOf(deps.now());
  const facts = await riskFacts(deps.db, { organisationId, agrementId: target.agrementId }, today);
  return { organisationId, organisationName: target.name, agrementId: target.agrementId, asOf: today, facts, ...riskScore(facts) };
}

// ---------------------------------------------------------------------------------------------
// POST /visit-plans

export interface PlanRequest {
  from: string;
  to: string;
  announcedShare?: number;
}

export interface PersistedVisit extends PlannedVisit {
  id: string;
}

export interface PlanResult extends Omit<Plan, 'visits'> {
  visits: PersistedVisit[];
  /** Centres that already had a visit planned in the period (earlier plan): not planned again. */
  alreadyPlanned: Array<{ visitId: string; organisationId: string; plannedOn: string; kind: VisitKind }>;
  emails: EmailReport;
}

/** The e-mails a plan or findings decided: queued in the outbox, which sends each once (src/mail/usecases/outbox.ts). */
export interface EmailReport {
  /** Queued by this request. */
  queued: number;
  /** Already queued for the same key (a retried plan or findings): not queued, nor sent, again. */
  alreadyQueued: number;
  failed: Array<{ key: string; error: string }>;
}

interface InspectorRow {
  id: string;
  name: string;
  email: string;
  kind: InspectorKind;
  organisation_id: string | null;
  network_id: string | null;
  departments: string[];
  available_from: string;
  /** Null: open-ended. */
  available_to: string | null;
  capacity: number;
  unavailable: Array<{ from: string; to: string }>;
}

/**
 * VIS-1..5, APP-3: plans the period. The riskiest centres without a visit in the period get one, within the
 * active inspectors' capacity left (their unavailable days excluded); the visits and their audit entries are written in one transaction; then the
 * centre's notice (announced visits, VIS-2) and each inspector's assignment are queued in the outbox, which
 * sends each once per visit whatever the retries (a repeated request plans nothing twice and re-queues only what failed).
 */
export async function planPeriod(deps: VisitDeps, request: PlanRequest, principal: Principal): Promise<PlanResult> {
  const from = requireDate('from', request.from);
  const to = requireDate('to', request.to);
  if (to < from) throw new InvalidCommand('to', 'to must be on or after from');
  const today = todayOf(deps.now());
  if (to < today) throw new InvalidCommand('to', 'the period is already over: to must be today or later');
  const actor = actorLabel(principal);

  const { plan, ids, alreadyPlanned } = await deps.db.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);

    // Visits already planned in the period: their centres are covered, their inspectors' days taken.
    const existing: Array<{ id: string; organisation_id: string; inspector_id: string; planned_on: string; kind: VisitKind }> = await m.query(
      `SELECT id, organisation_id, inspector_id, to_char(planned_on, 'YYYY-MM-DD') AS planned_on, kind
         FROM control_visits WHERE status <> 'cancelled' AND planned_on BETWEEN $1 AND $2 ORDER BY planned_on, id`,
      [from, to],
    );
    const covered = new Set(existing.map((v) => v.organisation_id));

    const targets = (await agrementTargets(m, { liveOnly: true })).filter((t) => !covered.has(t.organisationId));
    const facts = await riskFactsFor(m, targets, today);

    // APP-3: conformity visits required before the grant and not yet planned.
    const conformity: Array<{ application_id: string; organisation_id: string; name: string; department: string | null; network_id: string | null }> = await m.query(
      `SELECT ap.id AS application_id, o.id AS organisation_id, o.name, o.department,
              CASE WHEN ap.kind = 'network' THEN o.id ELSE o.network_id END AS network_id
         FROM applications ap JOIN organisations o ON o.id = ap.organisation_id
        WHERE ap.state IN ('admissible', 'referent-trained')
          AND ap.procedure->'conformityVisit'->>'required' = 'true'
          AND ap.procedure->'conformityVisit'->>'on' IS NULL
          AND NOT EXISTS (SELECT 1 FROM control_visits v WHERE v.application_id = ap.id AND v.status <> 'cancelled')
        ORDER BY ap.id`,
    );

    const organisationIds = [...targets.map((t) => t.organisationId), ...conformity.map((c) => c.organisation_id)];
    const sessions = await scheduledSessions(m, organisationIds, from, to);

    const centres: PlannerCentre[] = [
      ...conformity
        .filter((c) => !covered.has(c.organisation_id))
        .map((c) => ({
          organisationId: c.organisation_id,
          name: c.name,
          agrementId: null,
          applicationId: c.application_id,
          department: c.department,
          networkId: c.network_id,
          riskScore: 0,
          conformity: true,
          sessions: [],
        })),
      ...targets.map((t) => ({
        organisationId: t.organisationId,
        name: t.name,
        agrementId: t.agrementId,
        department: t.department,
        networkId: t.networkId,
        riskScore: riskScore(facts.get(riskSubjectKey(t))!).score,
        sessions: sessions.get(t.organisationId) ?? [],
      })),
    ];

    const inspectorRows: InspectorRow[] = await m.query(
      `SELECT i.id, i.name, i.email, i.kind, i.organisation_id, COALESCE(i.network_id, o.network_id) AS network_id, i.departments,
              to_char(i.available_from, 'YYYY-MM-DD') AS available_from, to_char(i.available_to, 'YYYY-MM-DD') AS available_to, i.capacity,
              i.unavailable
         FROM inspectors i LEFT JOIN organisations o ON o.id = i.organisation_id
        WHERE i.active AND i.available_from <= $2 AND (i.available_to IS NULL OR i.available_to >= $1)
        ORDER BY i.id`,
      [from, to],
    );
    const inspectors: PlannerInspector[] = inspectorRows.map((i) => ({
      id: i.id,
      name: i.name,
      kind: i.kind,
      organisationId: i.organisation_id,
      networkId: i.network_id,
      departments: i.departments,
      availableFrom: i.available_from,
      // An open-ended engagement runs through the period.
      availableTo: i.available_to ?? to,
      capacity: i.capacity,
      unavailable: i.unavailable,
      booked: existing.filter((v) => v.inspector_id === i.id).map((v) => v.planned_on),
    }));

    const plan = planVisits({ from, to, today, announcedShare: request.announcedShare, centres, inspectors });
    const ids = plan.visits.map(() => randomUUID());
    const at = deps.now();
    for (const [i, v] of plan.visits.entries()) {
      await m.query(
        `INSERT INTO control_visits (id, organisation_id, agrement_id, application_id, inspector_id, kind, planned_on, letter_sent_by, session_id, cost_eur, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'planned')`,
        [ids[i], v.organisationId, v.agrementId, v.applicationId, v.inspectorId, v.kind, v.plannedOn, v.letterSentBy, v.sessionId, v.costEur],
      );
    }
    await appendToLog(
      m,
      plan.visits.map((v, i) => ({
        eventKey: `${CONTROL_VISIT_STREAM}:${ids[i]}:planned`,
        streamType: CONTROL_VISIT_STREAM,
        streamId: ids[i]!,
        type: 'visit-planned',
        ruleIds: v.ruleIds,
        fromState: null,
        toState: 'planned',
        actor,
        reason: null,
        data: {
          organisationId: v.organisationId,
          agrementId: v.agrementId,
          applicationId: v.applicationId,
          inspectorId: v.inspectorId,
          kind: v.kind,
          plannedOn: v.plannedOn,
          letterSentBy: v.letterSentBy,
          sessionId: v.sessionId,
          riskScore: v.riskScore,
          costEur: v.costEur,
          period: { from, to },
        },
        occurredAt: at,
      })),
    );
    return {
      plan,
      ids,
      alreadyPlanned: existing.map((v) => ({ visitId: v.id, organisationId: v.organisation_id, plannedOn: v.planned_on, kind: v.kind })),
    };
  });

  // After the commit: a failed e-mail leaves the plan in place; planning the period again re-sends it.
  const pending = [...ids, ...alreadyPlanned.map((v) => v.visitId)];
  const emails = await sendPlanEmails(deps, pending);
  return { ...plan, visits: plan.visits.map((v, i) => ({ id: ids[i]!, ...v })), alreadyPlanned, emails };
}

/** VIS-1: the sessions still planned in the period, per centre, as reported through the sessions API (SES-1). */
async function scheduledSessions(m: EntityManager, organisationIds: string[], from: string, to: string): Promise<Map<string, Array<{ sessionId: string; date: string }>>> {
  const result = new Map<string, Array<{ sessionId: string; date: string }>>();
  if (organisationIds.length === 0) return result;
  const rows: Array<{ centre_id: string; session_id: string; date: string }> = await m.query(
    `SELECT organisation_id AS centre_id, id AS session_id, to_char(date, 'YYYY-MM-DD') AS date FROM sessions
      WHERE status = 'planned' AND organisation_id = ANY($1) AND date BETWEEN $2 AND $3 ORDER BY date, id`,
    [organisationIds, from, to],
  );
  for (const r of rows) {
    const list = result.get(r.centre_id) ?? [];
    list.push({ sessionId: r.session_id, date: r.date });
    result.set(r.centre_id, list);
  }
  return result;
}

interface VisitRow {
  id: string;
  organisation_id: string;
  organisation_name: string;
  organisation_email: string;
  department: string | null;
  agrement_id: string | null;
  application_id: string | null;
  inspector_id: string;
  inspector_name: string;
  inspector_email: string;
  inspector_kind: InspectorKind;
  kind: VisitKind;
  planned_on: string;
  letter_sent_by: string | null;
  session_id: string | null;
  cost_eur: string;
  status: 'planned' | 'done' | 'cancelled';
  findings: StoredFindings | null;
  created_at: Date;
}

const VISIT_SELECT = `
  SELECT v.id, v.organisation_id, o.name AS organisation_name, o.email AS organisation_email, o.department,
         v.agrement_id, v.application_id, v.inspector_id, i.name AS inspector_name, i.email AS inspector_email, i.kind AS inspector_kind,
         v.kind, to_char(v.planned_on, 'YYYY-MM-DD') AS planned_on, to_char(v.letter_sent_by, 'YYYY-MM-DD') AS letter_sent_by,
         v.session_id, v.cost_eur::text AS cost_eur, v.status, v.findings, v.created_at
    FROM control_visits v JOIN organisations o ON o.id = v.organisation_id JOIN inspectors i ON i.id = v.inspector_id`;

async function sendAll(deps: VisitDeps, messages: SendEmailInput[]): Promise<EmailReport> {
  const report: EmailReport = { queued: 0, alreadyQueued: 0, failed: [] };
  for (const message of messages) {
    try {
      const { queued } = await queueEmail(deps.mail, message);
      if (queued) report.queued++;
      else report.alreadyQueued++;
    } catch (error) {
      report.failed.push({ key: message.key, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

/** VIS-2: the centre's notice of an announced (or conformity) visit; VIS-5: each inspector's assignment. One e-mail per key, ever. */
async function sendPlanEmails(deps: VisitDeps, visitIds: string[]): Promise<EmailReport> {
  if (visitIds.length === 0) return { queued: 0, alreadyQueued: 0, failed: [] };
  const rows: VisitRow[] = await deps.db.query(`${VISIT_SELECT} WHERE v.id = ANY($1) AND v.status = 'planned' ORDER BY v.planned_on, v.id`, [visitIds]);
  const messages: SendEmailInput[] = [];
  for (const v of rows) {
    if (v.kind !== 'unannounced') {
      messages.push({
        key: `${CONTROL_VISIT_STREAM}:${v.id}:notice`,
        to: v.organisation_email,
        audience: 'centre',
        template: 'control-visit-notice',
        data: {
          organisationName: v.organisation_name,
          reference: v.agrement_id ? agrementReference(v.agrement_id) : applicationReference(v.application_id!),
          visitOn: v.planned_on,
          letterSentBy: v.letter_sent_by,
          conformity: v.kind === 'conformity',
          costCapEur: v.kind === 'conformity' ? PARAMETERS.application.conformityVisitCapEur : PARAMETERS.visits.controlVisitCapEur,
        },
      });
    }
    messages.push({
      key: `${CONTROL_VISIT_STREAM}:${v.id}:inspector-assignment`,
      to: v.inspector_email,
      audience: 'operations',
      template: 'inspector-assignment',
      data: {
        inspectorName: v.inspector_name,
        organisationName: v.organisation_name,
        department: v.department,
        visitOn: v.planned_on,
        kind: v.kind,
        letterSentBy: v.letter_sent_by,
        sessionId: v.session_id,
        costEur: Number(v.cost_eur),
        visitId: v.id,
      },
    });
  }
  return sendAll(deps, messages);
}

// ---------------------------------------------------------------------------------------------
// GET /visit-plans

export interface VisitView {
  id: string;
  organisationId: string;
  organisationName: string;
  department: string | null;
  agrementId: string | null;
  applicationId: string | null;
  inspector: { id: string; name: string; kind: InspectorKind };
  kind: VisitKind;
  plannedOn: string;
  letterSentBy: string | null;
  sessionId: string | null;
  costEur: number;
  status: string;
  findings: StoredFindings | null;
}

function toView(v: VisitRow): VisitView {
  return {
    id: v.id,
    organisationId: v.organisation_id,
    organisationName: v.organisation_name,
    department: v.department,
    agrementId: v.agrement_id,
    applicationId: v.application_id,
    inspector: { id: v.inspector_id, name: v.inspector_name, kind: v.inspector_kind },
    kind: v.kind,
    plannedOn: v.planned_on,
    letterSentBy: v.letter_sent_by,
    sessionId: v.session_id,
    costEur: Number(v.cost_eur),
    status: v.status,
    findings: v.findings,
  };
}

/** The inspector record of a principal with the inspector role: the one with the same e-mail (the login). */
export async function inspectorIdOf(db: DataSource, principal: Principal): Promise<string | null> {
  if (principal.role !== 'inspector') return null;
  const [row]: { id: string }[] = await db.query(
    `SELECT i.id FROM inspectors i JOIN users u ON lower(u.email) = lower(i.email) WHERE u.id = $1`,
    [principal.userId],
  );
  // An inspector user without an inspector record has no assignment: an id that matches nothing.
  return row?.id ?? '00000000-0000-0000-0000-000000000000';
}

/** The visits planned in [from, to] (any status); an inspector sees only their own. */
export async function listVisits(db: DataSource, query: { from: string; to: string }, principal: Principal): Promise<{ from: string; to: string; visits: VisitView[] }> {
  const from = requireDate('from', query.from);
  const to = requireDate('to', query.to);
  if (to < from) throw new InvalidCommand('to', 'to must be on or after from');
  const inspectorId = await inspectorIdOf(db, principal);
  const params: unknown[] = [from, to];
  const mine = inspectorId ? `AND v.inspector_id = $${params.push(inspectorId)}` : '';
  const rows: VisitRow[] = await db.query(`${VISIT_SELECT} WHERE v.planned_on BETWEEN $1 AND $2 ${mine} ORDER BY v.planned_on, o.name, v.id`, params);
  return { from, to, visits: rows.map(toView) };
}

/** Whether an inspector has (or had) a visit to this centre: what they may see of its risk. */
export async function inspectorAssignedTo(db: DataSource, principal: Principal, organisationId: string): Promise<boolean> {
  const inspectorId = await inspectorIdOf(db, principal);
  if (!inspectorId) return true;
  const rows: unknown[] = await db.query(`SELECT 1 FROM control_visits WHERE inspector_id = $1 AND organisation_id = $2 LIMIT 1`, [inspectorId, organisationId]);
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// POST /control-visits/:id/findings

export interface StoredFindings extends FindingsAssessment {
  input: FindingsInput;
  visitedOn: string;
  recordedBy: string;
  recordedAt: string;
}

export interface FindingsResult {
  visitId: string;
  status: 'done';
  findings: StoredFindings;
  emails: EmailReport;
  /** BRE-4: each proposal as the agrément's open proposal the legal team confirms or declines. */
  agrementProposals: AgrementProposalsReport;
}

export interface AgrementProposalsReport {
  /** Open on the agrément (or already decided: a retry proposes nothing twice), under these ids. */
  recorded: Array<{ kind: string; proposalId: string; ruleIds: string[] }>;
  /** Not delivered (e.g. the agrément has ended: the rule says why; or the workflow could not be reached): sending the same findings again retries. */
  failed: Array<{ kind: string; rule: string | null; error: string }>;
}

async function findVisit(db: DataSource | EntityManager, visitId: string, lock = false): Promise<VisitRow> {
  const [row]: VisitRow[] = await db.query(`${VISIT_SELECT} WHERE v.id = $1 ${lock ? 'FOR UPDATE OF v' : ''}`, [visitId]);
  if (!row) throw new NotFound(`control visit ${visitId} not found`, { visitId });
  return row;
}

/**
 * VIS-4: records the findings (audited), marks the visit done and, when they are serious, records a proposal for the
 * legal team (BRE-1 breach notice, SUS-1 suspension) and e-mails it. An inspector records only their own visits. The
 * same findings sent again (a retry) answer the recorded result and re-queue only an e-mail that failed to be queued.
 */
export async function recordFindings(deps: VisitDeps, visitId: string, input: FindingsInput, principal: Principal): Promise<FindingsResult> {
  const inspectorId = await inspectorIdOf(deps.db, principal);
  const visible = async (v: VisitRow) => {
    if (inspectorId && v.inspector_id !== inspectorId) throw new NotFound(`control visit ${visitId} not found`, { visitId });
  };
  await visible(await findVisit(deps.db, visitId));
  const today = todayOf(deps.now());
  const actor = actorLabel(principal);

  const findings = await deps.db.transaction(async (m): Promise<StoredFindings> => {
    const v = await findVisit(m, visitId, true);
    if (v.status === 'done' && v.findings && canonicalJson(v.findings.input) === canonicalJson(input)) return v.findings;
    const assessment = assessFindings({ kind: v.kind, status: v.status, plannedOn: v.planned_on }, input, today);
    const stored: StoredFindings = { ...assessment, input, visitedOn: v.planned_on, recordedBy: actor, recordedAt: deps.now().toISOString() };
    await m.query(
      `UPDATE control_visits SET status = 'done', findings = $2, cost_eur = COALESCE($3, cost_eur) WHERE id = $1`,
      [visitId, JSON.stringify(stored), assessment.chargedCostEur],
    );
    const at = deps.now();
    await appendToLog(m, [
      {
        eventKey: `${CONTROL_VISIT_STREAM}:${visitId}:findings`,
        streamType: CONTROL_VISIT_STREAM,
        streamId: visitId,
        type: 'findings-recorded',
        ruleIds: v.kind === 'conformity' ? ['VIS-4', 'APP-3'] : ['VIS-4'],
        fromState: 'planned',
        toState: 'done',
        actor,
        reason: input.summary?.trim() || null,
        data: {
          organisationId: v.organisation_id,
          agrementId: v.agrement_id,
          applicationId: v.application_id,
          checklist: input.checklist,
          failed: assessment.failed,
          serious: assessment.serious,
          ...(assessment.chargedCostEur !== null ? { actualCostEur: input.costEur, chargedCostEur: assessment.chargedCostEur } : {}),
        },
        occurredAt: at,
      },
      ...assessment.proposals.map((p) => ({
        eventKey: `${CONTROL_VISIT_STREAM}:${visitId}:proposal:${p.kind}`,
        streamType: CONTROL_VISIT_STREAM,
        streamId: visitId,
        type: `${p.kind}-proposed`,
        ruleIds: [p.ruleId, 'VIS-4', 'BRE-4'],
        fromState: 'done',
        toState: 'done',
        actor,
        reason: p.reasonFr,
        data: { organisationId: v.organisation_id, agrementId: v.agrement_id, automatic: p.automatic, failed: assessment.failed },
        occurredAt: at,
      })),
    ]);
    return stored;
  });

  const v = await findVisit(deps.db, visitId);
  const emails = await sendAll(
    deps,
    findings.proposals.map((p) => ({
      key: `${CONTROL_VISIT_STREAM}:${visitId}:proposal:${p.kind}`,
      to: null,
      audience: 'legal' as const,
      template: 'visit-findings-proposal' as const,
      data: {
        organisationName: v.organisation_name,
        agrementReference: agrementReference(v.agrement_id!),
        visitOn: findings.visitedOn,
        inspectorName: v.inspector_name,
        proposalKind: p.kind,
        proposalRuleId: p.ruleId,
        proposedOn: todayOf(new Date(findings.recordedAt)),
        failedItems: findings.failed.map((item) => ({ label: CHECKLIST_LABELS[item], notes: findings.input.checklist[item].notes ?? null })),
        summary: findings.input.summary ?? null,
      },
    })),
  );
  const agrementProposals = await proposeToAgrement(deps, v, findings, actor);
  return { visitId, status: 'done', findings, emails, agrementProposals };
}

/**
 * VIS-4, BRE-4: hands each proposal to the agrément's workflow, where the legal team confirms (the notice or
 * suspension then applies) or declines it like the engine's other proposals. Once per visit and kind: the
 * update id and the agrément's own record of visits proposed make a retry harmless.
 */
async function proposeToAgrement(deps: VisitDeps, v: VisitRow, findings: StoredFindings, actor: string): Promise<AgrementProposalsReport> {
  const report: AgrementProposalsReport = { recorded: [], failed: [] };
  if (!v.agrement_id) return report;
  const proposedOn = todayOf(new Date(findings.recordedAt));
  for (const p of findings.proposals) {
    try {
      await actOnAgrement(
        deps,
        v.agrement_id,
        {
          action: { type: 'visit-findings-proposed', on: proposedOn, visitId: v.id, proposal: p.kind, reasonFr: p.reasonFr },
          actor,
          reason: findings.input.summary?.trim() || p.reasonFr,
        },
        visitFindingsKey(v.id, p.kind),
      );
      report.recorded.push({ kind: p.kind, proposalId: visitProposalId(p.kind, v.id), ruleIds: ['VIS-4', p.ruleId] });
    } catch (error) {
      report.failed.push({
        kind: p.kind,
        rule: error instanceof TransitionRefused ? error.ruleId : null,
        error: error instanceof DomainError || error instanceof Error ? error.message : String(error),
      });
    }
  }
  return report;
}
