import { describe, expect, it } from 'vitest';
import { chooseWorkflowCode, WorkflowBundleMissing, type WorkflowCodeSources } from '../../src/workflow-code';

const DIST = {
  workflowsPath: '/app/dist/src/workflows/index.js',
  prebuiltBundle: '/app/dist/workflow-bundle.js',
};
const SOURCE = {
  workflowsPath: '/app/src/workflows/index.ts',
  prebuiltBundle: '/app/workflow-bundle.js',
};

function sources(layout: typeof DIST, files: Record<string, number>, explicitBundle?: string): WorkflowCodeSources {
  return { ...layout, explicitBundle, modifiedMs: (file) => files[file] ?? null };
}

describe('chooseWorkflowCode (issue 15: the bundle of `npm run build`, no webpack at start)', () => {
  it('from dist, loads the bundle written after the compiled workflows', () => {
    const files = { [DIST.workflowsPath]: 1_000, [DIST.prebuiltBundle]: 2_000 };
    expect(chooseWorkflowCode(sources(DIST, files))).toEqual({ workflowBundle: { codePath: DIST.prebuiltBundle } });
  });

  it('from dist without a bundle, bundles the compiled workflows as before', () => {
    expect(chooseWorkflowCode(sources(DIST, { [DIST.workflowsPath]: 1_000 }))).toEqual({ workflowsPath: DIST.workflowsPath });
  });

  it('from dist, ignores a bundle older than the compiled workflows (a `tsc` alone since the last build)', () => {
    const files = { [DIST.workflowsPath]: 3_000, [DIST.prebuiltBundle]: 2_000 };
    expect(chooseWorkflowCode(sources(DIST, files))).toEqual({ workflowsPath: DIST.workflowsPath });
  });

  it('from source (tsx, vitest), bundles the TypeScript workflows even if a bundle file lies around', () => {
    const files = { [SOURCE.workflowsPath]: 1_000, [SOURCE.prebuiltBundle]: 2_000 };
    expect(chooseWorkflowCode(sources(SOURCE, files))).toEqual({ workflowsPath: SOURCE.workflowsPath });
  });

  it('WORKFLOW_BUNDLE_PATH wins, from source or from dist (the tests share one bundle per run)', () => {
    const files = { [DIST.workflowsPath]: 1_000, [DIST.prebuiltBundle]: 2_000 };
    expect(chooseWorkflowCode(sources(SOURCE, {}, '/tmp/run.js'))).toEqual({ workflowBundle: { codePath: '/tmp/run.js' } });
    expect(chooseWorkflowCode(sources(DIST, files, '/tmp/run.js'))).toEqual({ workflowBundle: { codePath: '/tmp/run.js' } });
  });

  it('production: the prebuilt bundle whatever its age, never webpack; a clear failure when it is missing', () => {
    const stale = { [DIST.workflowsPath]: 3_000, [DIST.prebuiltBundle]: 2_000 };
    expect(chooseWorkflowCode({ ...sources(DIST, stale), requireBundle: true })).toEqual({
      workflowBundle: { codePath: DIST.prebuiltBundle },
    });
    expect(() => chooseWorkflowCode({ ...sources(DIST, { [DIST.workflowsPath]: 1_000 }), requireBundle: true })).toThrow(
      /workflow bundle \/app\/dist\/workflow-bundle.js is missing: run `npm run build`/,
    );
    expect(() => chooseWorkflowCode({ ...sources(SOURCE, { [SOURCE.workflowsPath]: 1_000 }), requireBundle: true })).toThrow(
      WorkflowBundleMissing,
    );
    expect(() => chooseWorkflowCode({ ...sources(DIST, {}, '/tmp/gone.js'), requireBundle: true })).toThrow(
      /WORKFLOW_BUNDLE_PATH names \/tmp\/gone.js, which does not exist/,
    );
    expect(chooseWorkflowCode({ ...sources(DIST, { '/tmp/run.js': 1 }, '/tmp/run.js'), requireBundle: true })).toEqual({
      workflowBundle: { codePath: '/tmp/run.js' },
    });
  });
});
