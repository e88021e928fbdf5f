/**
 * Generic evaluator of rule files over json-rules-engine that explains every verdict.
 *
 * A rule file lists checks; each check cites a DOMAIN.md rule ID and a clause, and has
 * `requires` (an `all` of leaf conditions, or one leaf) and an optional `appliesWhen`.
 * Every leaf is compiled into its own engine rule, so each one is evaluated and reported
 * with the value seen (`actual`) and the resolved comparison value (`expected`): an
 * applicant learns every failing check at once (DOC-4), not only the first.
 *
 * Evaluation does not call `Engine.run`: `run` keeps its status on the shared Engine, so
 * concurrent runs of one cached Engine skip each other's rules (most of 2,000 staggered runs came
 * back incomplete when tried), and per run it builds an Almanac, a promise per condition and a deep
 * clone of every rule's conditions. Instead each rule file is compiled once (cached per file, i.e. per
 * rule-set version) into synchronous straight-line code (generateRunner) with the Engine's own operators
 * (json-rules-engine's defaults and most of ours inlined, decorators called) and json-rules-engine's fact
 * semantics (constant facts, `path`, `{ "fact": … }` values), a fact given by a getter being computed only when
 * an applicable check reads it (see Facts); where code generation is refused, the
 * same compiled checks run one by one (evaluateStepwise). `Engine.run` stays the reference:
 * evaluateWithEngine gives the verdicts through it, and rule-engine.test.ts,
 * session-rules-equivalence.property.test.ts and bench:rules check that both agree.
 */
import { Engine, Fact, Operator, Rule } from 'json-rules-engine';
import type { TopLevelCondition } from 'json-rules-engine';
import { PARAMETERS } from '../../config/parameters';
import { startsWithIsoDate } from '../domain/calendar-days';
import { RuleFileError } from '../domain/errors';

/** A leaf condition, as json-rules-engine writes it. */
export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  path?: string;
  params?: Record<string, unknown>;
  priority?: number;
  name?: string;
}

export interface RuleDefinition {
  /** DOMAIN.md rule ID, e.g. "ELIG-3". */
  id: string;
  /** Unique sub-id within the file, `<id>.<name>`, e.g. "ELIG-3.committed-candidates". */
  check: string;
  /** Where the rule comes from, e.g. "CdC §3.1.1". */
  clause: string;
  /** English, for engineers. */
  description: string;
  /** French, shown to applicants and operations; may use {actual}, {expected}, {parameters.a.b}. */
  message: string;
  appliesWhen?: TopLevelCondition;
  requires: TopLevelCondition | LeafCondition;
}

export interface RuleFile {
  ruleSet: string;
  version: string;
  /** AGR-6: a rule set applies to facts dated from this ISO date. */
  effectiveFrom: string;
  source: string;
  notes?: string[];
  rules: RuleDefinition[];
}

/** One check of one rule on one set of facts: passed or failed, with actual vs expected and the clause it cites. */
export interface Verdict {
  ruleId: string;
  check: string;
  clause: string;
  description: string;
  message: string;
  fact: string;
  path?: string;
  operator: string;
  /** The fact value seen. */
  actual: unknown;
  /** The comparison value, fact references resolved (e.g. the parameter). */
  expected: unknown;
}

export interface Evaluation {
  ruleSet: string;
  version: string;
  passed: boolean;
  /** Every failing leaf, in rule-file order. */
  failures: Verdict[];
  /** Only with `includePassing`. */
  passes?: Verdict[];
  /** Checks whose `appliesWhen` does not hold: never failures. */
  notApplicable?: string[];
}

export interface EvaluateOptions {
  includePassing?: boolean;
}

/**
 * The facts of an evaluation: constants, own properties of a plain object, or properties of the object's
 * prototype (getters), e.g. facts computed on first read: the compiled checks read a fact only for a check that
 * applies, so a fact that no applicable check needs is never computed. Either way a fact keeps its value
 * during an evaluation. Object.prototype's members (toString…) count as facts only when own (hasFact).
 */
export type Facts = Readonly<Record<string, unknown>>;

/** Whether `facts` gives the fact `name` (see Facts): without reading it, which would compute a fact computed on first read. */
function hasFact(facts: Facts, name: string): boolean {
  return name in Object.prototype ? Object.hasOwn(facts, name) : name in facts;
}

/** Rule-data errors are domain errors (versioned tariffs raise them too); re-exported for the rule loaders. */
export { RuleFileError };

// ---------------------------------------------------------------------------
// Custom operators

/** DOC-4: compares the days (YYYY-MM-DD, or the day of an ISO instant) of two values; NaN when either is no date. */
function compareIsoDays(a: unknown, b: unknown): number {
  if (typeof a !== 'string' || typeof b !== 'string' || !startsWithIsoDate(a) || !startsWithIsoDate(b)) return Number.NaN;
  const x = a.length === 10 ? a : a.slice(0, 10);
  const y = b.length === 10 ? b : b.slice(0, 10);
  return x < y ? -1 : x > y ? 1 : 0;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Operators rule files may use beyond json-rules-engine's defaults. */
export const CUSTOM_OPERATORS: ReadonlyArray<Operator> = [
  // DOC-4: ISO dates (YYYY-MM-DD, or the day of an ISO instant) compare as strings.
  new Operator('onOrAfter', (a: unknown, b: unknown) => compareIsoDays(a, b) >= 0),
  new Operator('onOrBefore', (a: unknown, b: unknown) => compareIsoDays(a, b) <= 0),
  new Operator('includesAll', (a: unknown[], b: unknown) => asList(b).every((v) => a.includes(v)), Array.isArray),
  new Operator('lacks', (a: unknown[], b: unknown) => !asList(b).some((v) => a.includes(v)), Array.isArray),
  // Arrays, and strings once trimmed; anything else (null included) satisfies neither `true` nor `false`.
  new Operator(
    'isEmpty',
    (a: unknown, b: unknown) => ((typeof a === 'string' ? a.trim() : (a as unknown[])).length === 0) === b,
    (a: unknown) => Array.isArray(a) || typeof a === 'string',
  ),
];

// ---------------------------------------------------------------------------
// Paths: `$` followed by `.name` or `[index]` segments. A small resolver instead of
// JSONPath, which costs more than the rest of a condition's evaluation.

const PATH = /^\$((\.[A-Za-z_][A-Za-z0-9_]*)|(\[\d+\]))*$/;
const SEGMENT = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g;
const parsedPaths = new Map<string, ReadonlyArray<string | number>>();

function pathSegments(path: string): ReadonlyArray<string | number> {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = Array.from(path.matchAll(SEGMENT), (m) => (m[1] !== undefined ? m[1] : Number(m[2])));
    parsedPaths.set(path, segments);
  }
  return segments;
}

