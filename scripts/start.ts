import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/config/env';
import { PARAMETERS } from '../src/config/parameters';
import type { Role } from '../src/access/domain/roles';
import { seedDemo } from '../src/seed/demo';
import { seedDemoUsers } from '../src/seed/users';
import { startSystem } from '../src/system';

/** `npm start`: the whole system on embedded defaults, demo data, and its URLs. Logs go to stderr. */
const log = (message: string) => process.stderr.write(`[start] ${message}\n`);

async function main() {
  // The worker's own logs (bundling, state changes) only when something goes wrong.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  const system = await startSystem(config, log);
  let stopping = false;
  const shutdown = async (signal: string) => {
    // A second signal, or a stop that takes too long, exits at once (issue 11: stopping is always bounded).
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: stopping…`);
    setTimeout(() => {
      log(`not stopped within ${PARAMETERS.resilience.stopTimeoutMs} ms: exiting`);
      process.exit(1);
    }, PARAMETERS.resilience.stopTimeoutMs).unref();
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let tokens: Record<Role, string> | null = null;
  if (config.seedDemo) {
    // Demo people first (their tokens are public: demo data only), then the applications, entered by operations.
    tokens = await seedDemoUsers(system.db);
    const { organisationIds } = await seedDemo(system.urls.api, tokens.operations, log);
    // The centre user is the university's référent; the coordinator leads the Breton network.
    await seedDemoUsers(system.db, { centre: organisationIds[0], coordinator: organisationIds[2] });
  }
  const lines = [
    '',
    'Pix agrément engine is up:',
    `  API                ${system.urls.api}`,
    `  API docs (OpenAPI) ${system.urls.docs}`,
    `  Temporal Web UI    ${system.urls.temporalUi ?? '(external Temporal: see its own UI)'}`,
    `  Captured mail      ${system.urls.mail ? `${system.urls.mail} (operations token)` : '(sent to SMTP_URL)'}`,
    `  PostgreSQL         ${system.databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
    ...(tokens
      ? ['', 'Demo bearer tokens (Authorization: Bearer <token>):', ...Object.entries(tokens).map(([role, t]) => `  ${role.padEnd(18)} ${t}`)]
      : []),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((err) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
