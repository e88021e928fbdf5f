import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createScratchDatabase, type DatabaseHandle, dropDatabase, listDatabases, startDatabase } from '../../src/shared/database/postgres';
import { migrate } from '../../src/shared/database/migrate';
import { WORKFLOWS_PATH, writeWorkflowBundle } from '../../src/worker';
import { resolveTemporalCli } from '../../src/shared/tools/temporal-cli';
import { ensureTestServerExecutable } from '../../src/shared/tools/test-server';
import { TEST_APP_ROLE } from './app-role';

const ROOT = path.resolve(__dirname, '../..');
const SCRATCH_PREFIX = 'pix_test_';
const BUNDLE_DIR = path.join(ROOT, '.data', 'test-workflow-bundle');
const DAY_MS = 24 * 60 * 60 * 1000;
const log = (message: string): void => void process.stderr.write(`[global-setup] ${message}\n`);

/**
 * Once per `vitest run`: a real PostgreSQL (embedded in .data/test-postgres, or
 * DATABASE_URL) with a fresh migrated database for the run, and the Temporal
 * time-skipping test server executable, and the production workflows bundled once (issue 13). All are provided
 * to the test files.
 */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const scratchName = `${SCRATCH_PREFIX}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const bundlePath = path.join(BUNDLE_DIR, `${scratchName}.js`);
  const [databaseResult, testServerResult, cliResult, bundleResult, webResult] = await Promise.allSettled([
    startDatabase({ dataDir: path.join(ROOT, '.data', 'test-postgres'), databaseName: 'postgres', log }),
    ensureTestServerExecutable(log),
    // The dev server's CLI is built here, once and outside any test's timeout (minutes on a fresh machine).
    resolveTemporalCli(log),
    bundleWorkflows(bundlePath),
    // Issue 14: the browser tests and the API's page need the built web app (dist/web), built once if outdated.
    buildWebAppIfOutdated(),
  ]);
  if (cliResult.status === 'fulfilled' && cliResult.value) process.env.TEMPORAL_CLI_PATH = cliResult.value;
  else
    log(
      `Temporal CLI unavailable: ${cliResult.status === 'rejected' ? String(cliResult.reason) : 'no Go toolchain'}; dev-server tests will try the SDK download.`,
    );
  if (
    databaseResult.status === 'rejected' ||
    testServerResult.status === 'rejected' ||
    bundleResult.status === 'rejected' ||
    webResult.status === 'rejected'
  ) {
    if (databaseResult.status === 'fulfilled') await databaseResult.value.stop();
    rmSync(bundlePath, { force: true });
    throw (
      [databaseResult, testServerResult, bundleResult, webResult].find((result) => result.status === 'rejected') as PromiseRejectedResult
    ).reason;
  }
  const database: DatabaseHandle = databaseResult.value;
  const testServerPath = testServerResult.value;

  let databaseUrl: string;
  let appDatabaseUrl: string;
  try {
    if (database.embedded) {
      // Only this run uses the embedded cluster: databases of killed runs can go.
      for (const stale of await listDatabases(database.url, SCRATCH_PREFIX)) await dropDatabase(database.url, stale);
    }
    databaseUrl = await createScratchDatabase(database.url, scratchName);
    await runMigrations(databaseUrl);
    appDatabaseUrl = await prepareTestAppRole(databaseUrl);
  } catch (error) {
    await dropDatabase(database.url, scratchName).catch(() => undefined);
    await database.stop();
    rmSync(bundlePath, { force: true });
    throw error;
  }

  process.env.TEST_DATABASE_URL = appDatabaseUrl;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServerPath;
  // Issue 12: the app's components connect as the least-privilege role, as in production; a test that plays
  // a database writer bypassing the app (tampering with the audit log) uses the owner's URL explicitly.
  provide('databaseUrl', appDatabaseUrl);
  provide('ownerDatabaseUrl', databaseUrl);
  provide('temporalTestServerPath', testServerPath);
  provide('workflowBundlePath', bundlePath);
  // Issue 15: src code that creates its own worker (createWorker, the what-if simulation) loads it too (workflowCode()).
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  log(`ready in ${Date.now() - started} ms: database ${scratchName}, test server ${testServerPath}`);

  return async () => {
    try {
      await dropDatabase(database.url, scratchName);
    } finally {
      rmSync(bundlePath, { force: true });
      await database.stop();
    }
  };
}

/** The production workflows bundled once for the whole run (issue 13): each test file's workers load this file. */
async function bundleWorkflows(bundlePath: string): Promise<void> {
  // Bundles of killed runs (a day old: a run still going keeps its own).
  for (const file of existsSync(BUNDLE_DIR) ? readdirSync(BUNDLE_DIR) : []) {
    const stale = path.join(BUNDLE_DIR, file);
    const modified = statSync(stale, { throwIfNoEntry: false })?.mtimeMs;
    if (modified !== undefined && Date.now() - modified > DAY_MS) rmSync(stale, { force: true });
  }
  const { bytes, ms } = await writeWorkflowBundle(bundlePath, WORKFLOWS_PATH);
  log(`workflow bundle: ${Math.round(bytes / 1024)} KiB in ${ms} ms (${path.relative(ROOT, bundlePath)})`);
}

/** The newest modification time of a file under these paths (folders walked). */
function newest(paths: string[]): number {
  let latest = 0;
  for (const p of paths) {
    const stat = statSync(p, { throwIfNoEntry: false });
    if (!stat) continue;
    latest = Math.max(latest, stat.isDirectory() ? newest(readdirSync(p).map((name) => path.join(p, name))) : stat.mtimeMs);
  }
  return latest;
}

/** Issue 14: `npm run build:web` (Vite, seconds) when dist/web is missing or older than its sources. */
async function buildWebAppIfOutdated(): Promise<void> {
  const built = statSync(path.join(ROOT, 'dist', 'web', 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(ROOT, 'web', p));
  if (built > newest([...sources, path.join(ROOT, 'package-lock.json')])) return;
  const started = Date.now();
  await new Promise<void>((resolve, reject) =>
    execFile(
      'npm',
      ['run', 'build:web'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } },
      (error, _stdout, stderr) => (error ? reject(new Error(`npm run build:web failed: ${stderr || error.message}`)) : resolve()),
    ),
  );
  log(`web app built in ${Date.now() - started} ms (dist/web)`);
}

async function prepareTestAppRole(ownerUrl: string): Promise<string> {
  const { prepareAppDatabase } = await import('../../src/shared/database/app-role');
  return prepareAppDatabase(ownerUrl, { appDatabaseUrl: null, role: TEST_APP_ROLE.role, password: () => TEST_APP_ROLE.password });
}

async function runMigrations(url: string): Promise<void> {
  await migrate(url);
}
