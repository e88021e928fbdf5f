import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withClient } from './postgres';

/**
 * Issue 12: the API and the worker connect as a least-privilege PostgreSQL role. It may only INSERT and
 * SELECT the audit log (no UPDATE, DELETE, TRUNCATE; not its owner, so no ALTER TABLE nor DISABLE TRIGGER;
 * not a superuser), and has the ordinary DML on the other tables. Migrations still run as the owner
 * (DATABASE_URL, or the embedded cluster's superuser), which then grants this role its rights, on the
 * tables of every migration (a grant step after each migrate, and default privileges for tables the owner
 * creates later).
 */
export const APP_ROLE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the role (or resets it to a plain login role with this password) on the owner's server. */
export async function provisionAppRole(ownerUrl: string, role: string, password: string): Promise<void> {
  if (!APP_ROLE_PATTERN.test(role)) throw new Error(`APP_DATABASE_ROLE must be a lower-case SQL identifier, got ${JSON.stringify(role)}`);
  await withClient(ownerUrl, async (c) => {
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${c.escapeLiteral(password)}`;
    const exists = async () => (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    if (!(await exists())) {
      try {
        await c.query(`CREATE ROLE ${c.escapeIdentifier(role)} ${attributes}`);
        return;
      } catch (err) {
        // Created meanwhile by another process (two test runs on one server): fall through to ALTER.
        const code = (err as { code?: string }).code;
        if (code !== '42710' && code !== '23505') throw err;
      }
    }
    await c.query(`ALTER ROLE ${c.escapeIdentifier(role)} ${attributes}`);
  });
}

/** Grants the role its rights on the owner's database (run after every migrate: idempotent). */
export async function grantAppRole(ownerUrl: string, role: string): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const r = c.escapeIdentifier(role);
    const [{ db }] = (await c.query<{ db: string }>('SELECT current_database() AS db')).rows;
    await c.query('BEGIN');
    // One grant step at a time for the whole database (two starts at once would conflict on the catalogs).
    await c.query('SELECT pg_advisory_xact_lock(748215002)');
    await c.query(`GRANT CONNECT ON DATABASE ${c.escapeIdentifier(db!)} TO ${r}`);
    // No DDL for anyone but the owner (PostgreSQL ≥ 15 already refuses CREATE on public to PUBLIC).
    await c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
    await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`);
    // The audit log: INSERT and SELECT only. The migrations' bookkeeping: read only.
    await c.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON event_log FROM ${r}`);
    await c.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM ${r}`);
    await c.query('COMMIT');
  });
}

export interface RolePrivileges {
  role: string;
  superuser: boolean;
  ownsEventLog: boolean;
  eventLog: { select: boolean; insert: boolean; update: boolean; delete: boolean; truncate: boolean };
}

export async function rolePrivileges(url: string): Promise<RolePrivileges> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`
      SELECT current_user AS role, r.rolsuper AS superuser, pg_has_role(current_user, t.relowner, 'USAGE') AS owns,
             has_table_privilege('event_log', 'SELECT') AS "select", has_table_privilege('event_log', 'INSERT') AS "insert",
             has_table_privilege('event_log', 'UPDATE') AS "update", has_table_privilege('event_log', 'DELETE') AS "delete",
             has_table_privilege('event_log', 'TRUNCATE') AS "truncate"
        FROM pg_roles r, pg_class t WHERE r.rolname = current_user AND t.oid = 'event_log'::regclass`);
    const row = rows[0];
    return {
      role: row.role,
      superuser: row.superuser,
      ownsEventLog: row.owns,
      eventLog: { select: row.select, insert: row.insert, update: row.update, delete: row.delete, truncate: row.truncate },
    };
  });
}

/** Refuses to start over a connection that could rewrite the audit log (e.g. APP_DATABASE_URL set to the owner). */
export async function assertLeastPrivilege(url: string): Promise<void> {
  const p = await rolePrivileges(url);
  const problems = [
    p.superuser && 'is a superuser',
    p.ownsEventLog && 'owns event_log (it could ALTER it or disable its trigger)',
    p.eventLog.update && 'may UPDATE event_log',
    p.eventLog.delete && 'may DELETE from event_log',
    p.eventLog.truncate && 'may TRUNCATE event_log',
    !p.eventLog.insert && 'may not INSERT into event_log',
    !p.eventLog.select && 'may not SELECT event_log',
  ].filter(Boolean);
  if (problems.length) {
    throw new Error(
      `The application's database role "${p.role}" ${problems.join(', ')}: the API and worker need a role that may only INSERT and SELECT the audit log (see README, Security; APP_DATABASE_URL or APP_DATABASE_ROLE).`,
    );
  }
}

/** The owner's URL with the app role's credentials. */
export function appUrlFor(ownerUrl: string, role: string, password: string): string {
  const u = new URL(ownerUrl);
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  return u.toString();
}

export const APP_PASSWORD_FILE = 'app-database-password';

/** Embedded default: the app role's password, generated once in the data directory (mode 0600). */
export function localAppPassword(dataDir: string): string {
  const file = path.join(dataDir, APP_PASSWORD_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The URL the API and worker use: APP_DATABASE_URL as given (a role provisioned by the DBA), or the role
 * APP_DATABASE_ROLE created and granted here by the owner with APP_DATABASE_PASSWORD (or a generated one).
 * Either way its privileges are checked before use.
 */
export async function prepareAppDatabase(
  ownerUrl: string,
  options: { appDatabaseUrl: string | null; role: string; password: () => string },
): Promise<string> {
  let url = options.appDatabaseUrl;
  if (!url) {
    const password = options.password();
    await provisionAppRole(ownerUrl, options.role, password);
    url = appUrlFor(ownerUrl, options.role, password);
  }
  await grantAppRole(ownerUrl, new URL(url).username ? decodeURIComponent(new URL(url).username) : options.role);
  await assertLeastPrivilege(url);
  return url;
}
