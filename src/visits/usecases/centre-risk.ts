import { NotFound } from '../../shared/domain/errors';
import { riskScore, type RiskFacts, type RiskScore } from '../rules';
import { riskFactsRepository } from '../infra/risk-facts.repository';
import { visitsRepository } from '../infra/visits.repository';
import { riskFacts } from './risk-facts';
import { todayOf, type VisitDeps } from './visit-deps';

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
  const [target] = await visitsRepository(deps.db).agrementTargets({ organisationId, liveOnly: false });
  if (!target) throw new NotFound(`no agreed centre ${organisationId}`, { organisationId });
  const today = todayOf(deps.now());
  const facts = await riskFacts(riskFactsRepository(deps.db), { organisationId, agrementId: target.agrementId }, today);
  return { organisationId, organisationName: target.name, agrementId: target.agrementId, asOf: today, facts, ...riskScore(facts) };
}
