import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sharedWorkflowModules } from '../../../../src/shared/temporal/shared-workflow-modules';
import { WORKFLOWS_PATH } from '../../../../src/worker';

const ROOT = path.resolve(__dirname, '../../../..');
/** webpack's `__webpack_require__(/* comments *\/ "id")`. */
const REQUIRE = /__webpack_require__\((?:\/\*[\s\S]*?\*\/\s*)*"([^"]+)"\)/g;

/** The bundle's module graph, from webpack's own output: each module's id and the ids it requires. */
function bundleGraph(code: string): Map<string, Set<string>> {
  const starts = [...code.matchAll(/\n\/\*\*\*\/ "([^"]+)"\n/g)].map((m) => ({ id: m[1], at: m.index }));
  expect(starts.length).toBeGreaterThan(20);
  return new Map(
    starts.map(({ id, at }, i) => {
      const body = code.slice(at, starts[i + 1]?.at ?? code.length);
      return [id, new Set([...body.matchAll(REQUIRE)].map((m) => m[1]))];
    }),
  );
}

describe('issue 15: the workflow modules a worker shares between executions', () => {
  it('are exactly the modules the workflows reach that reach no @temporalio package, in the bundle webpack built', () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    const graph = bundleGraph(code);
    const idOf = (file: string) => `./${path.relative(ROOT, file).split(path.sep).join('/')}`;
    const entry = idOf(WORKFLOWS_PATH);
    expect(graph.has(entry)).toBe(true);

    // Reached from the workflows' entry (not only from the preload list itself).
    const reached = new Set<string>();
    const visit = (id: string) => {
      if (reached.has(id)) return;
      reached.add(id);
      for (const dependency of graph.get(id) ?? []) visit(dependency);
    };
    visit(entry);
    const reachesTemporal = (id: string, seen = new Set<string>()): boolean =>
      id.includes('@temporalio/') ||
      (!seen.has(id) && (seen.add(id), [...(graph.get(id) ?? [])].some((dependency) => reachesTemporal(dependency, seen))));
    const expected = [...reached].filter((id) => !id.includes('node_modules') && id !== entry && !reachesTemporal(id)).sort();

    const shared = sharedWorkflowModules(WORKFLOWS_PATH).map(idOf).sort();
    expect(shared).toEqual(expected);
    // The domain is among them; no workflow module is.
    expect(shared).toContain('./src/shared/domain/dates.ts');
    expect(shared).toContain('./src/config/parameters.ts');
    expect(shared.filter((id) => id.includes('.workflow.'))).toEqual([]);
    // And the bundle preloads them (the bundler's generated entry requires each in preloadModules).
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
    const preloaded = [...preload.matchAll(REQUIRE)].map((m) => m[1]).sort();
    expect(preloaded).toEqual(shared);
  });

  describe('read from the sources', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shared-modules-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (files: Record<string, string>) => {
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    };

    it('shares pure modules, not those importing the workflow API directly or through another, nor type-only imports', () => {
      write({
        'entry.ts': [
          "export * from './flow.workflow';",
          "import { pure } from './pure';",
          "import type { Only } from './types-only';",
          "import { type Alone } from './types-braced';",
          "export { helper } from './helper';",
          'export const x = pure;',
        ].join('\n'),
        'flow.workflow.ts':
          "import { proxyActivities } from '@temporalio/workflow';\nimport { pure } from './pure';\nexport const f = () => proxyActivities({ startToCloseTimeout: pure });",
        'pure.ts': "import { other } from './cycle-a';\nexport const pure = 1 + other;",
        'cycle-a.ts': "import { b } from './cycle-b';\nexport const other = 1;\nexport const a = () => b;",
        'cycle-b.ts': "import { a } from './cycle-a';\nexport const b = () => a;",
        'helper.ts': "import { proxy } from './uses-api';\nexport const helper = proxy;",
        'uses-api.ts': "const wf = require('@temporalio/workflow');\nexport const proxy = wf.proxyActivities;",
        'types-only.ts': "import { missing } from './does-not-exist';\nexport type Only = typeof missing;",
        'types-braced.ts': "import { missing } from './does-not-exist';\nexport type Alone = typeof missing;",
      });
      const shared = sharedWorkflowModules(path.join(dir, 'entry.ts')).map((file) => path.basename(file));
      expect(shared).toEqual(['cycle-a.ts', 'cycle-b.ts', 'pure.ts']);
    });

    it('names the import it cannot resolve', () => {
      write({ 'broken.ts': "import { nothing } from './nowhere';\nexport const n = nothing;" });
      expect(() => sharedWorkflowModules(path.join(dir, 'broken.ts'))).toThrow(
        /broken\.ts imports .*nowhere, which is not a module of the project/,
      );
    });
  });
});
