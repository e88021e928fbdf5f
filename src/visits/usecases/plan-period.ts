import { randomUUID } from 'node:crypto';
import type { SendEmailInput } from '../../mail/usecases/queue-email';
import { PARAMETERS } from '../../config/parameters';
import { actorLabel, type Principal } from '../../access/domain/roles';
import { requireDate } from '../../shared/domain/dates';
import { InvalidCommand } from '../../shared/domain/errors';
import { type Plan, type PlannerCentre, type PlannerInspector, planVisits, type VisitKind } from '../domain/planner';
import { riskScore } from '../rules';
import { inspectorsRepository } from '../infra/inspectors.repository';
import { riskFactsRepository } from '../infra/risk-facts.repository';
import { CONTROL_VISIT_STREAM, visitsRepository } from '../infra/visits.repository';
import type { InspectorsRepository, PersistedVisit, RiskFactsRepository, VisitsRepository } from './ports';
import { riskFactsFor, riskSubjectKey } from './risk-facts';
import { agrementReference, applicationReference, type EmailReport, queueEmails, todayOf, type VisitDeps } from './visit-deps';

export type { PersistedVisit } from './ports';

// POST /visit-plans

export interface PlanRequest {
  from: string;
  to: string;
  announcedShare?: number;
}

export interface PlanResult extends Omit<Plan, 'visits'> {
  visits: PersistedVisit[];
  /** Centres that already had a visit planned in the period (earlier plan): not planned again. */
  alreadyPlanned: Array<{ visitId: string; organisationId: string; plannedOn: string; kind: VisitKind }>;
  emails: EmailReport;
}

/** What planning reads and writes, inside its transaction. */
export interface PlanningPorts {
  visits: VisitsRepository;
  inspectors: InspectorsRepository;
  riskSources: RiskFactsRepository;
}

/**
 * VIS-1..5, APP-3: plans the period. The riskiest centres without a visit in the period get one, within the
 * active inspectors' capacity left (their unavailable days excluded); the visits and their audit entries are written in one transaction; then the
 * centre's notice (announced visits, VIS-2) and each inspector's assignment are queued in the outbox, which
 * sends each once per visit whatever the retries (a repeated request plans nothing twice and re-queues only what failed).
 */
export async function planPeriod(deps: VisitDeps, request: PlanRequest, principal: Principal): Promise<PlanResult> {
  const { from, to, today } = planningPeriod(deps, request);
  const { plan, visits, alreadyPlanned } = await deps.db.transaction((m) =>
    planAndRecord(
      { visits: visitsRepository(m), inspectors: inspectorsRepository(m), riskSources: riskFactsRepository(m) },
      { from, to, today, announcedShare: request.announcedShare },
      { actor: actorLabel(principal), now: deps.now },
    ),
  );

  // After the commit: a failed e-mail leaves the plan in place; planning the period again re-sends it.
  const pending = [...visits.map((v) => v.id), ...alreadyPlanned.map((v) => v.visitId)];
  const emails = await sendPlanEmails(deps, pending);
  return { ...plan, visits, alreadyPlanned, emails };
}

function planningPeriod(deps: Pick<VisitDeps, 'now'>, request: PlanRequest): { from: string; to: string; today: string } {
  const from = requireDate('from', request.from);
  const to = requireDate('to', request.to);
  if (to < from) throw new InvalidCommand('to', 'to must be on or after from');
  const today = todayOf(deps.now());
  if (to < today) throw new InvalidCommand('to', 'the period is already over: to must be today or later');
  return { from, to, today };
}

/** The plan POST /visit-plans would record now, for operations to review before confirming: nothing recorded, nothing sent. */
export type PlanProposal = Plan & { alreadyPlanned: PlanResult['alreadyPlanned'] };

/**
 * VIS-1..5, APP-3: the proposed plan of the period, computed as planPeriod computes it (same centres, inspectors and
 * rules) inside a transaction that records nothing; confirming is POST /visit-plans, which plans again on the data of
 * that moment (a change in between, e.g. a new unavailability, shows in its answer).
 */
export async function proposePlan(deps: VisitDeps, request: PlanRequest): Promise<PlanProposal> {
  const { from, to, today } = planningPeriod(deps, request);
  return deps.db.transaction(async (m) => {
    const ports = { visits: visitsRepository(m), inspectors: inspectorsRepository(m), riskSources: riskFactsRepository(m) };
    const { plan, alreadyPlanned } = await computePlan(ports, { from, to, today, announcedShare: request.announcedShare });
    return { ...plan, alreadyPlanned };
  });
}

/**
 * The plan of a period, inside the planning transaction (its lock taken first): the centres under a running agrément
 * without a visit in the period (VIS-1, by risk score) and the conformity visits due (APP-3), among the inspectors
 * available, their days already booked excluded (VIS-5); the visits planned are recorded, with their entries.
 */
