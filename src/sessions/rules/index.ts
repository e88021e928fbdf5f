/**
 * Session rules (SES-1..9, SCO-1, PRI-2..3), effective-dated (AGR-6): a session is judged by the rule set
 * in force on its date. Each version is a rule file whose `parameters` block overrides the PARAMETERS
 * values its cahier changed. The base catalogue is the real cahier shipped here (RULE_FILES); later
 * versions are published by operations (AGR-5, stored in PostgreSQL) and added with withRuleSets().
 * Every function takes the catalogue to judge by (default: the base one), so tests use fixtures.
 */
import type { Session, SessionContext } from '../domain/session';
import {
  evaluateSync,
  evaluateWithEngine,
  loadRuleFile,
  RuleFileError,
  type EvaluateOptions,
  type Evaluation,
  type Facts,
  type RuleFile,
} from '../../shared/rules/rule-engine';
import { lazySessionFacts, sessionFacts } from './session-facts';
import { isCalendarDate } from '../../shared/domain/calendar-days';
import ses202001 from './ses-2020-01.rules.json';
import { inForceOn, resolveParameters, sortVersions, type VersionedParameters } from '../../shared/domain/versioning';
import { memoPerOwner } from '../../shared/domain/memo';

/** One line per version (any order: they are sorted by effectiveFrom). */
const RULE_FILES: ReadonlyArray<readonly [raw: unknown, label: string]> = [[ses202001, 'src/sessions/rules/ses-2020-01.rules.json']];

export interface SessionRuleFile extends RuleFile {
  /** Overrides of PARAMETERS for this cahier (e.g. {"sessions": {"maxCandidatesPerInvigilator": 15}}). */
  parameters?: Record<string, unknown>;
}

export interface SessionRuleSet {
  /** "sessions@2020-01". */
  id: string;
  version: string;
  effectiveFrom: string;
  source: string;
  label: string;
  rules: SessionRuleFile;
  /** PARAMETERS with this version's overrides: the `parameters` fact of its evaluations. */
  parameters: VersionedParameters;
  /** Paths of the overridden parameters, e.g. "sessions.maxCandidatesPerInvigilator". */
  overriddenParameters: string[];
}

const RULE_SET = 'sessions';

/** Validates a session rule file and resolves its parameters (exported for tests; the registry uses RULE_FILES). */
export function loadSessionRuleSet(raw: unknown, label: string): SessionRuleSet {
  const rules = loadRuleFile(raw, label) as SessionRuleFile;
  const problems: string[] = [];
  if (rules.ruleSet !== RULE_SET) problems.push(`"ruleSet" must be "${RULE_SET}"`);
  const { parameters, overridden } = resolveParameters(rules.parameters, label);
  // Messages' {parameters.*} are filled from PARAMETERS once, at compile time: an overridden value
  // would be shown wrong, so such messages must use {expected} instead.
  for (const rule of rules.rules) {
    for (const path of overridden) {
      if (rule.message.includes(`{parameters.${path}}`)) {
        problems.push(`${rule.check}: message shows {parameters.${path}}, which this version overrides; use {expected}`);
      }
    }
  }
  if (problems.length > 0) throw new RuleFileError(label, problems);
  return {
    id: `${rules.ruleSet}@${rules.version}`,
    version: rules.version,
    effectiveFrom: rules.effectiveFrom,
    source: rules.source,
    label,
    rules,
    parameters,
    overriddenParameters: overridden,
  };
}

/** AGR-6: a catalogue of versions, sorted by effectiveFrom, no two taking effect the same day. */
export interface SessionRuleCatalogue {
  readonly sets: readonly SessionRuleSet[];
}

/** A catalogue of these versions (any order); throws when two take effect the same day. */
export function sessionRuleCatalogue(sets: readonly SessionRuleSet[]): SessionRuleCatalogue {
  return Object.freeze({ sets: Object.freeze(sortVersions(sets, 'Session rule sets')) });
}

/** The base catalogue: the real cahier shipped in src/rules (January 2020). */
export const BASE_RULE_CATALOGUE: SessionRuleCatalogue = sessionRuleCatalogue(
  RULE_FILES.map(([raw, label]) => loadSessionRuleSet(raw, label)),
);

/** The base versions, sorted by effectiveFrom. */
export const SESSION_RULE_SETS: readonly SessionRuleSet[] = BASE_RULE_CATALOGUE.sets;

/** `catalogue` plus `extra` versions (published ones, a draft under study). */
export function withRuleSets(catalogue: SessionRuleCatalogue, extra: readonly SessionRuleSet[]): SessionRuleCatalogue {
  return extra.length === 0 ? catalogue : sessionRuleCatalogue([...catalogue.sets, ...extra]);
}