function resolvePath(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of pathSegments(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

// ---------------------------------------------------------------------------
// json-rules-engine internals we rely on: public members of its classes that its d.ts omits.

/** A json-rules-engine Condition instance (a leaf, or all/any/not of Conditions). */
interface EngineCondition {
  all?: EngineCondition[];
  any?: EngineCondition[];
  not?: EngineCondition;
  fact?: string;
  operator?: string;
  value?: unknown;
  path?: string;
}

interface EngineOperator {
  cb(factValue: unknown, compareToValue: unknown): unknown;
  factValueValidator(factValue: unknown): unknown;
}

interface OperatorMap {
  get(name: string): EngineOperator | null;
}

function operatorsOf(engine: Engine): OperatorMap {
  return (engine as unknown as { operators: OperatorMap }).operators;
}

function conditionsOf(rule: Rule): EngineCondition {
  const condition = rule.conditions as unknown as EngineCondition & { isBooleanOperator?: unknown };
  if (typeof condition?.isBooleanOperator !== 'function') {
    throw new Error('json-rules-engine: Rule.conditions is not a Condition any more (library API changed)');
  }
  return condition;
}

// ---------------------------------------------------------------------------
// Validation

const RULE_ID = /^[A-Z]{2,5}-\d+$/;
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.]*)\}/g;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isValidIsoDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function isFactReference(value: unknown): value is { fact: string; path?: string; params?: unknown } {
  return isObject(value) && Object.prototype.hasOwnProperty.call(value, 'fact');
}

function parameterAt(path: string): unknown {
  return PATH.test(path) ? resolvePath(PARAMETERS, path) : undefined;
}

/** Collects the problems of a condition tree into `problems`, and the facts it reads into `facts`. */
function validateCondition(condition: unknown, where: string, engine: Engine, problems: string[], facts: Set<string>): void {
  if (!isObject(condition)) {
    problems.push(`${where}: a condition must be an object`);
    return;
  }
  if ('condition' in condition) {
    problems.push(`${where}: condition references are not supported, write the condition out`);
    return;
  }
  for (const key of ['all', 'any'] as const) {
    if (key in condition) {
      const children = condition[key];
      if (!Array.isArray(children) || children.length === 0) {
        problems.push(`${where}.${key}: must be a non-empty array`);
        return;
      }
      children.forEach((child, i) => validateCondition(child, `${where}.${key}[${i}]`, engine, problems, facts));
      return;
    }
  }
  if ('not' in condition) {
    validateCondition(condition.not, `${where}.not`, engine, problems, facts);
    return;
  }
  validateLeaf(condition, where, engine, problems, facts);
}

function validateLeaf(leaf: Record<string, unknown>, where: string, engine: Engine, problems: string[], facts: Set<string>): void {
  if (!isNonEmptyString(leaf.fact)) problems.push(`${where}: "fact" is required`);
  else if (leaf.fact !== 'parameters') facts.add(leaf.fact);
  if (!isNonEmptyString(leaf.operator)) problems.push(`${where}: "operator" is required`);
  else if (!operatorsOf(engine).get(leaf.operator)) problems.push(`${where}: unknown operator "${leaf.operator}"`);
  if (leaf.path !== undefined && (typeof leaf.path !== 'string' || !PATH.test(leaf.path))) {
    problems.push(`${where}: path ${JSON.stringify(leaf.path)} must look like "$.a.b" or "$.a[0]"`);
  }
  // Facts are constants computed before evaluation: fact params (for dynamic facts) have no use.
  if (leaf.params !== undefined) problems.push(`${where}: "params" is not supported, facts are constants`);
  if (!('value' in leaf)) {
    problems.push(`${where}: "value" is required`);
    return;
  }
  if (leaf.operator === 'isEmpty' && typeof leaf.value !== 'boolean') {
    problems.push(`${where}: isEmpty takes true or false`);
  }
  validateValue(leaf.value, `${where}.value`, problems, facts);
}

