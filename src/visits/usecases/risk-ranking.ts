import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/domain/roles';
import { departmentsOfRegion } from '../../shared/domain/regions';
import { riskScore, type RiskScore } from '../rules';
import { riskFactsRepository } from '../infra/risk-facts.repository';
import { visitsRepository } from '../infra/visits.repository';
import { inspectorIdOf } from './inspector-scope';
import { riskFactsFor, riskSubjectKey } from './risk-facts';
import { todayOf } from './visit-deps';

// GET /control-visits/risk-ranking

export interface RiskRankingItem extends Pick<RiskScore, 'score' | 'factors'> {
  rank: number;
  organisationId: string;
  organisationName: string;
  department: string | null;
  agrementId: string;
}

export interface RiskRankingQuery {
  department?: string;
  region?: string;
  limit: number;
  offset: number;
}

/**
 * VIS-1: the centres under a running agrément, riskiest first (the order the planner takes them in), each with the
 * factors that make its score. An inspector sees only the centres of their own visits (VIS-5, as GET /centres/{id}/risk).
 */
export async function riskRanking(
  deps: { db: DataSource; now: () => Date },
  query: RiskRankingQuery,
  principal: Principal,
): Promise<{ asOf: string; total: number; limit: number; offset: number; items: RiskRankingItem[] }> {
  const today = todayOf(deps.now());
  const visits = visitsRepository(deps.db);
  const inspectorId = await inspectorIdOf(deps.db, principal);
  const visited = inspectorId
    ? new Set((await visits.visitsBetween('0001-01-01', '9999-12-31', inspectorId)).map((v) => v.organisationId))
    : null;
  const departments = query.region ? new Set(departmentsOfRegion(query.region) ?? []) : null;
  const targets = (await visits.agrementTargets({ liveOnly: true })).filter(
    (t) =>
      (!visited || visited.has(t.organisationId)) &&
      (!query.department || t.department === query.department) &&
      (!departments || (t.department !== null && departments.has(t.department))),
  );
  const facts = await riskFactsFor(riskFactsRepository(deps.db), targets, today);
  const ranked = targets
    .map((t) => ({ target: t, risk: riskScore(facts.get(riskSubjectKey(t))!) }))
    .sort(
      (a, b) =>
        b.risk.score - a.risk.score ||
        a.target.name.localeCompare(b.target.name, 'fr') ||
        a.target.agrementId.localeCompare(b.target.agrementId),
    );
  return {
    asOf: today,
    total: ranked.length,
    limit: query.limit,
    offset: query.offset,
    items: ranked.slice(query.offset, query.offset + query.limit).map(({ target, risk }, i) => ({
      rank: query.offset + i + 1,
      organisationId: target.organisationId,
      organisationName: target.name,
      department: target.department,
      agrementId: target.agrementId,
      score: risk.score,
      factors: risk.factors,
    })),
  };
}
