/**
 * VIS-4: the findings of a control visit, pure. The visit checks premises, connection and equipment,
 * staffing, and the mastery of session organisation (CdC §4.2); serious findings lead to a proposal for
 * the legal team, a breach notice (BRE-1) or a suspension (SUS-1). The engine proposes, a person decides
 * (BRE-4): nothing here notifies the centre.
 */
import { PARAMETERS } from '../../config/parameters';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { chargedCost, type VisitKind } from './planner';

/** VIS-4, in the order of the cahier (CdC §4.2). */
export const CHECKLIST_ITEMS = ['premises', 'connectionAndEquipment', 'staffing', 'sessionOrganisation'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

/** French labels, as in CdC §4.2. */
export const CHECKLIST_LABELS: Record<ChecklistItem, string> = {
  premises: 'Conformité des locaux',
  connectionAndEquipment: 'Connexion à internet et moyens matériels',
  staffing: "Moyens humains mis en place pour l'organisation des sessions",
  sessionOrganisation: "Maîtrise du déroulement de l'organisation d'une session",
};

export interface ChecklistEntry {
  result: 'ok' | 'ko';
  notes?: string;
}

export interface FindingsInput {
  checklist: Record<ChecklistItem, ChecklistEntry>;
  /** BRE-1: the inspector or operations propose a breach notice. */
  proposeBreach?: boolean;
  /** SUS-1: the inspector or operations propose a suspension with immediate effect. */
  proposeSuspension?: boolean;
  /** The inspector's summary, in French. */
  summary?: string;
  /** VIS-3, APP-3: the visit's actual cost; the centre is charged within the cap. */
  costEur?: number;
}

export type ProposalKind = 'breach-notice' | 'suspension';

export interface FindingsProposal {
  kind: ProposalKind;
  ruleId: 'BRE-1' | 'SUS-1';
  /** Proposed by the engine (too many failed items) rather than asked for. */
  automatic: boolean;
  reasonFr: string;
}

export interface FindingsAssessment {
  failed: ChecklistItem[];
  serious: boolean;
  proposals: FindingsProposal[];
  /** What the centre is charged, when the actual cost is given. */
  chargedCostEur: number | null;
}

/** VIS-4: the findings as recorded on the visit (control_visits.findings). */
export interface StoredFindings extends FindingsAssessment {
  input: FindingsInput;
  visitedOn: string;
  recordedBy: string;
  recordedAt: string;
}

export interface VisitForFindings {
  kind: VisitKind;
  status: 'planned' | 'done' | 'cancelled';
  plannedOn: string;
}

/** VIS-4: checks the findings against the visit, and decides whether they are serious enough for a proposal. */
export function assessFindings(visit: VisitForFindings, input: FindingsInput, today: string): FindingsAssessment {
  if (visit.status === 'cancelled')
    throw new TransitionRefused('VIS-4', 'the visit was cancelled: there are no findings to record', { status: visit.status });
  if (visit.status === 'done')
    throw new TransitionRefused('VIS-4', 'the findings of this visit are already recorded', { status: visit.status });
  if (today < visit.plannedOn) {
    throw new TransitionRefused('VIS-4', `the visit has not taken place yet: it is planned on ${visit.plannedOn}`, {
      plannedOn: visit.plannedOn,
      today,
    });
  }
  for (const item of CHECKLIST_ITEMS) {
    const entry = input.checklist?.[item];
    if (!entry || (entry.result !== 'ok' && entry.result !== 'ko'))
      throw new InvalidCommand(`checklist.${item}.result`, `checklist.${item}.result must be ok or ko`);
    if (entry.result === 'ko' && !entry.notes?.trim()) {
      throw new InvalidCommand(`checklist.${item}.notes`, `checklist.${item}.notes must say what was found when the item is ko`);
    }
  }
  if (input.costEur !== undefined && (typeof input.costEur !== 'number' || !Number.isFinite(input.costEur) || input.costEur < 0)) {
    throw new InvalidCommand('costEur', 'costEur must be a non-negative amount');
  }

  const failed = CHECKLIST_ITEMS.filter((item) => input.checklist[item].result === 'ko');
  const asked = input.proposeBreach === true || input.proposeSuspension === true;
  if (asked && visit.kind === 'conformity') {
    throw new TransitionRefused('APP-3', 'a conformity visit precedes the grant: there is no agrément to suspend or to notify of a breach');
  }
  if (asked && failed.length === 0) {
    throw new TransitionRefused('VIS-4', 'a breach or suspension proposal rests on the findings: every checklist item is ok');
  }

  const items = failed.map((item) => CHECKLIST_LABELS[item].toLowerCase()).join(' ; ');
  const proposals: FindingsProposal[] = [];
  if (input.proposeSuspension === true) {
    proposals.push({
      kind: 'suspension',
      ruleId: 'SUS-1',
      automatic: false,
      reasonFr: `visite de contrôle : manquement grave ou risque imminent constaté (${items})`,
    });
  }
  const automaticBreach = visit.kind !== 'conformity' && failed.length >= PARAMETERS.visits.findingsKoForBreachProposal;
  if (input.proposeBreach === true || (automaticBreach && !asked)) {
    proposals.push({
      kind: 'breach-notice',
      ruleId: 'BRE-1',
      automatic: input.proposeBreach !== true,
      reasonFr: `visite de contrôle : ${failed.length} point(s) non conforme(s) (${items})`,
    });
  }
  return {
    failed,
    serious: proposals.length > 0,
    proposals,
    chargedCostEur: input.costEur === undefined ? null : chargedCost(visit.kind, input.costEur),
  };
}