function validateValue(value: unknown, where: string, problems: string[], facts: Set<string>): void {
  if (typeof value === 'number') {
    // DOMAIN.md: numbers are parameters the GIP Pix changes (Conv art. 8), never literals in rules.
    problems.push(`${where}: number ${value} written in the rule file; reference it as {"fact":"parameters","path":"$..."}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => validateValue(v, `${where}[${i}]`, problems, facts));
  } else if (isFactReference(value)) {
    if (value.params !== undefined) problems.push(`${where}: "params" is not supported, facts are constants`);
    if (!isNonEmptyString(value.fact)) {
      problems.push(`${where}: fact reference needs a fact name`);
    } else if (value.fact === 'parameters') {
      if (typeof value.path !== 'string' || parameterAt(value.path) === undefined) {
        problems.push(`${where}: no parameter at path ${JSON.stringify(value.path)} in PARAMETERS`);
      }
    } else {
      facts.add(value.fact);
      if (value.path !== undefined && (typeof value.path !== 'string' || !PATH.test(value.path))) {
        problems.push(`${where}: path ${JSON.stringify(value.path)} must look like "$.a.b" or "$.a[0]"`);
      }
    }
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) validateValue(v, `${where}.${key}`, problems, facts);
  }
}

function validateMessage(message: string, where: string, problems: string[]): void {
  for (const [, name] of message.matchAll(PLACEHOLDER)) {
    if (name === 'actual' || name === 'expected') continue;
    if (!name.startsWith('parameters.') || parameterAt(`$${name.slice('parameters'.length)}`) === undefined) {
      problems.push(`${where}.message: unknown placeholder {${name}}`);
    }
  }
}

function validateRuleFile(raw: unknown, label: string, engine: Engine): Set<string> {
  const problems: string[] = [];
  const facts = new Set<string>();
  if (!isObject(raw)) throw new RuleFileError(label, ['a rule file must be a JSON object']);
  for (const key of ['ruleSet', 'version', 'source'] as const) {
    if (!isNonEmptyString(raw[key])) problems.push(`"${key}" is required`);
  }
  if (!isValidIsoDate(raw.effectiveFrom)) problems.push('"effectiveFrom" must be an ISO date (AGR-6)');
  if (!Array.isArray(raw.rules) || raw.rules.length === 0) {
    problems.push('"rules" must be a non-empty array');
    throw new RuleFileError(label, problems);
  }
  const checks = new Set<string>();
  raw.rules.forEach((rule: unknown, i: number) => {
    const where = `rules[${i}]`;
    if (!isObject(rule)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    const at = isNonEmptyString(rule.check) ? `${where} (${rule.check})` : where;
    if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) {
      problems.push(`${at}: id ${JSON.stringify(rule.id)} must be a DOMAIN.md rule ID like "ELIG-3"`);
    }
    if (!isNonEmptyString(rule.check)) {
      problems.push(`${at}: "check" is required`);
    } else {
      if (checks.has(rule.check)) problems.push(`${at}: duplicate check "${rule.check}"`);
      checks.add(rule.check);
      if (typeof rule.id === 'string' && !rule.check.startsWith(`${rule.id}.`)) {
        problems.push(`${at}: check must start with its rule id, "${rule.id}."`);
      }
    }
    for (const key of ['clause', 'description', 'message'] as const) {
      if (!isNonEmptyString(rule[key])) problems.push(`${at}: "${key}" is required`);
    }
    if (typeof rule.message === 'string') validateMessage(rule.message, at, problems);
    if (rule.appliesWhen !== undefined) validateCondition(rule.appliesWhen, `${at}.appliesWhen`, engine, problems, facts);
    if (rule.requires === undefined) {
      problems.push(`${at}: "requires" is required`);
    } else {
      // Only `all` splits into independently explainable leaves; `any`/`not` would change meaning.
      const leaves = flattenRequires(rule.requires);
      if (!leaves) {
        problems.push(`${at}.requires: must be a leaf condition or {"all": [leaf, ...]} (nested "all" allowed)`);
      } else {
        leaves.forEach((leaf, j) => validateCondition(leaf, `${at}.requires[${j}]`, engine, problems, facts));
      }
    }
  });
  if (problems.length > 0) throw new RuleFileError(label, problems);
  return facts;
}

/** `{all: [...]}` (nested `all` flattened, same meaning) or a leaf → its leaves; null if not splittable. */
function flattenRequires(condition: unknown): Record<string, unknown>[] | null {
  if (!isObject(condition)) return null;
  if ('any' in condition || 'not' in condition || 'condition' in condition) return null;
  if (!('all' in condition)) return [condition];
  if (!Array.isArray(condition.all) || condition.all.length === 0) return null;
  const leaves: Record<string, unknown>[] = [];
  for (const child of condition.all) {
    const sub = flattenRequires(child);
    if (!sub) return null;
    leaves.push(...sub);
  }
  return leaves;
}

// ---------------------------------------------------------------------------
// Compilation (once per rule file, cached): every leaf becomes a synchronous check

/** A fact's value as json-rules-engine's Almanac.factValue gives it for a constant fact (`path` applied). */
type Accessor = (facts: Facts) => unknown;
/** An operator as json-rules-engine's Operator.evaluate: its fact validator, then its callback. */
type Test = (actual: unknown, expected: unknown) => boolean;

interface CompiledLeaf {
  fact: string;
  path?: string;
  operatorName: string;
  /** Literal, or `{ fact, path? }` resolved at evaluation by `expected`. */
  value: unknown;
  actual: Accessor;
  /** The resolved `{ fact, path? }` reference, or null when `value` is a literal (then it is the expected value). */
  expected: Accessor | null;
  test: Test;
}

/** A decided `appliesWhen` condition tree (all/any/not of leaves), with json-rules-engine's boolean semantics. */
type Predicate = (facts: Facts) => boolean;

interface CompiledCheck {
  definition: RuleDefinition;
  /** Index into CompiledRuleFile.applicability, or -1 when the check always applies. */
  applicability: number;
  /** One leaf per leaf of `requires`, in order. */
  requires: CompiledLeaf[];
  /** What each leaf's verdict says besides its values, parallel to `requires`. */
  texts: VerdictText[];
}

/**
 * A verdict's texts, one object of one shape per leaf: read from the rule definition and the leaf (objects
 * of several shapes), a failure cost more than the same failure built by the hand-written checks (bench:rules).
 */
interface VerdictText {
  ruleId: string;
  check: string;
  clause: string;
  description: string;
  fact: string;
  path: string | undefined;
  operator: string;
  message: MessageTemplate;
}

/** A check's message, {parameters.*} already filled in. */
interface MessageTemplate {
  /** Split around {actual}/{expected}: text, placeholder name, text, … (odd indexes are names); null when it has neither. */
  template: string[] | null;
  staticMessage: string;
}

function messageTemplate(definition: RuleDefinition): MessageTemplate {
  const staticMessage = fillParameters(definition.message);
  const template = /\{(actual|expected)\}/.test(staticMessage) ? staticMessage.split(/\{(actual|expected)\}/) : null;
  return { template, staticMessage };
}

/**
 * The French message of `definition` for the values seen and required, as the evaluator writes it: for a
 * baseline that judges the same checks by other means and must explain them identically (bench:rules).
 */
export function messageOf(definition: RuleDefinition): (actual: unknown, expected: unknown) => string {
  const message = messageTemplate(definition);
  return (actual, expected) => formatMessage(message, actual, expected);
}

interface CompiledRuleFile {
  file: RuleFile;
  /**
   * The reference: one json-rules-engine rule per `appliesWhen` ("<check>#appliesWhen") and per leaf of
   * `requires` ("<check>#<n>"), run by evaluateWithEngine (tests, bench:rules) to prove the compiled checks equal.
   */
  engine: Engine;
  /** Distinct `appliesWhen` conditions: each is decided at most once per call. */
  applicability: Predicate[];
  checks: CompiledCheck[];
  facts: string[];
  /** The checks compiled into straight-line code (generateRunner), or null where code generation is refused. */
  run: Runners | null;
}

const compiled = new WeakMap<object, CompiledRuleFile>();
const PARAMETERS_FACT = new Fact('parameters', PARAMETERS, { cache: false });

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function fillParameters(message: string): string {
  return message.replace(PLACEHOLDER, (whole, name: string) =>
    name.startsWith('parameters.') ? formatValue(parameterAt(`$${name.slice('parameters'.length)}`)) : whole,
  );
}

/** Almanac.factValue of a constant fact: `parameters` defaults to PARAMETERS; a path applies to objects only. */
function accessor(fact: string, path: string | undefined): Accessor {
  const read: Accessor = fact === 'parameters' ? (facts) => (hasFact(facts, fact) ? facts[fact] : PARAMETERS) : (facts) => facts[fact];
  if (!path) return read;
  const segments = pathSegments(path);
  if (segments.length === 1) {
    const [segment] = segments;
    return (facts) => {
      const value = read(facts);
      return value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : value;
    };
  }
  return (facts) => {
    const value = read(facts);
    return value !== null && typeof value === 'object' ? resolvePath(value, path) : value;
  };
}

/**
 * Operator.evaluate (`factValueValidator(a) && cb(a, b)`) without its method dispatch. json-rules-engine's
 * numberValidator (`Number.parseFloat(a).toString() !== 'NaN'`) allocates a string per call: for a number
 * it is `a` not NaN, which is checked first.
 */
function testOf(operator: EngineOperator): Test {
  const { cb, factValueValidator: valid } = operator;
  if (valid.name === 'numberValidator') return (a, b) => (typeof a === 'number' ? a === a : Boolean(valid(a))) && Boolean(cb(a, b));
  return (a, b) => Boolean(valid(a)) && Boolean(cb(a, b));
}

function compile(raw: unknown, label: string): CompiledRuleFile {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  for (const operator of CUSTOM_OPERATORS) engine.addOperator(operator);
  engine.addFact(PARAMETERS_FACT);
  const facts = validateRuleFile(raw, label, engine);
  const file = deepFreeze(raw as RuleFile);
  const operators = operatorsOf(engine);

  const leafOf = (condition: EngineCondition): CompiledLeaf => {
    const { fact, operator, path } = condition;
    // Verdicts hand the literal out as `expected`: frozen, so a caller cannot alter the compiled rule.
    const value = deepFreeze(structuredClone(condition.value));
    const reference =
      value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact') ? (value as { fact: string; path?: string }) : null;
    return {
      fact: fact as string,
      ...(path ? { path } : {}),
      operatorName: operator as string,
      value,
      actual: accessor(fact as string, path),
      expected: reference ? accessor(reference.fact, reference.path) : null,
      test: testOf(operators.get(operator as string) as EngineOperator),
    };
  };
  const predicateOf = (condition: EngineCondition): Predicate => {
    if (condition.all) {
      const children = condition.all.map(predicateOf);
      return (facts) => {
        for (const child of children) if (!child(facts)) return false;
        return true;
      };
    }
    if (condition.any) {
      const children = condition.any.map(predicateOf);
      return (facts) => {
        for (const child of children) if (child(facts)) return true;
        return false;
      };
    }
    if (condition.not) {
      const child = predicateOf(condition.not);
      return (facts) => !child(facts);
    }
    const leaf = leafOf(condition);
    const { actual, expected, test, value } = leaf;
    return expected === null ? (facts) => test(actual(facts), value) : (facts) => test(actual(facts), expected(facts));
  };
  // json-rules-engine mutates what it is given (e.g. priorities): hand it copies, the file stays frozen.
  const addRule = (name: string, conditions: unknown): EngineCondition => {
    const rule = new Rule({
      name,
      conditions: structuredClone(conditions) as TopLevelCondition,
      event: { type: name },
    });
    engine.addRule(rule);
    return conditionsOf(rule);
  };

  const applicability: Predicate[] = [];
  const applicabilityConditions: EngineCondition[] = [];
  const applicabilityIndex = new Map<string, number>();
  const checks = file.rules.map((definition): CompiledCheck => {
    let index = -1;
    if (definition.appliesWhen) {
      const when = definition.appliesWhen as unknown as Record<string, unknown>;
      const topLevel = 'all' in when || 'any' in when || 'not' in when ? when : { all: [when] };
      const condition = addRule(`${definition.check}#appliesWhen`, topLevel);
      const key = JSON.stringify(topLevel);
      index = applicabilityIndex.get(key) ?? -1;
      if (index < 0) {
        index = applicability.push(predicateOf(condition)) - 1;
        applicabilityConditions.push(condition);
        applicabilityIndex.set(key, index);
      }
    }
    // One engine rule per leaf of `requires`, so that each leaf is evaluated and explained.
    const requires = (flattenRequires(definition.requires) as Record<string, unknown>[]).map((leaf, i) =>
      leafOf(addRule(`${definition.check}#${i}`, { all: [leaf] }).all![0]),
    );
    const message = messageTemplate(definition);
    const texts = requires.map((leaf): VerdictText => ({
      ruleId: definition.id,
      check: definition.check,
      clause: definition.clause,
      description: definition.description,
      fact: leaf.fact,
      path: leaf.path,
      operator: leaf.operatorName,
      message,
    }));
    return { definition, applicability: index, requires, texts };
  });
  const factNames = [...facts];
  const run = generateRunner(file, checks, applicabilityConditions, factNames, (name) => operators.get(name) as EngineOperator);
  return { file, engine, applicability, checks, facts: factNames, run };
}

