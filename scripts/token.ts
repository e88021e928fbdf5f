import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/env';
import { PARAMETERS } from '../src/config/parameters';
import { isRole, ROLES } from '../src/access/domain/roles';
import { createUser, findUserByEmail, issueToken } from '../src/access/usecases/credentials';
import { closeDataSources, dataSourceFor } from '../src/shared/database/data-source';
import { migrate } from '../src/shared/database/migrate';
import { startDatabase } from '../src/shared/database/postgres';
import { isPortFree } from '../src/shared/tools/cache-dir';
import { runMain } from './run-main';

/**
 * `npm run token -- --name "Jeanne Martin" --email j@pix.fr --role legal [--organisation <uuid>] [--label <why>] [--lifetime-days <n>]`
 * Issues an API token for a new or existing user (found by e-mail) and prints it once, on stdout:
 * only its SHA-256 is stored, it cannot be shown again.
 */
const USAGE = `usage: npm run token -- --email <e-mail> [--name <name> --role <${ROLES.join('|')}>] [--organisation <uuid>] [--label <label>] [--lifetime-days <1-${PARAMETERS.access.tokenMaxLifetimeDays}, default ${PARAMETERS.access.tokenDefaultLifetimeDays}>]`;
const log = (message: string) => process.stderr.write(`[token] ${message}\n`);

async function databaseUrl(): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = loadConfig();
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  // The embedded cluster of a running `npm start` (local-only, fixed credentials: see infra/postgres).
  if (!(await isPortFree(config.databasePort))) {
    return { url: `postgres://postgres:postgres@127.0.0.1:${config.databasePort}/pix_agrement`, stop: async () => undefined };
  }
  const db = await startDatabase({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.databasePort,
    databaseName: 'pix_agrement',
    log,
  });
  return { url: db.url, stop: () => db.stop() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      organisation: { type: 'string' },
      label: { type: 'string' },
      'lifetime-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || !values.email) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const database = await databaseUrl();
  try {
    await migrate(database.url);
    const db = await dataSourceFor(database.url);
    let user = await findUserByEmail(db, values.email);
    if (user) {
      if (values.role && values.role !== user.role)
        throw new Error(`${user.email} already exists with role ${user.role}; roles are not changed here`);
      if (!user.active) throw new Error(`${user.email} is deactivated`);
      if (values.organisation && values.organisation !== user.organisationId)
        throw new Error(
          `${user.email} already exists for organisation ${user.organisationId ?? '(none)'}; organisations are not changed here`,
        );
      log(`existing user ${user.name} (${user.role})`);
    } else {
      if (!values.name || !values.role) throw new Error(`a new user needs --name and --role\n${USAGE}`);
      if (!isRole(values.role)) throw new Error(`--role must be one of: ${ROLES.join(', ')}`);
      user = await createUser(db, {
        name: values.name,
        email: values.email,
        role: values.role,
        organisationId: values.organisation ?? null,
      });
      log(`created user ${user.name} (${user.role})${user.organisationId ? ` for organisation ${user.organisationId}` : ''}`);
    }
    const lifetime = values['lifetime-days'];
    if (lifetime !== undefined && !/^\d+$/.test(lifetime)) throw new Error(`--lifetime-days must be a whole number of days\n${USAGE}`);
    const { token, tokenId, expiresAt } = await issueToken(
      db,
      user.id,
      values.label ?? `issued by npm run token on ${new Date().toISOString().slice(0, 10)}`,
      {
        lifetimeDays: lifetime === undefined ? undefined : Number(lifetime),
      },
    );
    log(
      `token ${tokenId} issued, valid until ${expiresAt.toISOString()} (DATA-3); it is shown once, store it now (only its hash is kept):`,
    );
    process.stdout.write(`${token}\n`);
  } finally {
    await closeDataSources();
    await database.stop();
  }
}

runMain(main, log, (err) => ({ message: `failed: ${err instanceof Error ? err.message : String(err)}` }));
