import { actorLabel, type Principal } from '../../access/domain/roles';
import { visitFindingsKey, visitProposalId } from '../../agrement/domain/agrement';
import { actOnAgrement } from '../../agrement/usecases/agrements';
import { DomainError, NotFound, TransitionRefused } from '../../shared/domain/errors';
import { sameJson } from '../../shared/domain/json-equal';
import { assessFindings, CHECKLIST_LABELS, type FindingsInput, type StoredFindings } from '../domain/findings';
import { CONTROL_VISIT_STREAM, visitsRepository } from '../infra/visits.repository';
import { inspectorIdOf } from './inspector-scope';
import type { VisitRecord, VisitsRepository } from './ports';
import { agrementReference, type EmailReport, queueEmails, todayOf, type VisitDeps } from './visit-deps';

export type { StoredFindings } from '../domain/findings';

// POST /control-visits/:id/findings

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

async function findVisit(visits: VisitsRepository, visitId: string, lock = false): Promise<VisitRecord> {
  const visit = await visits.findVisit(visitId, { lock });
  if (!visit) throw new NotFound(`control visit ${visitId} not found`, { visitId });
  return visit;
}

/**
 * VIS-4: records the findings (audited), marks the visit done and, when they are serious, records a proposal for the
 * legal team (BRE-1 breach notice, SUS-1 suspension) and e-mails it. An inspector records only their own visits. The
 * same findings sent again (a retry) answer the recorded result and re-queue only an e-mail that failed to be queued.
 */
export async function recordFindings(
  deps: VisitDeps,
  visitId: string,
  input: FindingsInput,
  principal: Principal,
): Promise<FindingsResult> {
  const inspectorId = await inspectorIdOf(deps.db, principal);
  const visible = async (v: VisitRecord) => {
    if (inspectorId && v.inspectorId !== inspectorId) throw new NotFound(`control visit ${visitId} not found`, { visitId });
  };
  await visible(await findVisit(visitsRepository(deps.db), visitId));
  const today = todayOf(deps.now());
  const actor = actorLabel(principal);

  const findings = await deps.db.transaction(async (m): Promise<StoredFindings> => {
    const visits = visitsRepository(m);
    const v = await findVisit(visits, visitId, true);
    if (v.status === 'done' && v.findings && sameJson(v.findings.input, input)) return v.findings;
    const assessment = assessFindings({ kind: v.kind, status: v.status, plannedOn: v.plannedOn }, input, today);
    const stored: StoredFindings = {
      ...assessment,
      input,
      visitedOn: v.plannedOn,
      recordedBy: actor,
      recordedAt: deps.now().toISOString(),
    };
    await visits.recordFindings(visitId, v, stored, { actor, at: deps.now() });
    return stored;
  });

  const v = await findVisit(visitsRepository(deps.db), visitId);
  const emails = await queueEmails(
    deps,
    findings.proposals.map((p) => ({
      key: `${CONTROL_VISIT_STREAM}:${visitId}:proposal:${p.kind}`,
      to: null,
      audience: 'legal' as const,
      template: 'visit-findings-proposal' as const,
      data: {
        organisationName: v.organisationName,
        agrementReference: agrementReference(v.agrementId!),
        visitOn: findings.visitedOn,
        inspectorName: v.inspectorName,
        proposalKind: p.kind,
        proposalRuleId: p.ruleId,
        proposedOn: todayOf(new Date(findings.recordedAt)),
        failedItems: findings.failed.map((item) => ({
          label: CHECKLIST_LABELS[item],
          notes: findings.input.checklist[item].notes ?? null,
        })),
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
async function proposeToAgrement(
  deps: VisitDeps,
  v: VisitRecord,
  findings: StoredFindings,
  actor: string,
): Promise<AgrementProposalsReport> {
  const report: AgrementProposalsReport = { recorded: [], failed: [] };
  if (!v.agrementId) return report;
  const proposedOn = todayOf(new Date(findings.recordedAt));
  for (const p of findings.proposals) {
    try {
      await actOnAgrement(
        deps,
        v.agrementId,
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