// ---------------------------------------------------------------------------
// Code generation: the compiled checks of a file as one straight-line function, as a developer would
// write them by hand. Property accesses are inlined, so each fact is read through a monomorphic inline
// cache instead of a keyed lookup, and json-rules-engine's default operators become expressions.
// Nothing of the rule file's text reaches the code but names checked against IDENTIFIER and texts checked
// against PLAIN_TEXT: other values, check names and facts' names are passed in as constants (k[i]), other
// operators as functions (t[i]).

type Runner = (facts: Facts) => Evaluation;

/**
 * The file's checks as two functions, without and with the passing verdicts: the one that explains failures
 * only (the API's default) holds no code for passes, so it is smaller and the compiler inlines more of it.
 */
interface Runners {
  failures: Runner;
  all: Runner;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Text written into the generated code as a string literal: nothing that could end or escape one. */
const PLAIN_TEXT = /^[A-Za-z0-9_.@ -]*$/;
/** json-rules-engine's default operators, as expressions of `a` (the fact's value) and `e` (the compared value). */
const DEFAULT_OPERATORS: Readonly<Record<string, (a: string, e: string) => string>> = {
  equal: (a, e) => `${a} === ${e}`,
  notEqual: (a, e) => `${a} !== ${e}`,
  in: (a, e) => `${e}.indexOf(${a}) > -1`,
  notIn: (a, e) => `${e}.indexOf(${a}) === -1`,
  contains: (a, e) => `Array.isArray(${a}) && ${a}.indexOf(${e}) > -1`,
  doesNotContain: (a, e) => `Array.isArray(${a}) && ${a}.indexOf(${e}) === -1`,
  // numberValidator: Number.parseFloat(a).toString() !== 'NaN', i.e. a not NaN for a number.
  lessThan: (a, e) => `(typeof ${a} === "number" ? ${a} === ${a} : isNumeric(${a})) && ${a} < ${e}`,
  lessThanInclusive: (a, e) => `(typeof ${a} === "number" ? ${a} === ${a} : isNumeric(${a})) && ${a} <= ${e}`,
  greaterThan: (a, e) => `(typeof ${a} === "number" ? ${a} === ${a} : isNumeric(${a})) && ${a} > ${e}`,
  greaterThanInclusive: (a, e) => `(typeof ${a} === "number" ? ${a} === ${a} : isNumeric(${a})) && ${a} >= ${e}`,
};
if (CUSTOM_OPERATORS.some((operator) => Object.hasOwn(DEFAULT_OPERATORS, operator.name))) {
  throw new Error('a custom operator shadows a json-rules-engine default');
}
/**
 * Ours (CUSTOM_OPERATORS) as expressions, validator included (`compareDays` is compareIsoDays): a call through
 * Operator's callbacks per leaf cost more than the test. Used only for the very Operator of CUSTOM_OPERATORS;
 * the stepwise path and Engine.run call the Operator, and the equivalence tests compare them.
 */
const CUSTOM_EXPRESSIONS: Readonly<Record<string, (a: string, e: string) => string>> = {
  onOrAfter: (a, e) => `compareDays(${a}, ${e}) >= 0`,
  onOrBefore: (a, e) => `compareDays(${a}, ${e}) <= 0`,
  isEmpty: (a, e) =>
    `(typeof ${a} === "string" ? (${a}.trim().length === 0) === ${e} : Array.isArray(${a}) && (${a}.length === 0) === ${e})`,
};

/**
 * The same string, internalized (as property keys are): facts holding string literals are then compared with
 * it by identity, where a string of the rule file (JSON.parse, structuredClone) is compared character by character.
 */
function internalized(value: string): string {
  return Object.keys({ [value]: true })[0];
}

/** json-rules-engine's numberValidator, for values that are not numbers. */
function isNumeric(value: unknown): boolean {
  return Number.parseFloat(value as string).toString() !== 'NaN';
}

function generateRunner(
  file: RuleFile,
  checks: CompiledCheck[],
  applicability: EngineCondition[],
  facts: string[],
  operatorNamed: (name: string) => EngineOperator,
): Runners | null {
  const constants: unknown[] = [];
  const constant = (value: unknown) => {
    if (typeof value === 'string') value = internalized(value);
    const at = constants.indexOf(value);
    return `k[${at >= 0 ? at : constants.push(value) - 1}]`;
  };
  // A value the compiler can fold (a comparison with `true` or "secondary-school" instead of a load from k):
  // booleans, null and plain text (PLAIN_TEXT: no quote, backslash or line break) written out; anything else from k.
  const literal = (value: unknown) =>
    typeof value === 'boolean' || value === null || (typeof value === 'string' && PLAIN_TEXT.test(value))
      ? JSON.stringify(value)
      : constant(value);
  const tests: Test[] = [];
  const leaves: CompiledLeaf[] = [];
  const texts: VerdictText[] = [];
  let temporaries = 0;
  const temporary = () => `v${temporaries++}`;
  const property = (object: string, name: string | number) =>
    typeof name === 'number' ? `${object}[${name}]` : IDENTIFIER.test(name) ? `${object}.${name}` : `${object}[${constant(name)}]`;
  // Object.prototype's members (toString…) would answer a load on any object: those names are checked with hasOwn only.
  const inherited = (name: string) => name in Object.prototype;
  let readsParameters = false;
  const read = (fact: string, path: string | undefined): string => {
    let value: string;
    if (fact === 'parameters') {
      readsParameters = true;
      value = 'parameters';
    } else value = property('facts', fact);
    if (!path) return value;
    const segments = pathSegments(path);
    const v = temporary();
    // resolvePath: each segment of an object, undefined past a value that is not one.
    let resolved = property(v, segments[segments.length - 1]);
    for (let i = segments.length - 2; i >= 0; i--) {
      resolved = `(${v} = ${property(v, segments[i])}, ${v} !== null && typeof ${v} === "object" ? ${resolved} : undefined)`;
    }
    return `(${v} = ${value}, ${v} !== null && typeof ${v} === "object" ? ${resolved} : ${v})`;
  };
  const testOfLeaf = (condition: EngineCondition, a: string, e: string): string => {
    const operator = condition.operator as string;
    const inline = DEFAULT_OPERATORS[operator];
    if (Object.hasOwn(DEFAULT_OPERATORS, operator)) return inline(a, e);
    const ours = CUSTOM_OPERATORS.find((custom) => custom.name === operator);
    if (ours !== undefined && Object.hasOwn(CUSTOM_EXPRESSIONS, operator) && operatorNamed(operator) === (ours as unknown)) {
      return CUSTOM_EXPRESSIONS[operator](a, e);
    }
    return `t[${tests.push(testOf(operatorNamed(operator))) - 1}](${a}, ${e})`;
  };
  const expectedOf = (value: unknown): string => {
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact')) {
      const reference = value as { fact: string; path?: string };
      return read(reference.fact, reference.path);
    }
    return literal(value);
  };
  const predicate = (condition: EngineCondition): string => {
    if (condition.all) return `(${condition.all.map(predicate).join(' && ')})`;
    if (condition.any) return `(${condition.any.map(predicate).join(' || ')})`;
    if (condition.not) return `!${predicate(condition.not)}`;
    const a = temporary();
    const e = temporary();
    return `(${a} = ${read(condition.fact as string, condition.path)}, ${e} = ${expectedOf(condition.value)}, Boolean(${testOfLeaf(condition, a, e)}))`;
  };