/** AGR-6: the rule set in force on `dateIso` (the session's local date). Throws before the first one. */
export function ruleSetFor(dateIso: string, catalogue: SessionRuleCatalogue = BASE_RULE_CATALOGUE): SessionRuleSet {
  return ruleSetInForce(catalogue, dateIso);
}

// Every evaluation asks: the answer per catalogue (frozen) and date is kept.
const ruleSetInForce = memoPerOwner((catalogue: SessionRuleCatalogue, dateIso: string) => {
  if (!isCalendarDate(dateIso)) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${dateIso}`);
  return inForceOn(catalogue.sets, dateIso, 'session rule set');
});

export interface RuleSetSummary {
  id: string;
  ruleSet: string;
  version: string;
  effectiveFrom: string;
  /** The day the next version takes effect (this one applies before it), or null. */
  effectiveUntil: string | null;
  source: string;
  /** DOMAIN.md rule IDs, in file order, once each. */
  ruleIds: string[];
  checks: Array<{ ruleId: string; check: string; clause: string }>;
  /** This version's values that differ from PARAMETERS (the cahier of January 2020). */
  parameterOverrides: Record<string, unknown>;
}

/** For the API: every version with its dates, source and rules. */
export function listRuleSets(catalogue: SessionRuleCatalogue = BASE_RULE_CATALOGUE): RuleSetSummary[] {
  const sets = catalogue.sets;
  return sets.map((set, i) => {
    const overrides: Record<string, unknown> = {};
    for (const path of set.overriddenParameters) {
      overrides[path] = path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], set.parameters);
    }
    return {
      id: set.id,
      ruleSet: set.rules.ruleSet,
      version: set.version,
      effectiveFrom: set.effectiveFrom,
      effectiveUntil: sets[i + 1]?.effectiveFrom ?? null,
      source: set.source,
      ruleIds: [...new Set(set.rules.rules.map((r) => r.id))],
      checks: set.rules.rules.map((r) => ({ ruleId: r.id, check: r.check, clause: r.clause })),
      parameterOverrides: overrides,
    };
  });
}

export interface SessionEvaluation extends Evaluation {
  sessionId: string;
  /** AGR-6: the version that judged the session, and since when it is in force. */
  ruleSetId: string;
  effectiveFrom: string;
}

/**
 * Judges `session` by the rule set in force on its date: every failing check with the value seen and
 * the value required, the checks that do not apply, and with `includePassing` the passing ones.
 */
export function evaluateSession(
  session: Session,
  context: SessionContext,
  options: EvaluateOptions = {},
  catalogue: SessionRuleCatalogue = BASE_RULE_CATALOGUE,
): SessionEvaluation {
  const set = ruleSetFor(session.date, catalogue);
  // Facts computed on first read: only those an applicable check needs (issue 15).
  const facts = lazySessionFacts(session, context, set.parameters);
  return completed(evaluateSync(set.rules, facts as unknown as Facts, options), session, context, set);
}

/**
 * evaluateSession through json-rules-engine's Engine.run (evaluateWithEngine): the same verdicts, more
 * slowly. The reference that the equivalence test and bench:rules compare evaluateSession with.
 */
export async function evaluateSessionWithEngine(
  session: Session,
  context: SessionContext,
  options: EvaluateOptions = {},
  catalogue: SessionRuleCatalogue = BASE_RULE_CATALOGUE,
): Promise<SessionEvaluation> {
  const set = ruleSetFor(session.date, catalogue);
  const facts = sessionFacts(session, context, set.parameters);
  return completed(await evaluateWithEngine(set.rules, facts as unknown as Facts, options), session, context, set);
}

function completed(evaluation: Evaluation, session: Session, context: SessionContext, set: SessionRuleSet): SessionEvaluation {
  const blocker = context.sessionBlocker;
  if (blocker) {
    // SES-9: the caller's reason completes the message of the check its rule fails.
    for (const failure of evaluation.failures) {
      if (failure.fact === 'sessionBlocker') failure.message = `${failure.message} Motif : ${blocker.reason}`;
    }
  }
  // A new object of the final shape: three fields added to the engine's would move them out of the object.
  const { ruleSet, version, passed, failures, notApplicable, passes } = evaluation;
  const sessionId = session.id;
  const { id: ruleSetId, effectiveFrom } = set;
  return passes === undefined
    ? { ruleSet, version, passed, failures, notApplicable, sessionId, ruleSetId, effectiveFrom }
    : { ruleSet, version, passed, failures, notApplicable, passes, sessionId, ruleSetId, effectiveFrom };
}

export { lazySessionFacts, sessionFacts, sessionSlotMinutes, type InvigilatorConflicts, type SessionFacts } from './session-facts';
export { inForceOn, resolveParameters, type VersionedParameters } from '../../shared/domain/versioning';
