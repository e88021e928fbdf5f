import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/config/env';
import { seedDemo } from '../src/seed/demo';
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
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (config.seedDemo) await seedDemo(system.urls.api, log);
  const lines = [
    '',
    'Pix agrément engine is up:',
    `  API                ${system.urls.api}`,
    `  API docs (OpenAPI) ${system.urls.docs}`,
    `  Temporal Web UI    ${system.urls.temporalUi ?? '(external Temporal: see its own UI)'}`,
    `  Captured mail      ${system.urls.mail ?? '(sent to SMTP_URL)'}`,
    `  PostgreSQL         ${system.databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
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
