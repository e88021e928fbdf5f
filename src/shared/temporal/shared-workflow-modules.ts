import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Issue 15: the workflow bundle's own modules that every workflow of a worker may share (the bundler's
 * `preloadModules`). With the SDK's reusable V8 context, each workflow execution otherwise evaluates its own copy
 * of every module it imports: the domain (dates, parameters, state machines, procedures) once per cached workflow,
 * which made a worker's memory grow by about 0.3 MiB per cached execution (bench:deadlines).
 *
 * Shared are the modules reachable from the workflows' entry that import no `@temporalio/` package, directly or
 * through another module: the pure domain, which by the project's layering keeps no per-workflow state (its
 * caches, e.g. zoned-time's offsets, hold answers that are the same for every workflow). Workflow modules, and
 * whatever reaches the workflow API, stay one copy per execution, as the SDK requires.
 *
 * Imports are read from the sources (TypeScript under tsx and vitest, compiled JavaScript from dist): relative
 * specifiers are followed, type-only imports are not (TypeScript erases them). A module imported by name for its
 * types only, without `import type`, is followed all the same, which errs on the safe side: a pure one is shared
 * (and bundled) for nothing, one reaching the workflow API keeps its importer per execution.
 * test/integration/shared/temporal/shared-workflow-modules.test.ts checks the result against the module graph of
 * the bundle webpack built.
 */
export function sharedWorkflowModules(workflowsPath: string): string[] {
  const imports = new Map<string, ModuleImports>();
  const pending = [path.resolve(workflowsPath)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (imports.has(file)) continue;
    const found = importsOf(file);
    imports.set(file, found);
    pending.push(...found.local);
  }
  // Reaching the workflow API, directly or through a module that does: to a fixed point (imports may form cycles).
  const perWorkflow = new Set([...imports].filter(([, found]) => found.temporal).map(([file]) => file));
  for (let changed = true; changed;) {
    changed = false;
    for (const [file, found] of imports) {
      if (!perWorkflow.has(file) && found.local.some((dependency) => perWorkflow.has(dependency))) {
        perWorkflow.add(file);
        changed = true;
      }
    }
  }
  return [...imports.keys()].filter((file) => !perWorkflow.has(file) && /\.[cm]?[jt]s$/.test(file)).sort();
}

interface ModuleImports {
  /** Absolute paths of the project's modules this one imports at run time. */
  local: string[];
  /** Whether it imports an `@temporalio/` package. */
  temporal: boolean;
}

// `import … from '…'`, `export … from '…'`, `import '…'`, `require('…')`, `import('…')`; the clause is kept to tell types.
const IMPORT = /\b(?:(import|export)\s+((?:[\w*${},\s]|\/\/[^\n]*\n)*?)\s*from\s*|import\s*\(?\s*|require\s*\(\s*)['"]([^'"]+)['"]/g;

function importsOf(file: string): ModuleImports {
  if (file.endsWith('.json')) return { local: [], temporal: false };
  const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const local: string[] = [];
  let temporal = false;
  for (const [, keyword, clause, specifier] of source.matchAll(IMPORT)) {
    if (keyword && typeOnly(clause)) continue;
    if (specifier.startsWith('@temporalio/')) temporal = true;
    else if (specifier.startsWith('.')) local.push(resolveModule(path.resolve(path.dirname(file), specifier), file));
  }
  return { local, temporal };
}

/** `import type {…}`, `export type {…}`, or braces whose every name is marked `type`: erased by TypeScript. */
function typeOnly(clause: string): boolean {
  const trimmed = clause.trim();
  if (/^type\s/.test(trimmed)) return true;
  const names = /^\{([^}]*)\}$/.exec(trimmed)?.[1];
  if (names === undefined) return false;
  const list = names
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return list.length > 0 && list.every((name) => /^type\s/.test(name));
}

function resolveModule(base: string, importer: string): string {
  const candidates = [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')];
  // Compiled code imports `./x` for x.js; sources sometimes name `./x.js` for x.ts.
  if (base.endsWith('.js')) candidates.push(`${base.slice(0, -3)}.ts`);
  const found = candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
  if (!found) throw new Error(`${importer} imports ${base}, which is not a module of the project`);
  return found;
}