  // The statements of the body; a leaf's is a function of whether passes are kept.
  const body: Array<string | ((withPasses: boolean) => string)> = [];
  applicability.forEach((condition, i) => body.push(`const w${i} = ${predicate(condition)};`));
  checks.forEach((check) => {
    const leafCode = check.requires.map((leaf, i) => {
      const l = leaves.push(leaf) - 1;
      texts.push(check.texts[i]);
      const condition = { fact: leaf.fact, path: leaf.path, operator: leaf.operatorName, value: leaf.value };
      // A literal is handed out as `expected` as it is (frozen): the same object as leaf.value; a primitive is a constant.
      const given = leaf.value !== null && typeof leaf.value === 'object' ? `L[${l}].value` : literal(leaf.value);
      const expected = leaf.expected === null ? given : expectedOf(leaf.value);
      const code = `a = ${read(leaf.fact, leaf.path)}; e = ${expected};\nif (!(${testOfLeaf(condition, 'a', 'e')})) failures.push(failure(V[${l}], a, e));`;
      return (withPasses: boolean) => (withPasses ? `${code}\nelse passes.push(new Passing(V[${l}], a, e));` : code);
    });
    if (check.applicability < 0) body.push(...leafCode);
    else {
      const notApplicable = literal(check.definition.check);
      body.push(
        (withPasses) =>
          `if (w${check.applicability}) {\n${leafCode.map((leaf) => leaf(withPasses)).join('\n')}\n} else notApplicable.push(${notApplicable});`,
      );
    }
  });
  // hasFact: `in`, not a load, which would compute a fact computed on first read (see Facts).
  const present = facts.map((fact) =>
    inherited(fact)
      ? `Object.hasOwn(facts, ${constant(fact)})`
      : `(${IDENTIFIER.test(fact) ? JSON.stringify(fact) : constant(fact)} in facts)`,
  );
  const runner = (withPasses: boolean) =>
    [
      `function ${withPasses ? 'runAll' : 'runFailures'}(facts) {`,
      present.length > 0 ? `if (!(${present.join(' && ')})) missingFacts(facts);` : '',
      readsParameters ? 'const parameters = "parameters" in facts ? facts.parameters : P;' : '',
      `let a, e${Array.from({ length: temporaries }, (_, i) => `, v${i}`).join('')};`,
      'const failures = [];',
      withPasses ? 'const passes = [];' : '',
      'const notApplicable = [];',
      ...body.map((statement) => (typeof statement === 'string' ? statement : statement(withPasses))),
      `return { ruleSet: ${literal(file.ruleSet)}, version: ${literal(file.version)}, passed: failures.length === 0, failures, notApplicable${withPasses ? ', passes' : ''} };`,
      '}',
    ].join('\n');
  const source = ['"use strict";', runner(false), runner(true), 'return { failures: runFailures, all: runAll };'].join('\n');
  const missingFacts = (given: Facts) => requireFacts(file, facts, given);
  try {
    // Generated from our templates, IDENTIFIER-checked names and PLAIN_TEXT-checked texts only (see above): no other text of the rule file is evaluated.
    const factory = new Function('k', 't', 'V', 'L', 'P', 'failure', 'Passing', 'isNumeric', 'compareDays', 'missingFacts', source);
    return factory(
      constants,
      tests,
      texts,
      leaves,
      PARAMETERS,
      verdict,
      PassingVerdict,
      isNumeric,
      compareIsoDays,
      missingFacts,
    ) as Runners;
  } catch (error) {
    // A sandbox that refuses code generation (EvalError): the checks are run one by one (evaluateChecks).
    if (error instanceof EvalError) return null;
    throw error;
  }
}

