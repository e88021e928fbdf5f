import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** src/workflows.ts under vitest and tsx, dist/src/workflows.js once compiled. */
export const WORKFLOWS_PATH = ['workflows.js', 'workflows.ts'].map((file) => path.join(__dirname, file)).find((file) => existsSync(file))!;

/** Issue 15: the bundle `npm run build` writes (scripts/bundle-workflows.ts), dist/workflow-bundle.js next to dist/src. */
export const PREBUILT_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

/** What a worker runs: a bundle already built (no webpack at start), or the workflows to bundle from source. */
export type WorkflowCode = { workflowBundle: { codePath: string } } | { workflowsPath: string };

export interface WorkflowCodeSources {
  /** `WORKFLOW_BUNDLE_PATH`: a bundle named explicitly (the tests' global setup shares one per run). */
  explicitBundle: string | undefined;
  /** The workflows' entry point (WORKFLOWS_PATH). */
  workflowsPath: string;
  /** Where `npm run build` writes its bundle (PREBUILT_WORKFLOW_BUNDLE). */
  prebuiltBundle: string;
  /** A file's modification time in ms, null when it does not exist. */
  modifiedMs(file: string): number | null;
  /** Issue 15: production (or a worker without sources): a prebuilt bundle or a clear failure, never webpack at start. */
  requireBundle?: boolean;
}

/** Issue 15: no prebuilt bundle where one is required. */
export class WorkflowBundleMissing extends Error {}

/**
 * Issue 15: an explicit bundle first; then, when running compiled code (dist), the bundle of `npm run build` if it
 * was written after the compiled workflows (a `tsc` alone since leaves it stale); else bundle from source (tsx, vitest).
 */
export function chooseWorkflowCode(sources: WorkflowCodeSources): WorkflowCode {
  if (sources.requireBundle) {
    // Production: the bundle `npm run build` wrote (or WORKFLOW_BUNDLE_PATH), whatever its age; never a bundling at start.
    const bundle = sources.explicitBundle ?? sources.prebuiltBundle;
    if (sources.modifiedMs(bundle) === null)
      throw new WorkflowBundleMissing(
        sources.explicitBundle
          ? `WORKFLOW_BUNDLE_PATH names ${sources.explicitBundle}, which does not exist: build it with \`npm run build\` or correct the path`
          : `The workflow bundle ${bundle} is missing: run \`npm run build\` before starting a worker (production workers never bundle at start)`,
      );
    return { workflowBundle: { codePath: bundle } };
  }
  if (sources.explicitBundle) return { workflowBundle: { codePath: sources.explicitBundle } };
  if (sources.workflowsPath.endsWith('.js')) {
    const bundled = sources.modifiedMs(sources.prebuiltBundle);
    const compiled = sources.modifiedMs(sources.workflowsPath);
    if (bundled !== null && compiled !== null && bundled >= compiled) return { workflowBundle: { codePath: sources.prebuiltBundle } };
  }
  return { workflowsPath: sources.workflowsPath };
}

/**
 * Issue 15: where a bundle is required — NODE_ENV=production, or a worker-only process running compiled code
 * (no workflow sources to bundle from).
 */
export function bundleRequired(options: { production?: boolean; role?: string } = {}): boolean {
  return (options.production ?? process.env.NODE_ENV === 'production') || (options.role === 'worker' && WORKFLOWS_PATH.endsWith('.js'));
}

/** The workflow code of this process (see chooseWorkflowCode). */
export function workflowCode(options: { requireBundle?: boolean } = {}): WorkflowCode {
  return chooseWorkflowCode({
    requireBundle: options.requireBundle ?? bundleRequired(),
    explicitBundle: process.env.WORKFLOW_BUNDLE_PATH,
    workflowsPath: WORKFLOWS_PATH,
    prebuiltBundle: PREBUILT_WORKFLOW_BUNDLE,
    modifiedMs: (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? null,
  });
}