export async function planAndRecord(
  ports: PlanningPorts,
  period: { from: string; to: string; today: string; announcedShare?: number },
  context: { actor: string; now: () => Date },
): Promise<{ plan: Plan; visits: PersistedVisit[]; alreadyPlanned: PlanResult['alreadyPlanned'] }> {
  const { plan, alreadyPlanned } = await computePlan(ports, period);
  const visits: PersistedVisit[] = plan.visits.map((v) => ({ id: randomUUID(), ...v }));
  await ports.visits.recordPlannedVisits(visits, { actor: context.actor, at: context.now(), period: { from: period.from, to: period.to } });
  return { plan, visits, alreadyPlanned };
}

/** The plan of a period (the planning lock taken first), nothing recorded yet. */
async function computePlan(
  ports: PlanningPorts,
  period: { from: string; to: string; today: string; announcedShare?: number },
): Promise<{ plan: Plan; alreadyPlanned: PlanResult['alreadyPlanned'] }> {
  const { from, to, today } = period;
  await ports.visits.lockPlanning();

  // Visits already planned in the period: their centres are covered, their inspectors' days taken.
  const existing = await ports.visits.visitsPlannedBetween(from, to);
  const covered = new Set(existing.map((v) => v.organisationId));

  const targets = (await ports.visits.agrementTargets({ liveOnly: true })).filter((t) => !covered.has(t.organisationId));
  const facts = await riskFactsFor(ports.riskSources, targets, today);

  // APP-3: conformity visits required before the grant and not yet planned.
  const conformity = await ports.visits.conformityVisitsDue();

  const organisationIds = [...targets.map((t) => t.organisationId), ...conformity.map((c) => c.organisationId)];
  const sessions = await ports.visits.scheduledSessions(organisationIds, from, to);

  const centres: PlannerCentre[] = [
    ...conformity
      .filter((c) => !covered.has(c.organisationId))
      .map((c) => ({
        organisationId: c.organisationId,
        name: c.name,
        agrementId: null,
        applicationId: c.applicationId,
        department: c.department,
        networkId: c.networkId,
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

  const inspectors: PlannerInspector[] = (await ports.inspectors.availableBetween(from, to)).map((i) => ({
    id: i.id,
    name: i.name,
    kind: i.kind,
    organisationId: i.organisationId,
    networkId: i.networkId,
    departments: i.departments,
    availableFrom: i.availableFrom,
    // An open-ended engagement runs through the period.
    availableTo: i.availableTo ?? to,
    capacity: i.capacity,
    unavailable: i.unavailable,
    booked: existing.filter((v) => v.inspectorId === i.id).map((v) => v.plannedOn),
  }));

  const plan = planVisits({ from, to, today, announcedShare: period.announcedShare, centres, inspectors });
  return {
    plan,
    alreadyPlanned: existing.map((v) => ({ visitId: v.id, organisationId: v.organisationId, plannedOn: v.plannedOn, kind: v.kind })),
  };
}

/** VIS-2: the centre's notice of an announced (or conformity) visit; VIS-5: each inspector's assignment. One e-mail per key, ever. */
async function sendPlanEmails(deps: VisitDeps, visitIds: string[]): Promise<EmailReport> {
  if (visitIds.length === 0) return { queued: 0, alreadyQueued: 0, failed: [] };
  const visits = await visitsRepository(deps.db).plannedVisits(visitIds);
  const messages: SendEmailInput[] = [];
  for (const v of visits) {
    if (v.kind !== 'unannounced') {
      messages.push({
        key: `${CONTROL_VISIT_STREAM}:${v.id}:notice`,
        to: v.organisationEmail,
        audience: 'centre',
        template: 'control-visit-notice',
        data: {
          organisationName: v.organisationName,
          reference: v.agrementId ? agrementReference(v.agrementId) : applicationReference(v.applicationId!),
          visitOn: v.plannedOn,
          letterSentBy: v.letterSentBy!, // VIS-2: set for every announced or conformity visit
          conformity: v.kind === 'conformity',
          costCapEur: v.kind === 'conformity' ? PARAMETERS.application.conformityVisitCapEur : PARAMETERS.visits.controlVisitCapEur,
        },
      });
    }
    messages.push({
      key: `${CONTROL_VISIT_STREAM}:${v.id}:inspector-assignment`,
      to: v.inspectorEmail,
      audience: 'operations',
      template: 'inspector-assignment',
      data: {
        inspectorName: v.inspectorName,
        organisationName: v.organisationName,
        department: v.department,
        visitOn: v.plannedOn,
        kind: v.kind,
        letterSentBy: v.letterSentBy,
        sessionId: v.sessionId,
        costEur: v.costEur,
        visitId: v.id,
      },
    });
  }
  return queueEmails(deps, messages);
}