/** The file compiled last: calls in a row mostly judge by the same file, found then without a WeakMap lookup. */
let lastCompiled: CompiledRuleFile | undefined;

function compiledFor(ruleFile: unknown, label: string): CompiledRuleFile {
  if (lastCompiled !== undefined && lastCompiled.file === ruleFile) return lastCompiled;
  if (ruleFile === null || typeof ruleFile !== 'object') throw new RuleFileError(label, ['a rule file must be a JSON object']);
  let result = compiled.get(ruleFile);
  if (!result) {
    result = compile(ruleFile, label);
    compiled.set(ruleFile, result);
  }
  lastCompiled = result;
  return result;
}

/**
 * Validates and compiles a rule file (once; later calls hit the cache) and returns it typed.
 * The file is frozen: the cached engine must not drift from it. Throws RuleFileError listing every problem.
 */
export function loadRuleFile(raw: unknown, label = 'rule file'): RuleFile {
  return compiledFor(raw, label).file;
}

/**
 * The cached json-rules-engine Engine of a rule file: rule "<check>#appliesWhen" per `appliesWhen`,
 * "<check>#<n>" per leaf of `requires`, and the `parameters` fact. For diagnostics and the
 * equivalence test; do not add rules or facts to it.
 */
export function engineFor(ruleFile: RuleFile): Engine {
  return compiledFor(ruleFile, 'rule file').engine;
}

