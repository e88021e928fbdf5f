import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  delay,
  getFreePort,
  isAlive,
  isOrphanProcess,
  isPortFree,
  Log,
  OutputTail,
  PortTaken,
  startOnFreePorts,
  terminateProcess,
} from '../tools/cache-dir';
import { resolveTemporalCli } from '../tools/temporal-cli';
import { loadTestingPackage } from './time-skipping';

export interface DevServerOptions {
  /** Directory holding the SQLite file (`temporal.sqlite`), so workflows survive restarts. */
  dataDir: string;
  /** gRPC port; a free one is picked when omitted or 0. */
  port?: number;
  /** Web UI port; a free one is picked when omitted or 0. */
  uiPort?: number;
  namespace?: string;
  /** Picks a port left free now (default: the OS's choice); another process may take it before the server binds it. */
  pickPort?: () => Promise<number>;
  /** How long to wait for the server to accept requests (default 60 s). */
  startTimeoutMs?: number;
  log: Log;
}

export interface DevServerHandle {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** Web UI, when we started the server with one. */
  uiUrl: string | null;
  /** Settles when the server we started exits (never for an external one): for supervision. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

const PID_FILE = 'temporal-dev-server.pid';

/**
 * `$TEMPORAL_ADDRESS` when set; otherwise a Temporal CLI dev server (SQLite-backed,
 * with Web UI) on 127.0.0.1. Without a CLI, falls back to the SDK's dev server
 * download, which needs internet access.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServerHandle> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    options.log(`Using TEMPORAL_ADDRESS (${external}).`);
    return { address: external, uiUrl: null, exited: new Promise(() => undefined), stop: async () => undefined };
  }

  const namespace = options.namespace ?? 'default';
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, 'temporal.sqlite');
  await reclaimDataDir(dataDir, options.log);

  const cli = await resolveTemporalCli(options.log);
  if (!cli) return startWithSdkDownload(options, namespace, dbFile);

  for (const [name, port] of [
    ['gRPC', options.port],
    ['Web UI', options.uiPort],
  ] as const) {
    if (port && !(await isPortFree(port))) {
      throw new Error(
        `Port ${port} for the Temporal ${name} is already in use (another Temporal server?); choose another port or set TEMPORAL_ADDRESS.`,
      );
    }
  }
  // A port we pick may be taken before the server binds it (a parallel test's server, or one of the ports the CLI
  // picks for its own internal services): then start again on fresh ports, as startDatabase does.
  const pickPort = options.pickPort ?? (() => getFreePort());
  return startOnFreePorts(
    async () =>
      launch(
        cli,
        { ...options, port: options.port || (await pickPort()), uiPort: options.uiPort || (await pickPort()) },
        namespace,
        dbFile,
      ),
    {
      onRetry: (attempt) =>
        options.log(`Temporal dev server: a port was taken before it could bind it; starting again (attempt ${attempt}).`),
    },
  );
}

/**
 * How the CLI says a port is taken: a clean "can't set frontend port …: bind: address already in use", or, for its
 * internal services' ports, a fatal log line followed by a panic's long stack trace (hence watched, not searched in the tail).
 */
const ADDRESS_IN_USE = /address already in use/i;

async function launch(
  cli: string,
  options: DevServerOptions & { port: number; uiPort: number },
  namespace: string,
  dbFile: string,
): Promise<DevServerHandle> {
  const { port, uiPort } = options;
  const dataDir = path.dirname(dbFile);
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    '--color',
    'never',
    // The dev server's SQLite in WAL mode, synced at checkpoints rather than at every commit: the demo portfolio's
    // thousands of workflow writes waited on the disk (issue 14: ./dev start ready in under 2 minutes). A killed server
    // loses nothing committed (WAL); only a machine's power loss could lose the last moments of a dev server's data.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // No internet here: skip the server's version check call.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
  ];

  const started = Date.now();
  const tail = new OutputTail(40, [ADDRESS_IN_USE]);
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));
  // Do not leave a server behind if this process exits without calling stop().
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  if (child.pid) await fs.writeFile(path.join(dataDir, PID_FILE), `${child.pid}\n`);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    // No pid: spawn failed, and 'exit' may never be emitted.
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await fs.rm(path.join(dataDir, PID_FILE), { force: true });
  };

  try {
    await waitUntilServing(child, address, namespace, options.startTimeoutMs ?? 60_000, () => spawnError);
  } catch (error) {
    await stop();
    const Failure = tail.saw(ADDRESS_IN_USE) ? PortTaken : Error;
    throw new Failure(
      `Temporal dev server (${cli} ${args.join(' ')}) did not start: ${(error as Error).message}\n--- server output ---\n${tail}`,
    );
  }
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  options.log(`Temporal dev server ready on ${address} (UI ${uiUrl}, data ${dbFile}) in ${Date.now() - started} ms.`);
  return { address, uiUrl, exited, stop };
}

async function waitUntilServing(
  child: ChildProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
  spawnError: () => Error | null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    const failure = spawnError();
    if (failure) throw failure;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the process exited (${child.signalCode ?? `code ${child.exitCode}`})`);
    }
    let connection: Connection | null = null;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1_000 });
      // The namespace is registered during start-up; wait for it, not just for the port.
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await delay(250);
  }
  throw new Error(
    `not serving namespace "${namespace}" on ${address} after ${Math.round(timeoutMs / 1000)} s (last error: ${(lastError as Error | null)?.message ?? 'none'})`,
  );
}

/** Stops a dev server orphaned on this data directory by a killed process; refuses to share a live one. */
async function reclaimDataDir(dataDir: string, log: Log): Promise<void> {
  const pidFile = path.join(dataDir, PID_FILE);
  const pid = Number.parseInt((await fs.readFile(pidFile, 'utf8').catch(() => '')).trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await looksLikeDevServer(pid))) {
    await fs.rm(pidFile, { force: true });
    return;
  }
  if (await isOrphanProcess(pid)) {
    log(`Stopping orphaned Temporal dev server pid ${pid} left on ${dataDir} by a killed process…`);
    await terminateProcess(pid, 'SIGTERM', 10_000);
    await fs.rm(pidFile, { force: true });
    return;
  }
  throw new Error(
    `Temporal dev server pid ${pid} is already using ${dataDir}; stop it, use another data directory, or set TEMPORAL_ADDRESS to share it.`,
  );
}

async function looksLikeDevServer(pid: number): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return cmdline === null || cmdline.includes('start-dev'); // without /proc, trust the pid file
}

/** Last resort without a CLI: the SDK downloads one (works only with internet access). */
async function startWithSdkDownload(options: DevServerOptions, namespace: string, dbFile: string): Promise<DevServerHandle> {
  options.log(
    'Falling back to the Temporal SDK dev server download (needs internet access; set TEMPORAL_CLI_PATH or install Go to avoid it)…',
  );
  let testing: Awaited<ReturnType<typeof loadTestingPackage>>;
  try {
    testing = await loadTestingPackage();
  } catch {
    throw new Error(
      'No Temporal CLI available and @temporalio/testing (dev dependency) is not installed: set TEMPORAL_CLI_PATH or TEMPORAL_ADDRESS.',
    );
  }
  const uiPort = options.uiPort || (await getFreePort());
  const env: TestWorkflowEnvironment = await testing.TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: options.port || undefined,
      ui: true,
      uiPort,
      dbFilename: dbFile,
      namespace,
    },
  });
  options.log(`Temporal dev server (SDK download) ready on ${env.address}.`);
  return { address: env.address, uiUrl: `http://127.0.0.1:${uiPort}`, exited: new Promise(() => undefined), stop: () => env.teardown() };
}
