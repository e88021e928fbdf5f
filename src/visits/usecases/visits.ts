/**
 * Control visits (VIS-1..5, APP-3), one module per use case, gathered here: the risk score of a centre
 * (centre-risk.ts); the plan of a period, persisted in one transaction, then e-mailed exactly once through the
 * outbox (plan-period.ts); the plans as each person may see them (list-visits.ts, inspector-scope.ts); the findings
 * (VIS-4) with their proposal to the legal team (BRE-1, SUS-1, BRE-4: record-findings.ts).
 */
export { CONTROL_VISIT_STREAM, PLANNING_LOCK } from '../infra/visits.repository';
export { agrementReference, type EmailReport, type VisitDeps } from './visit-deps';
export { centreRisk, type CentreRisk } from './centre-risk';
export { planPeriod, proposePlan, type PersistedVisit, type PlanProposal, type PlanRequest, type PlanResult } from './plan-period';
export { riskRanking, type RiskRankingItem } from './risk-ranking';
export { inspectorAssignedTo, inspectorIdOf } from './inspector-scope';
export { getVisit, listVisits, type VisitView } from './list-visits';
export { recordFindings, type AgrementProposalsReport, type FindingsResult, type StoredFindings } from './record-findings';
