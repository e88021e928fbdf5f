/**
 * Which tests are named with which DOMAIN.md rule ID (issue 10 §4: every rule ID has at least one
 * behavioural test named with it). Used by `npm run rules:coverage` (scripts/rule-coverage.ts) and by
 * test/unit/rule-coverage.test.ts, which fails naming the IDs that no test is named with.
 *
 * The scan is static (the TypeScript compiler API, no test file is run): it reads the titles of `describe`,
 * `it` and `test` calls (with `.skip`/`.only`/`.concurrent`… modifiers, and `.each(table)(title, …)` whose
 * table is written in the file, expanded row by row as Vitest does: `%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%#`,
 * `$key`). A test's name is its describe blocks' titles and its own; a rule ID counts when it appears in that
 * name. Whether the test exercises the rule is for its reader: the scan only makes sure one is named with it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..');

/**
 * The DOMAIN.md this repository implements: DOMAIN_MD, else shared/DOMAIN.md beside the repository (README.md
 * links ../shared/DOMAIN.md) or beside one of its parent directories (a clone nested deeper in the same tree).
 */
export function domainMarkdownPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOMAIN_MD) return path.resolve(env.DOMAIN_MD);
  const beside = path.resolve(ROOT, '..', 'shared', 'DOMAIN.md');
  for (let dir = path.dirname(ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'DOMAIN.md');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return beside;
  }
}

export function readDomainMarkdown(file = domainMarkdownPath()): string {
  if (!existsSync(file)) throw new Error(`DOMAIN.md not found at ${file} (set DOMAIN_MD to its path)`);
  return readFileSync(file, 'utf8');
}

/**
 * The rule IDs this repository implements, as committed in docs/rule-ids.json (a fresh clone has no DOMAIN.md
 * beside it: CI). `npm run rules:coverage -- --write` refreshes the file from DOMAIN.md when it is at hand.
 */
export const RULE_IDS_FILE = path.join(ROOT, 'docs', 'rule-ids.json');

export function committedRuleIds(): string[] {
  return JSON.parse(readFileSync(RULE_IDS_FILE, 'utf8')) as string[];
}

/** DOMAIN.md's rule IDs when it can be read (a working copy beside ../shared), else null. */
export function domainRuleIdsIfAtHand(): string[] | null {
  const file = domainMarkdownPath();
  return existsSync(file) ? ruleIdsOf(readFileSync(file, 'utf8')) : null;
}

/** The rule IDs DOMAIN.md defines, in its order: each catalogue entry opens with `- **ID**`. */
export function ruleIdsOf(markdown: string): string[] {
  const ids: string[] = [];
  for (const match of markdown.matchAll(/^- \*\*([A-Z]+-\d+)\*\*/gm)) if (!ids.includes(match[1])) ids.push(match[1]);
  return ids;
}

export interface TestTitle {
  /** Path from the repository root, with forward slashes. */
  file: string;
  line: number;
  /** The describe blocks' titles and the test's own, outermost first. */
  path: string[];
}

export const fullName = (test: TestTitle): string => test.path.join(' > ');

/** Every test (`it`/`test` call) in the `*.test.ts` files under `dir`, with its describe path. */
export function scanTestTitles(dir = path.join(ROOT, 'test')): TestTitle[] {
  const tests: TestTitle[] = [];
  for (const file of testFiles(dir))
    tests.push(...testTitlesOf(path.relative(ROOT, file).split(path.sep).join('/'), readFileSync(file, 'utf8')));
  return tests;
}

function testFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...testFiles(full));
    } else if (entry.name.endsWith('.test.ts')) files.push(full);
  }
  return files;
}

const UNKNOWN: unique symbol = Symbol('unknown');
type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value } | typeof UNKNOWN;

