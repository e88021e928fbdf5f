import { loadConfig } from '../src/config/env';
import { prepareAppDatabase } from '../src/shared/database/app-role';
import { migrate } from '../src/shared/database/migrate';
import { runMain } from './run-main';

/**
 * Issue 15: `npm run migrate`, once per deployment, before the API and worker replicas start (they never migrate):
 * applies the pending migrations as the owner (DATABASE_URL) under an advisory lock — two runs at once apply each
 * migration once — then grants the least-privilege role its rights: the role of APP_DATABASE_URL (created by a
 * DBA), or APP_DATABASE_ROLE created here with APP_DATABASE_PASSWORD.
 */
const log = (message: string) => process.stderr.write(`[migrate] ${message}\n`);

runMain(async () => {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error("DATABASE_URL must name the database's owner (the role that runs the migrations)");
  if (!config.appDatabaseUrl && !config.appDatabasePassword)
    throw new Error(
      'Set APP_DATABASE_URL (the role the API and workers connect as, created by your DBA) or APP_DATABASE_PASSWORD (APP_DATABASE_ROLE is then created with it)',
    );
  const applied = await migrate(config.databaseUrl);
  log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
  const appUrl = await prepareAppDatabase(config.databaseUrl, {
    appDatabaseUrl: config.appDatabaseUrl,
    role: config.appDatabaseRole,
    password: () => config.appDatabasePassword!,
  });
  log(`role ${decodeURIComponent(new URL(appUrl).username)} granted: the API and workers connect with APP_DATABASE_URL as this role`);
}, log);
