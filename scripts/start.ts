import { loadConfig } from '../src/config/env';
import { ConfigurationRefused } from '../src/config/env-values';
import { UnreachableAtStart } from '../src/shared/dependency-at-start';
import { withoutPassword } from '../src/shared/url-without-password';
import { PARAMETERS } from '../src/config/parameters';
import type { Role } from '../src/access/domain/roles';
import { seedDemo } from '../src/seed/demo';
import { seedPortfolio } from '../src/seed/portfolio';
import { demoEmail, seedDemoUsers } from '../src/seed/users';
import { type RunningProcess, type RunningSystem, StartAborted, startProcess } from '../src/system';
import { configureLogging, logger } from '../src/shared/observability/logger';
import { installTemporalRuntime, sdkLogLevel } from '../src/shared/observability/temporal-runtime';

/**
 * `npm start`: the whole system on embedded defaults, demo data, and its URLs. Logs go to stderr (issue 15: LOG_FORMAT).
 * Issue 15: ROLE=api or ROLE=worker runs one part against external services (no demo data: N replicas start).
 */
const startLog = logger('start');
const log = (message: string) => startLog.info(message);
/** A start that fails says so as an error (a log collector alerts on it), not as information. */
const logFailure = (message: string) => startLog.error(message);
// Readable lines from the first moment (a configuration refused is said so); LOG_FORMAT and LOG_LEVEL once read.
configureLogging({ format: 'text', level: 'info' });

// Signals are handled from the first moment: Ctrl-C reaches the whole process group, so PostgreSQL and the
// Temporal dev server may stop on it by themselves; whatever step the start is at, it ends, and what started
// is stopped (bounded), never left running or restarted.
const shutdownRequested = new AbortController();
let system: RunningProcess | null = null;
let exitCode = 0;
/** Issue 15: the whole stop's bound, the API's and the worker's grace (SHUTDOWN_GRACE_MS) included. */
let stopTimeoutMs: number = PARAMETERS.resilience.stopTimeoutMs;

/** Stops once, whoever asks first (a signal, a failure); a stop that takes too long exits (issue 11: bounded). */
async function shutdown(reason: string, code = 0): Promise<void> {
  if (shutdownRequested.signal.aborted) return;
  exitCode = code;
  shutdownRequested.abort();
  log(`${reason}: stopping…`);
  setTimeout(() => {
    log(`not stopped within ${stopTimeoutMs} ms: exiting`);
    process.exit(1);
  }, stopTimeoutMs).unref();
  // Still starting: startProcess sees the abort at its next step, stops what it started and rejects (below).
  if (!system) return;
  await system.stop();
  process.exit(exitCode);
}