/** The tests of one file's source. */
export function testTitlesOf(file: string, source: string): TestTitle[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const consts = new Map<string, ts.Expression>();
  const collectConsts = (node: ts.Node): void => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const d of node.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && !consts.has(d.name.text)) consts.set(d.name.text, d.initializer);
    }
    ts.forEachChild(node, collectConsts);
  };
  collectConsts(sf);

  const evaluate = (node: ts.Expression, depth = 0): Value => {
    if (depth > 20) return UNKNOWN;
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isTypeAssertionExpression(node)
    )
      return evaluate(node.expression, depth + 1);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (node.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
      const v = evaluate(node.operand, depth + 1);
      return typeof v === 'number' ? -v : UNKNOWN;
    }
    if (ts.isTemplateExpression(node)) {
      let text = node.head.text;
      for (const span of node.templateSpans) {
        const v = evaluate(span.expression, depth + 1);
        text += (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '…') + span.literal.text;
      }
      return text;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = evaluate(node.left, depth + 1);
      const r = evaluate(node.right, depth + 1);
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      const show = (v: Value): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '…');
      return show(l) + show(r);
    }
    if (ts.isIdentifier(node)) {
      if (node.text === 'undefined') return undefined;
      const init = consts.get(node.text);
      return init ? evaluate(init, depth + 1) : UNKNOWN;
    }
    if (ts.isArrayLiteralExpression(node)) {
      const out: Value[] = [];
      for (const element of node.elements) {
        if (ts.isSpreadElement(element)) {
          const spread = evaluate(element.expression, depth + 1);
          if (!Array.isArray(spread)) return UNKNOWN;
          out.push(...spread);
        } else out.push(evaluate(element, depth + 1));
      }
      return out;
    }
    if (ts.isObjectLiteralExpression(node)) {
      const out: { [key: string]: Value } = {};
      for (const p of node.properties) {
        if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))
          out[p.name.text] = evaluate(p.initializer, depth + 1);
        else if (ts.isShorthandPropertyAssignment(p)) out[p.name.text] = evaluate(p.name, depth + 1);
      }
      return out;
    }
    return UNKNOWN;
  };

  const tests: TestTitle[] = [];
  const visit = (node: ts.Node, describes: string[]): void => {
    if (ts.isCallExpression(node)) {
      const call = testCall(node);
      if (call) {
        const titles = titlesOf(call, evaluate);
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        if (call.kind === 'describe') {
          for (const title of titles) for (const arg of node.arguments.slice(1)) visit(arg, [...describes, title]);
        } else {
          for (const title of titles) tests.push({ file, line, path: [...describes, title] });
        }
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, describes));
  };
  visit(sf, []);
  return tests;
}

interface TestCall {
  kind: 'describe' | 'test';
  title: ts.Expression | undefined;
  /** The `.each` table, when the call is `x.each(table)(title, fn)`. */
  table?: ts.Expression;
}

const MODIFIERS = new Set(['skip', 'only', 'concurrent', 'sequential', 'fails', 'todo', 'skipIf', 'runIf']);

/** `it(…)`, `test(…)`, `describe(…)`, with modifiers, or `….each(table)(…)`. */
function testCall(node: ts.CallExpression): TestCall | undefined {
  let callee = node.expression;
  let table: ts.Expression | undefined;
  if (ts.isCallExpression(callee)) {
    // it.each(table)(title, fn), it.skipIf(cond)(title, fn)
    const inner = callee.expression;
    if (!ts.isPropertyAccessExpression(inner)) return undefined;
    if (inner.name.text === 'each') table = callee.arguments[0];
    else if (!MODIFIERS.has(inner.name.text)) return undefined;
    callee = inner.expression;
  }
  while (ts.isPropertyAccessExpression(callee) && MODIFIERS.has(callee.name.text)) callee = callee.expression;
  if (!ts.isIdentifier(callee)) return undefined;
  const kind = callee.text === 'describe' ? 'describe' : callee.text === 'it' || callee.text === 'test' ? 'test' : undefined;
  return kind ? { kind, title: node.arguments[0], table } : undefined;
}

function titlesOf(call: TestCall, evaluate: (node: ts.Expression) => Value): string[] {
  const template = call.title ? evaluate(call.title) : UNKNOWN;
  const title = typeof template === 'string' ? template : call.title ? call.title.getText() : '';
  if (!call.table) return [title];
  const rows = evaluate(call.table);
  if (!Array.isArray(rows)) return [title];
  return rows.map((row, index) => formatEachTitle(title, row, index));
}

/** Vitest's `.each` title formatting, for the values the scan can know. */
export function formatEachTitle(title: string, row: unknown, index: number): string {
  const show = (v: unknown): string => (v === UNKNOWN ? '…' : typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
  if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
    return title
      .replace(/\$([A-Za-z_][\w.]*)/g, (whole, key: string) => {
        let v: unknown = row;
        for (const part of key.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
        return v === undefined ? whole : show(v);
      })
      .replace(/%#/g, String(index))
      .replace(/%\$/g, String(index + 1));
  }
  const args = Array.isArray(row) ? [...row] : [row];
  return title.replace(/%([sdifjoO#$%])/g, (whole, spec: string) => {
    if (spec === '%') return '%';
    if (spec === '#') return String(index);
    if (spec === '$') return String(index + 1);
    if (args.length === 0) return whole;
    return show(args.shift());
  });
}

export interface RuleCoverage {
  ruleId: string;
  tests: TestTitle[];
}

const ruleIdPattern = (ruleId: string): RegExp => new RegExp(`(?<![A-Za-z0-9-])${ruleId}(?![0-9])`);

/** Per rule ID (DOMAIN.md order), the tests whose name cites it. */
export function ruleCoverage(ruleIds: readonly string[], tests: readonly TestTitle[]): RuleCoverage[] {
  return ruleIds.map((ruleId) => {
    const pattern = ruleIdPattern(ruleId);
    return { ruleId, tests: tests.filter((t) => pattern.test(fullName(t))) };
  });
}
