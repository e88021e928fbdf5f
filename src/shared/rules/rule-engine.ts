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
 * back incomplete when tried), and it deep-clones every rule's conditions on each run. Instead the
 * compiled rules' leaf conditions are evaluated synchronously with the Engine's own operators
 * (defaults, decorators, ours) and json-rules-engine's fact semantics (constant facts, `path`,
 * `{ "fact": … }` values): ~100k evaluations/s instead of ~6k. rule-engine.test.ts checks the
 * verdicts against `Engine.run` on the same compiled Engine.
 */
import { Engine, Fact, Operator, Rule } from 'json-rules-engine';
import type { TopLevelCondition } from 'json-rules-engine';
import { PARAMETERS } from '../../config/parameters';
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

export type Facts = Readonly<Record<string, unknown>>;

/** Rule-data errors are domain errors (versioned tariffs raise them too); re-exported for the rule loaders. */
export { RuleFileError };

// ---------------------------------------------------------------------------
// Custom operators

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function isoDay(value: unknown): string | null {
  return typeof value === 'string' && ISO_DATE.test(value) ? value.slice(0, 10) : null;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Operators rule files may use beyond json-rules-engine's defaults. */
export const CUSTOM_OPERATORS: ReadonlyArray<Operator> = [
  // DOC-4: ISO dates (YYYY-MM-DD, or the day of an ISO instant) compare as strings.
  new Operator('onOrAfter', (a: unknown, b: unknown) => {
    const x = isoDay(a);
    const y = isoDay(b);
    return x !== null && y !== null && x >= y;
  }),
  new Operator('onOrBefore', (a: unknown, b: unknown) => {
    const x = isoDay(a);
    const y = isoDay(b);
    return x !== null && y !== null && x <= y;
  }),
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
  evaluate(factValue: unknown, compareToValue: unknown): unknown;
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
// Compilation (once per rule file, cached)

interface CompiledLeaf {
  fact: string;
  path?: string;
  operatorName: string;
  operator: EngineOperator;
  /** Literal, or `{ fact, path? }` resolved at evaluation. */
  value: unknown;
}

/** A condition tree whose leaves are indexes into CompiledRuleFile.leaves. */
type ConditionNode = { op: 'all' | 'any'; children: ConditionNode[] } | { op: 'not'; child: ConditionNode } | { op: 'leaf'; index: number };

interface CompiledCheck {
  definition: RuleDefinition;
  /** Index into CompiledRuleFile.applicability, or -1 when the check always applies. */
  applicability: number;
  /** Indexes into CompiledRuleFile.leaves, one per leaf of `requires`, in order. */
  requires: number[];
  /**
   * Message with {parameters.*} already filled in, split around {actual}/{expected}: text,
   * placeholder name, text, … (odd indexes are names); null when it has neither.
   */
  template: string[] | null;
  staticMessage: string;
}

interface CompiledRuleFile {
  file: RuleFile;
  /** One rule per `appliesWhen` ("<check>#appliesWhen") and per leaf of `requires` ("<check>#<n>"). */
  engine: Engine;
  /** Distinct leaf conditions of the file: each is evaluated at most once per call. */
  leaves: CompiledLeaf[];
  /** Distinct `appliesWhen` conditions: each is decided at most once per call. */
  applicability: ConditionNode[];
  checks: CompiledCheck[];
  facts: string[];
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

function compile(raw: unknown, label: string): CompiledRuleFile {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  for (const operator of CUSTOM_OPERATORS) engine.addOperator(operator);
  engine.addFact(PARAMETERS_FACT);
  const facts = validateRuleFile(raw, label, engine);
  const file = deepFreeze(raw as RuleFile);
  const operators = operatorsOf(engine);

  const leaves: CompiledLeaf[] = [];
  const leafIndex = new Map<string, number>();
  const leafNumber = (condition: EngineCondition): number => {
    const { fact, operator, value, path } = condition;
    const key = JSON.stringify([fact, operator, value, path]);
    let index = leafIndex.get(key);
    if (index === undefined) {
      index =
        leaves.push({
          fact: fact as string,
          ...(path ? { path } : {}),
          operatorName: operator as string,
          operator: operators.get(operator as string) as EngineOperator,
          // Verdicts hand this out as `expected`: frozen, so a caller cannot alter the compiled rule.
          value: deepFreeze(value),
        }) - 1;
      leafIndex.set(key, index);
    }
    return index;
  };
  const toNode = (condition: EngineCondition): ConditionNode => {
    if (condition.all) return { op: 'all', children: condition.all.map(toNode) };
    if (condition.any) return { op: 'any', children: condition.any.map(toNode) };
    if (condition.not) return { op: 'not', child: toNode(condition.not) };
    return { op: 'leaf', index: leafNumber(condition) };
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

  const applicability: ConditionNode[] = [];
  const applicabilityIndex = new Map<string, number>();
  const checks = file.rules.map((definition): CompiledCheck => {
    let index = -1;
    if (definition.appliesWhen) {
      const when = definition.appliesWhen as unknown as Record<string, unknown>;
      const topLevel = 'all' in when || 'any' in when || 'not' in when ? when : { all: [when] };
      const node = toNode(addRule(`${definition.check}#appliesWhen`, topLevel));
      const key = JSON.stringify(node);
      index = applicabilityIndex.get(key) ?? -1;
      if (index < 0) {
        index = applicability.push(node) - 1;
        applicabilityIndex.set(key, index);
      }
    }
    // One engine rule per leaf of `requires`, so that each leaf is evaluated and explained.
    const requires = (flattenRequires(definition.requires) as Record<string, unknown>[]).map((leaf, i) =>
      leafNumber(addRule(`${definition.check}#${i}`, { all: [leaf] }).all![0]),
    );
    const staticMessage = fillParameters(definition.message);
    const template = /\{(actual|expected)\}/.test(staticMessage) ? staticMessage.split(/\{(actual|expected)\}/) : null;
    return { definition, applicability: index, requires, template, staticMessage };
  });
  return { file, engine, leaves, applicability, checks, facts: [...facts] };
}

function compiledFor(ruleFile: unknown, label: string): CompiledRuleFile {
  if (ruleFile === null || typeof ruleFile !== 'object') throw new RuleFileError(label, ['a rule file must be a JSON object']);
  let result = compiled.get(ruleFile);
  if (!result) {
    result = compile(ruleFile, label);
    compiled.set(ruleFile, result);
  }
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
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}` : value;
  }
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(formatValue).join(', ');
  return JSON.stringify(value);
}

function formatMessage(check: CompiledCheck, actual: unknown, expected: unknown): string {
  const parts = check.template;
  if (parts === null) return check.staticMessage;
  // parts alternate text and placeholders: text, 'actual' | 'expected', text, …
  let message = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    message += formatValue(parts[i] === 'actual' ? actual : expected) + parts[i + 1];
  }
  return message;
}

/** A failing verdict: a plain object, its message formatted (failures are few and always read). */
function verdict(check: CompiledCheck, leaf: CompiledLeaf, result: LeafResult): Verdict {
  const { definition } = check;
  const { actual, expected } = result;
  const v: Verdict = {
    ruleId: definition.id,
    check: definition.check,
    clause: definition.clause,
    description: definition.description,
    message: formatMessage(check, actual, expected),
    fact: leaf.fact,
    operator: leaf.operatorName,
    actual,
    expected,
  };
  if (leaf.path !== undefined) v.path = leaf.path;
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
  #compiled: CompiledCheck;
  #message: string | undefined = undefined;

  constructor(check: CompiledCheck, leaf: CompiledLeaf, result: LeafResult) {
    const { definition } = check;
    this.ruleId = definition.id;
    this.check = definition.check;
    this.clause = definition.clause;
    this.description = definition.description;
    this.fact = leaf.fact;
    if (leaf.path !== undefined) this.path = leaf.path;
    this.operator = leaf.operatorName;
    this.actual = result.actual;
    this.expected = result.expected;
    this.#compiled = check;
  }

  get message(): string {
    return (this.#message ??= formatMessage(this.#compiled, this.actual, this.expected));
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

interface LeafResult {
  result: boolean;
  actual: unknown;
  expected: unknown;
}

/** As json-rules-engine's Almanac.factValue for a constant fact: a path applies to objects only. */
function factValue(facts: Facts, id: string, path: string | undefined): unknown {
  const value = id === 'parameters' && !Object.hasOwn(facts, id) ? PARAMETERS : facts[id];
  return path && value !== null && typeof value === 'object' ? resolvePath(value, path) : value;
}

/** As Condition.evaluate: `value` may be a `{ "fact": …, "path": … }` reference. */
function evaluateLeaf(leaf: CompiledLeaf, facts: Facts): LeafResult {
  const value = leaf.value as { fact?: unknown; path?: string } | null;
  const expected =
    value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact')
      ? factValue(facts, value.fact as string, value.path)
      : leaf.value;
  const actual = factValue(facts, leaf.fact, leaf.path);
  return { result: Boolean(leaf.operator.evaluate(actual, expected)), actual, expected };
}

function holds(node: ConditionNode, leaf: (index: number) => LeafResult): boolean {
  switch (node.op) {
    case 'all':
      return node.children.every((child) => holds(child, leaf));
    case 'any':
      return node.children.some((child) => holds(child, leaf));
    case 'not':
      return !holds(node.child, leaf);
    case 'leaf':
      return leaf(node.index).result;
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

/** `evaluate` without the promise, for callers that cannot await (e.g. Temporal workflow code). */
export function evaluateSync(ruleFile: RuleFile, facts: Facts, options: EvaluateOptions = {}): Evaluation {
  const compiledFile = compiledFor(ruleFile, 'rule file');
  const { file, checks, leaves } = compiledFile;
  const missing = compiledFile.facts.filter((fact) => !Object.hasOwn(facts, fact));
  if (missing.length > 0) {
    throw new Error(`Rule set ${file.ruleSet} ${file.version} needs facts that were not provided: ${missing.join(', ')}`);
  }

  // Facts do not change during a call: each distinct leaf and `appliesWhen` is evaluated once.
  const leafResults: Array<LeafResult | undefined> = new Array(leaves.length);
  const leaf = (index: number): LeafResult => (leafResults[index] ??= evaluateLeaf(leaves[index], facts));
  const applies: Array<boolean | undefined> = new Array(compiledFile.applicability.length);

  const includePassing = options.includePassing === true;
  const failures: Verdict[] = [];
  const passes: Verdict[] = [];
  const notApplicable: string[] = [];
  for (const check of checks) {
    const a = check.applicability;
    if (a >= 0 && !(applies[a] ??= holds(compiledFile.applicability[a], leaf))) {
      notApplicable.push(check.definition.check);
      continue;
    }
    for (const index of check.requires) {
      const result = leaf(index);
      if (!result.result) failures.push(verdict(check, leaves[index], result));
      else if (includePassing) passes.push(new PassingVerdict(check, leaves[index], result));
    }
  }

  const evaluation: Evaluation = {
    ruleSet: file.ruleSet,
    version: file.version,
    passed: failures.length === 0,
    failures,
    notApplicable,
  };
  if (includePassing) evaluation.passes = passes;
  return evaluation;
}