async function main() {
  const config = configOrExit();
  // Issue 15: JSON lines in production, readable ones in a terminal; the Temporal SDK's runtime (once per process,
  // before any connection) forwards its lines there and serves its metrics on WORKER_METRICS_ADDRESS.
  const { logFormat, logLevel, workerMetricsAddress, shutdownGraceMs } = config.observability;
  configureLogging({ format: logFormat, level: logLevel });
  installTemporalRuntime({ workerMetricsAddress, level: sdkLogLevel(logFormat, logLevel) });
  stopTimeoutMs = PARAMETERS.resilience.stopTimeoutMs + 2 * shutdownGraceMs;
  let signals = 0;
  const onSignal = (name: string) => {
    // A second signal exits at once: whoever presses Ctrl-C twice wants out now.
    if (++signals > 1) process.exit(1);
    void shutdown(name);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // An error escaping while stopping (e.g. a Temporal client's retry timer firing after its channel closed) must
  // not end the process before PostgreSQL and Temporal are stopped; one escaping otherwise stops everything too.
  process.on('uncaughtException', (err) => {
    log(
      `${shutdownRequested.signal.aborted ? 'while stopping' : 'unexpected error'}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    if (!shutdownRequested.signal.aborted) void shutdown('unexpected error', 1);
  });

  try {
    system = await startProcess(config, log, shutdownRequested.signal);
  } catch (err) {
    // Asked to stop while starting: a step may fail first on a service the signal already stopped.
    if (err instanceof StartAborted || shutdownRequested.signal.aborted) {
      log('stopped during start-up.');
      process.exit(exitCode);
    }
    throw err;
  }
  if (shutdownRequested.signal.aborted) return void (await system.stop(), process.exit(exitCode));

  let tokens: Record<Role, string> | null = null;
  // The demo is ./dev start's (ROLE=all): replicas of a single role never seed.
  if (config.seedDemo && isWholeSystem(system)) {
    try {
      // Demo people first (their tokens are public: demo data only), then the applications, entered by operations.
      tokens = await seedDemoUsers(system.db);
      const { organisationIds } = await seedDemo(system.urls.api, tokens.operations, log);
      // The centre user is the university's référent; the coordinator leads the Breton network (until the portfolio binds them).
      await seedDemoUsers(system.db, { centre: organisationIds[0], coordinator: organisationIds[2] });
      // The portfolio (src/seed/portfolio.ts): about 150 centres and 5 networks in every state, through the API. It goes on
      // after the URLs are printed (each step waits for its workflow); its last log line says when it is complete.
      if (config.seedDemoCentres > 0) void seedPortfolioInBackground(system, config.seedDemoCentres, tokens, organisationIds);
    } catch (err) {
      // Stopped while seeding: the stop in progress ends the process; the seed's failure is its consequence.
      if (shutdownRequested.signal.aborted) return;
      throw err;
    }
  }
  if (shutdownRequested.signal.aborted) return;
  const lines = [
    '',
    `Pix agrément engine is up${system.role === 'all' ? '' : ` (ROLE=${system.role})`}:`,
    `  API                ${system.urls.api ?? '(not in this process: ROLE=worker)'}`,
    `  API docs (OpenAPI) ${system.urls.docs ?? '(not in this process: ROLE=worker)'}`,
    `  Temporal Web UI    ${system.urls.temporalUi ?? '(external Temporal: see its own UI)'}`,
    `  Captured mail      ${system.urls.mail ? `${system.urls.mail} (operations token)` : '(sent to SMTP_URL)'}`,
    `  PostgreSQL         ${withoutPassword(system.databaseUrl)}`,
    ...(tokens
      ? [
          '',
          'Demo bearer tokens (Authorization: Bearer <token>):',
          ...Object.entries(tokens).map(([role, t]) => `  ${role.padEnd(18)} ${t}`),
        ]
      : []),
    ...(tokens && config.seedDemoCentres > 0
      ? [
          '',
          `Demo portfolio (${config.seedDemoCentres} centres): being seeded through the API; "[start] demo portfolio complete" says when.`,
        ]
      : []),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** Issue 15: the settings refused at start, every one by its message (it names the variable), exit code 2. */
function configOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (err) {
    const problems = err instanceof ConfigurationRefused ? err.problems : [err instanceof Error ? err.message : String(err)];
    logFailure(
      problems.length === 1
        ? `configuration refused: ${problems[0]}`
        : `configuration refused (${problems.length} settings):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exit(2);
  }
}

function isWholeSystem(running: RunningProcess): running is RunningSystem {
  return running.role === 'all' && running.app !== null;
}

/** The demo portfolio, seeded while the system runs; then the centre and coordinator demo users are bound to it. */
async function seedPortfolioInBackground(
  running: RunningSystem,
  centres: number,
  tokens: Record<Role, string>,
  organisationIds: string[],
): Promise<void> {
  const started = Date.now();
  try {
    const portfolio = await seedPortfolio(running.urls.api, { centres, tokens, inspectorEmail: demoEmail('inspector') }, log);
    if (shutdownRequested.signal.aborted) return;
    // The centre user: a centre with sessions to finalise, statements due and a remedy owed; the coordinator: an agreed
    // network with members and sessions.
    await seedDemoUsers(running.db, {
      centre: portfolio.centreId ?? organisationIds[0],
      coordinator: portfolio.networkId ?? organisationIds[2],
    });
    log(
      `demo portfolio complete in ${Math.round((Date.now() - started) / 1000)} s: the centre and coordinator demo users are bound to it.`,
    );
  } catch (err) {
    // Stopped while seeding: its requests fail with the system; otherwise the demo is incomplete, the system runs on.
    if (!shutdownRequested.signal.aborted)
      startLog.warn(`demo portfolio not complete: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

main().catch((err) => {
  const said = err instanceof UnreachableAtStart ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  logFailure(`failed: ${said}`);
  // Started but failed afterwards (seeding): stop everything, bounded; a failed start has stopped its part already.
  if (system) void shutdown('failure', 1);
  else process.exit(1);
});