// ---------------------------------------------------------------------------
// Evaluation

const FRENCH_NUMBER = new Intl.NumberFormat('fr-FR');

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    // Intl costs ~1 µs a call; small integers read the same in French without it (-0 excepted: "-0").
    return Number.isInteger(value) && value > -1000 && value < 1000 && !Object.is(value, -0) ? String(value) : FRENCH_NUMBER.format(value);
  }
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string') {
    return value.length === 10 && startsWithIsoDate(value) ? `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}` : value;
  }
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(formatValue).join(', ');
  return JSON.stringify(value);
}

function formatMessage(message: MessageTemplate, actual: unknown, expected: unknown): string {
  const parts = message.template;
  if (parts === null) return message.staticMessage;
  // parts alternate text and placeholders: text, 'actual' | 'expected', text, …
  let text = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    text += formatValue(parts[i] === 'actual' ? actual : expected) + parts[i + 1];
  }
  return text;
}

/** A failing verdict: a plain object, its message formatted (failures are few and always read). */
function verdict(text: VerdictText, actual: unknown, expected: unknown): Verdict {
  const v: Verdict = {
    ruleId: text.ruleId,
    check: text.check,
    clause: text.clause,
    description: text.description,
    message: formatMessage(text.message, actual, expected),
    fact: text.fact,
    operator: text.operator,
    actual,
    expected,
  };
  if (text.path !== undefined) v.path = text.path;
  return v;
}

/**
 * A passing verdict (`includePassing`): its French message is formatted on first read, as most callers
 * only look at which checks passed; formatting every one eagerly cost more than judging the session.
 * JSON (API answers, stored evaluations, activity results) includes the message, in the same field
 * order as a failure. Spreading or structuredClone copy own fields only: use toJSON() for a plain copy.
 */
class PassingVerdict implements Verdict {
  ruleId: string;
  check: string;
  clause: string;
  description: string;
  fact: string;
  declare path?: string;
  operator: string;
  actual: unknown;
  expected: unknown;
  #template: MessageTemplate;
  #message: string | undefined = undefined;

  constructor(text: VerdictText, actual: unknown, expected: unknown) {
    this.ruleId = text.ruleId;
    this.check = text.check;
    this.clause = text.clause;
    this.description = text.description;
    this.fact = text.fact;
    if (text.path !== undefined) this.path = text.path;
    this.operator = text.operator;
    this.actual = actual;
    this.expected = expected;
    this.#template = text.message;
  }

