import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createScratchDatabase, type DatabaseHandle, dropDatabase, listDatabases, startDatabase } from '../../src/shared/database/postgres';
import { resolveTemporalCli } from '../../src/shared/tools/temporal-cli';
import { ensureTestServerExecutable } from '../../src/shared/tools/test-server';
import { TEST_APP_ROLE } from './app-role';

const ROOT = path.resolve(__dirname, '../..');
const SCRATCH_PREFIX = 'pix_test_';
const log = (message: string): void => void process.stderr.write(`[global-setup] ${message}\n`);

/**
 * Once per `vitest run`: a real PostgreSQL (embedded in .data/test-postgres, or
 * DATABASE_URL) with a fresh migrated database for the run, and the Temporal
 * time-skipping test server executable. Both are provided to the test files.
 */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const [databaseResult, testServerResult, cliResult] = await Promise.allSettled([
    startDatabase({ dataDir: path.join(ROOT, '.data', 'test-postgres'), databaseName: 'postgres', log }),
    ensureTestServerExecutable(log),
    // The dev server's CLI is built here, once and outside any test's timeout (minutes on a fresh machine).
    resolveTemporalCli(log),
  ]);
  if (cliResult.status === 'fulfilled' && cliResult.value) process.env.TEMPORAL_CLI_PATH = cliResult.value;
  else log(`Temporal CLI unavailable: ${cliResult.status === 'rejected' ? String(cliResult.reason) : 'no Go toolchain'}; dev-server tests will try the SDK download.`);
  if (databaseResult.status === 'rejected' || testServerResult.status === 'rejected') {
    if (databaseResult.status === 'fulfilled') await databaseResult.value.stop();
    throw databaseResult.status === 'rejected' ? databaseResult.reason : (testServerResult as PromiseRejectedResult).reason;
  }
  const database: DatabaseHandle = databaseResult.value;
  const testServerPath = testServerResult.value;

  const scratchName = `${SCRATCH_PREFIX}${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
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
    throw error;
  }

  process.env.TEST_DATABASE_URL = appDatabaseUrl;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServerPath;
  // Issue 12: the app's components connect as the least-privilege role, as in production; a test that plays
  // a database writer bypassing the app (tampering with the audit log) uses the owner's URL explicitly.
  provide('databaseUrl', appDatabaseUrl);
  provide('ownerDatabaseUrl', databaseUrl);
  provide('temporalTestServerPath', testServerPath);
  log(`ready in ${Date.now() - started} ms: database ${scratchName}, test server ${testServerPath}`);

  return async () => {
    try {
      await dropDatabase(database.url, scratchName);
    } finally {
      await database.stop();
    }
  };
}

async function prepareTestAppRole(ownerUrl: string): Promise<string> {
  const { prepareAppDatabase } = await import('../../src/shared/database/app-role');
  return prepareAppDatabase(ownerUrl, { appDatabaseUrl: null, role: TEST_APP_ROLE.role, password: () => TEST_APP_ROLE.password });
}

async function runMigrations(url: string): Promise<void> {
  const modulePath = path.join(ROOT, 'src', 'infra', 'database', 'migrate');
  if (!existsSync(`${modulePath}.ts`) && !existsSync(`${modulePath}.js`)) {
    console.warn('[global-setup] src/shared/database/migrate not found: the test database is NOT migrated.');
    return;
  }
  // Non-literal specifier: this file must type-check before that module exists.
  const { migrate } = (await import(modulePath)) as { migrate: (url: string) => Promise<unknown> };
  await migrate(url);
}
