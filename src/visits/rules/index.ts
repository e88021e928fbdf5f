/**
 * VIS-1: the risk score that orders centres for control visits, from json-rules-engine rules
 * (risk.rules.json). Each rule is one factor, with its rule ID, clause and points (rule data); a
 * factor contributes when its `requires` holds, and every contributing factor is explained with the
 * value seen and the threshold. The file is validated and compiled when this module loads.
 */
import { evaluateSync, loadRuleFile, type RuleDefinition, type RuleFile, RuleFileError } from '../../shared/rules/rule-engine';
import riskRules from './risk.rules.json';

/** Points of a factor: a flat number, or so many per unit of the fact seen (e.g. per incident), capped. */
export type RiskPoints = number | { perUnit: number; max: number };

export interface RiskRuleDefinition extends RuleDefinition {
  points: RiskPoints;
}

/** What the risk rules read (all required): see src/visits/usecases/risk-facts.ts for their sources. */
export interface RiskFacts {
  /** SES-10: sessions finalised late or not at all, within the look-back window. */
  lateFinalisations: number;
  /** SES-12: incidents attributable to the centre, within the look-back window. */
  incidents: number;
  /** SES-12: remedies owed after those incidents and not offered within 5 days (late or never), within the look-back window. */
  remediesLate: number;
  /** SUS-1: fraud reports, within the look-back window. */
  fraudReports: number;
  /** SES-13: candidates' complaints, within the look-back window. */
  complaints: number;
  /** Whole months since the first grant (QUO-1's start). */
  monthsSinceFirstGrant: number;
  /** SUS-1: suspensions recorded for the agrément (the current one included). */
  pastSuspensions: number;
  /** BRE-1: breach notices recorded for the agrément (the current one included). */
  pastBreaches: number;
  /** Whether a control visit has ever been done. */
  everVisited: boolean;
  /** Whole months since the last visit done, or since the first grant when never visited. */
  monthsWithoutVisit: number;
  /** QUO-3: candidates counted for the agrément. */
  candidates: number;
}

export interface RiskFactor {
  check: string;
  ruleId: string;
  clause: string;
  points: number;
  actual: unknown;
  expected: unknown;
  /** French, for operations. */
  message: string;
}

export interface RiskScore {
  ruleSet: string;
  version: string;
  /** Sum of the contributing factors' points. */
  score: number;
  /** Every contributing factor, highest points first (then in rule-file order). */
  factors: RiskFactor[];
  /** Factors checked that did not contribute, with the value seen. */
  notContributing: Array<{ check: string; ruleId: string; actual: unknown; expected: unknown }>;
}

function validatePoints(file: RuleFile, label: string): RiskRuleDefinition[] {
  const problems: string[] = [];
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  for (const rule of file.rules as RiskRuleDefinition[]) {
    const p = rule.points as unknown;
    if (positive(p)) continue;
    if (p !== null && typeof p === 'object' && positive((p as { perUnit?: unknown }).perUnit) && positive((p as { max?: unknown }).max))
      continue;
    problems.push(`${rule.check}: "points" must be a positive number or {"perUnit": n, "max": n}`);
  }
  if (problems.length > 0) throw new RuleFileError(label, problems);
  return file.rules as RiskRuleDefinition[];
}

const LABEL = 'src/visits/rules/risk.rules.json';
export const RISK_RULES = loadRuleFile(riskRules, LABEL);
const DEFINITIONS = new Map(validatePoints(RISK_RULES, LABEL).map((rule) => [rule.check, rule]));

/** The points a factor earns for the value seen. */
export function pointsFor(points: RiskPoints, actual: unknown): number {
  if (typeof points === 'number') return points;
  const units = typeof actual === 'number' && Number.isFinite(actual) ? Math.max(0, actual) : 0;
  return Math.min(points.max, points.perUnit * units);
}

/** VIS-1: the centre's risk score, every contributing factor explained. */
export function riskScore(facts: RiskFacts): RiskScore {
  const evaluation = evaluateSync(RISK_RULES, facts as unknown as Record<string, unknown>, { includePassing: true });
  const failed = new Set(evaluation.failures.map((f) => f.check));
  const factors: RiskFactor[] = [];
  const seen = new Set<string>();
  for (const pass of evaluation.passes ?? []) {
    // A factor with several leaves contributes once, when all of them hold.
    if (failed.has(pass.check) || seen.has(pass.check)) continue;
    seen.add(pass.check);
    const definition = DEFINITIONS.get(pass.check)!;
    factors.push({
      check: pass.check,
      ruleId: pass.ruleId,
      clause: pass.clause,
      points: pointsFor(definition.points, pass.actual),
      actual: pass.actual,
      expected: pass.expected,
      message: pass.message,
    });
  }
  const order = [...DEFINITIONS.keys()];
  factors.sort((a, b) => b.points - a.points || order.indexOf(a.check) - order.indexOf(b.check));
  const notContributing = evaluation.failures
    .filter((f, i, all) => all.findIndex((g) => g.check === f.check) === i)
    .map((f) => ({ check: f.check, ruleId: f.ruleId, actual: f.actual, expected: f.expected }));
  return {
    ruleSet: evaluation.ruleSet,
    version: evaluation.version,
    score: factors.reduce((sum, f) => sum + f.points, 0),
    factors,
    notContributing,
  };
}