  get message(): string {
    return (this.#message ??= formatMessage(this.#template, this.actual, this.expected));
  }

  set message(value: string) {
    this.#message = value;
  }

  toJSON(): Verdict {
    const v: Verdict = {
      ruleId: this.ruleId,
      check: this.check,
      clause: this.clause,
      description: this.description,
      message: this.message,
      fact: this.fact,
      operator: this.operator,
      actual: this.actual,
      expected: this.expected,
    };
    if (this.path !== undefined) v.path = this.path;
    return v;
  }
}

function requireFacts(file: RuleFile, names: readonly string[], facts: Facts): void {
  for (let i = 0; i < names.length; i++) {
    if (!hasFact(facts, names[i])) {
      const missing = names.filter((fact) => !hasFact(facts, fact));
      throw new Error(`Rule set ${file.ruleSet} ${file.version} needs facts that were not provided: ${missing.join(', ')}`);
    }
  }
}

/**
 * Evaluates every applicable check of `ruleFile` against `facts`: failures (every failing leaf, in
 * rule-file order), checks that do not apply, and with `includePassing` the passing leaves.
 * Facts are constants; `parameters` defaults to PARAMETERS.
 */
export async function evaluate(ruleFile: RuleFile, facts: Facts, options: EvaluateOptions = {}): Promise<Evaluation> {
  return evaluateSync(ruleFile, facts, options);
}

/**
 * `evaluate` without the promise, for callers that cannot await (e.g. Temporal workflow code). Runs the
 * compiled checks: json-rules-engine's operators and fact semantics without its per-run Almanac,
 * promises and rule cloning; evaluateWithEngine gives the same verdicts through Engine.run.
 */
export function evaluateSync(ruleFile: RuleFile, facts: Facts, options: EvaluateOptions = {}): Evaluation {
  const compiledFile = compiledFor(ruleFile, 'rule file');
  const includePassing = options.includePassing === true;
  const run = compiledFile.run;
  if (run === null) return evaluateChecks(compiledFile, facts, includePassing);
  return includePassing ? run.all(facts) : run.failures(facts);
}

/** The compiled checks one by one: where code generation is refused (exported to test it against the generated runner). */
export function evaluateStepwise(ruleFile: RuleFile, facts: Facts, options: EvaluateOptions = {}): Evaluation {
  return evaluateChecks(compiledFor(ruleFile, 'rule file'), facts, options.includePassing === true);
}

function evaluateChecks(compiledFile: CompiledRuleFile, facts: Facts, includePassing: boolean): Evaluation {
  const { file, checks, applicability } = compiledFile;
  requireFacts(file, compiledFile.facts, facts);
  const failures: Verdict[] = [];
  const passes: Verdict[] = [];
  const notApplicable: string[] = [];
  // Facts do not change during a call: each distinct `appliesWhen` is decided once.
  const applies: Array<boolean | undefined> = new Array(applicability.length);
  for (let c = 0; c < checks.length; c++) {
    const check = checks[c];
    const a = check.applicability;
    if (a >= 0) {
      let holds = applies[a];
      if (holds === undefined) holds = applies[a] = applicability[a](facts);
      if (!holds) {
        notApplicable.push(check.definition.check);
        continue;
      }
    }
    const leaves = check.requires;
    for (let l = 0; l < leaves.length; l++) {
      const leaf = leaves[l];
      const actual = leaf.actual(facts);
      const expected = leaf.expected === null ? leaf.value : leaf.expected(facts);
      if (!leaf.test(actual, expected)) failures.push(verdict(check.texts[l], actual, expected));
      else if (includePassing) passes.push(new PassingVerdict(check.texts[l], actual, expected));
    }
  }

  return evaluationOf(file, failures, notApplicable, includePassing ? passes : undefined);
}

/** An evaluation of `file`, in the field order the generated runner gives it. */
function evaluationOf(file: RuleFile, failures: Verdict[], notApplicable: string[], passes: Verdict[] | undefined): Evaluation {
  const evaluation: Evaluation = { ruleSet: file.ruleSet, version: file.version, passed: failures.length === 0, failures, notApplicable };
  if (passes !== undefined) evaluation.passes = passes;
  return evaluation;
}

// ---------------------------------------------------------------------------
// The reference: the same verdicts through json-rules-engine's Engine.run

interface EngineLeafResult {
  factResult: unknown;
  valueResult: unknown;
}

/** Engine.run keeps its status on the Engine: runs of one Engine are queued, never interleaved. */
const engineQueues = new WeakMap<Engine, Promise<unknown>>();

function runQueued(engine: Engine, facts: Record<string, unknown>): ReturnType<Engine['run']> {
  const previous = engineQueues.get(engine) ?? Promise.resolve();
  const run = previous.then(
    () => engine.run(facts),
    () => engine.run(facts),
  );
  engineQueues.set(engine, run);
  return run;
}

/**
 * `evaluate` through json-rules-engine itself: Engine.run on the rule file's cached Engine, each leaf of
 * `requires` and each `appliesWhen` a rule of its own, the values seen and compared read from the rule
 * results. Slower (promises, an Almanac and cloned conditions per run): the reference that tests and
 * bench:rules compare the compiled checks with.
 */
export async function evaluateWithEngine(ruleFile: RuleFile, facts: Facts, options: EvaluateOptions = {}): Promise<Evaluation> {
  const compiledFile = compiledFor(ruleFile, 'rule file');
  requireFacts(compiledFile.file, compiledFile.facts, facts);
  // Engine.run takes own properties as its facts: those of the prototype (computed on first read) are read here.
  const given: Record<string, unknown> = { ...facts };
  for (const name of [...compiledFile.facts, 'parameters']) {
    if (!Object.hasOwn(given, name) && hasFact(facts, name)) given[name] = facts[name];
  }
  const run = await runQueued(compiledFile.engine, given);
  const byName = new Map<string, { result: unknown; conditions: unknown }>();
  for (const result of [...run.results, ...run.failureResults]) byName.set(result.name as string, result);
  const includePassing = options.includePassing === true;
  const failures: Verdict[] = [];
  const passes: Verdict[] = [];
  const notApplicable: string[] = [];
  for (const check of compiledFile.checks) {
    const name = check.definition.check;
    if (check.applicability >= 0 && !byName.get(`${name}#appliesWhen`)?.result) {
      notApplicable.push(name);
      continue;
    }
    check.requires.forEach((leaf, i) => {
      const result = byName.get(`${name}#${i}`);
      if (!result) throw new Error(`json-rules-engine did not run ${name}#${i}`);
      const { factResult, valueResult } = (result.conditions as { all: EngineLeafResult[] }).all[0];
      if (!result.result) failures.push(verdict(check.texts[i], factResult, valueResult));
      else if (includePassing) passes.push(new PassingVerdict(check.texts[i], factResult, valueResult));
    });
  }
  return evaluationOf(compiledFile.file, failures, notApplicable, includePassing ? passes : undefined);
}
