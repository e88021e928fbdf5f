/**
 * Eligibility (APP-1, ELIG-1..5) and dossier (DOC-1..4) evaluation of an agrément application.
 * Both rule files are validated and compiled when this module loads, so a broken file fails at start-up.
 */
import type { ApplicationData, Piece } from '../domain/application';
import { applicationFacts } from './application-facts';
import dossierRules from './dossier.rules.json';
import eligibilityRules from './eligibility.rules.json';
import { evaluate, loadRuleFile, type EvaluateOptions, type Evaluation } from '../../shared/rules/rule-engine';

export const ELIGIBILITY_RULES = loadRuleFile(eligibilityRules, 'src/application/rules/eligibility.rules.json');
export const DOSSIER_RULES = loadRuleFile(dossierRules, 'src/application/rules/dossier.rules.json');

/** APP-1, ELIG-1..5: is the applicant eligible? Every failing check is reported. */
export function evaluateEligibility(
  data: ApplicationData,
  pieces: readonly Piece[],
  today: string,
  opts: EvaluateOptions = {},
): Promise<Evaluation> {
  return evaluate(ELIGIBILITY_RULES, applicationFacts(data, pieces, today), opts);
}

/** DOC-1..4: is the dossier complete on `today` (ISO date)? Missing and stale pieces are failures. */
export function evaluateDossier(
  data: ApplicationData,
  pieces: readonly Piece[],
  today: string,
  opts: EvaluateOptions = {},
): Promise<Evaluation> {
  return evaluate(DOSSIER_RULES, applicationFacts(data, pieces, today), opts);
}

export {
  applicationFacts,
  applicationHasUai,
  calendarMonthsBefore,
  DOSSIER_REQUIREMENTS,
  FRENCH_DEPARTMENTS,
  INDIVIDUALLY_ELIGIBLE_CATEGORIES,
  missingPieces,
  oldestAcceptedProofDate,
  requiredPieces,
  type ApplicationFacts,
} from './application-facts';
export {
  CUSTOM_OPERATORS,
  engineFor,
  evaluate,
  evaluateSync,
  loadRuleFile,
  RuleFileError,
  type EvaluateOptions,
  type Evaluation,
  type Facts,
  type LeafCondition,
  type RuleDefinition,
  type RuleFile,
  type Verdict,
} from '../../shared/rules/rule-engine';
