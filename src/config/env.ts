import path from 'node:path';
import { type AuditKeyring, auditKeysFromEnv } from '../shared/event-log/keys';
import { APP_ROLE_PATTERN } from '../shared/database/app-role';
import type { MailRecipients } from '../mail/usecases/queue-email';
import { postgresUrl, settingsReader, smtpUrl, wholeNumber } from './env-values';
import { PARAMETERS } from './parameters';
import { type ObservabilityConfig, observabilityFromEnv } from './observability';
import { type TopologySettings, topologySettings, withDatabaseTls } from './topology';

/** OPERATIONS_EMAIL and LEGAL_EMAIL when unset. */
export const DEFAULT_MAIL_RECIPIENTS: MailRecipients = {
  operationsEmail: 'operations-certification@pix.fr',
  legalEmail: 'juridique@pix.fr',
};

/** Runtime configuration from the environment, with embedded defaults for a local run. */
export interface RuntimeConfig {
  /** Where embedded services keep their data (PostgreSQL, Temporal's SQLite file, captured mail). */
  dataDir: string;
  apiPort: number;
  /** External PostgreSQL; when absent an embedded one is started. */
  databaseUrl: string | null;
  databasePort: number;
  /** External Temporal; when absent the Temporal CLI dev server is started. */
  temporalAddress: string | null;
  temporalNamespace: string;
  temporalPort: number;
  temporalUiPort: number;
  taskQueue: string;
  /** External SMTP; when absent mail is captured locally and listed at /mail. */
  smtpUrl: string | null;
  mailCapturePort: number;
  mailFrom: string;
  operationsEmail: string;
  legalEmail: string;
  seedDemo: boolean;
  /** SEED_DEMO_CENTRES: the size of the demo portfolio (src/seed/portfolio.ts), 0 for the three demo applications only. */
  seedDemoCentres: number;
  /** Issue 12: origins (scheme://host[:port]) whose pages may call the API from a browser; empty: same origin only. */
  corsAllowedOrigins: string[];
  /** Issue 12: bulk import limits, in bytes: IMPORT_MAX_BYTES (the file) and IMPORT_MAX_LINE_BYTES (a line); default PARAMETERS.sessions. */
  importLimits: { maxBytes: number; maxLineBytes: number };
  /**
   * Issue 12: the API and worker's PostgreSQL connection, a least-privilege role (INSERT and SELECT on the
   * audit log). APP_DATABASE_URL when a DBA provisions it; otherwise the owner (DATABASE_URL or the embedded
   * superuser) creates APP_DATABASE_ROLE with APP_DATABASE_PASSWORD (generated in dataDir when absent).
   */
  appDatabaseUrl: string | null;
  appDatabaseRole: string;
  appDatabasePassword: string | null;
  /** Issue 12: the audit log's HMAC keys (AUDIT_LOG_KEYS, AUDIT_LOG_KEY_ID); null: a key generated once in dataDir. */
  auditKeyring: AuditKeyring | null;
  /** Issue 12: the checkpoint sink's directory (AUDIT_CHECKPOINT_DIR); null: `<dataDir>/audit-checkpoints`. */
  auditCheckpointDir: string | null;
  /** Issue 15: log format and level, metrics, the graceful stop's grace (src/config/observability.ts). */
  observability: ObservabilityConfig;
  /**
   * Issue 12: the API's throttling limits when not PARAMETERS.api's (failedAuthThrottle, expensiveThrottle). Not read
   * from the environment: only a test sets it (the contract test, whose generated requests include unauthenticated ones).
   */
  throttle?: {
    failedAuth?: { limit: number; windowSeconds: number; blockSeconds: number };
    expensive?: { limit: number; windowSeconds: number };
  };
  /**
   * Issue 15: the process's role (ROLE: api, worker or all), Temporal's TLS, mTLS and API key, PostgreSQL's TLS
   * and pool size (src/config/topology.ts). Optional: absent, the process runs everything on plaintext connections.
   */
  topology?: TopologySettings;
}

/** A positive whole number of bytes from the environment (IMPORT_MAX_BYTES, IMPORT_MAX_LINE_BYTES), or the default. */
export function byteLimit(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  return wholeNumber(name, raw.trim(), 1, Number.MAX_SAFE_INTEGER, 'bytes');
}

/** SEED_DEMO=true|false (default true): anything else is a typo, refused at start. */
export function seedDemoFlag(raw: string | undefined): boolean {
  if (raw === undefined || raw.trim() === '') return true;
  const v = raw.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new Error(`SEED_DEMO must be true or false, got ${JSON.stringify(raw)}`);
  return v === 'true';
}

/** SEED_DEMO_CENTRES: a whole number of centres from 0 to 2000 (default 150). */
export function seedDemoCentres(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 150;
  return wholeNumber('SEED_DEMO_CENTRES', raw.trim(), 0, 2000, 'centres');
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return wholeNumber(name, raw, 0, 65535);
}

/** CORS_ALLOWED_ORIGINS: a comma-separated list of origins, each exactly `scheme://host[:port]` (no path, no `*`). */
export function parseOrigins(raw: string | undefined): string[] {
  if (!raw || raw.trim() === '') return [];
  return raw.split(',').map((item) => {
    const origin = item.trim();
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(`CORS_ALLOWED_ORIGINS must list origins such as https://agrement.pix.fr, got ${JSON.stringify(origin)}`);
    }
    return origin;
  });
}

export function loadConfig(root = process.cwd()): RuntimeConfig {
  const env = process.env;
  // Issue 15: every refusal at once, each naming its variable (ConfigurationRefused); the topology's first, so that a
  // process started with the wrong role or connection says so before anything else.
  const { read, done } = settingsReader();
  const topology = read(() => topologySettings(env));
  const url = (name: string, check: (name: string, raw: string) => string) => {
    const raw = env[name]?.trim();
    return raw ? (read(() => check(name, raw)) ?? null) : null;
  };
  const tls = (u: string | null) => (u && topology ? withDatabaseTls(u, topology.database) : u);
  const appDatabaseRole = env.APP_DATABASE_ROLE || 'pix_agrement_app';
  read(() => {
    if (!APP_ROLE_PATTERN.test(appDatabaseRole))
      throw new Error(`APP_DATABASE_ROLE must be a lower-case SQL identifier, got ${JSON.stringify(appDatabaseRole)}`);
  });
  const config = {
    dataDir: path.resolve(root, env.DATA_DIR ?? '.data'),
    apiPort: read(() => int('PORT', 3000)),
    databaseUrl: tls(url('DATABASE_URL', postgresUrl)),
    databasePort: read(() => int('PG_PORT', 54329)),
    temporalAddress: env.TEMPORAL_ADDRESS || null,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalPort: read(() => int('TEMPORAL_PORT', 7233)),
    temporalUiPort: read(() => int('TEMPORAL_UI_PORT', 8233)),
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'agrement',
    smtpUrl: url('SMTP_URL', smtpUrl),
    mailCapturePort: read(() => int('MAIL_CAPTURE_PORT', 1025)),
    mailFrom: env.MAIL_FROM || '"Pix – Agrément des centres" <agrement@pix.fr>',
    operationsEmail: env.OPERATIONS_EMAIL || DEFAULT_MAIL_RECIPIENTS.operationsEmail,
    legalEmail: env.LEGAL_EMAIL || DEFAULT_MAIL_RECIPIENTS.legalEmail,
    seedDemo: read(() => seedDemoFlag(env.SEED_DEMO)),
    seedDemoCentres: read(() => seedDemoCentres(env.SEED_DEMO_CENTRES)),
    corsAllowedOrigins: read(() => parseOrigins(env.CORS_ALLOWED_ORIGINS)),
    importLimits: read(() => ({
      maxBytes: byteLimit('IMPORT_MAX_BYTES', env.IMPORT_MAX_BYTES, PARAMETERS.sessions.importMaxBytes),
      maxLineBytes: byteLimit('IMPORT_MAX_LINE_BYTES', env.IMPORT_MAX_LINE_BYTES, PARAMETERS.sessions.importMaxLineBytes),
    })),
    appDatabaseUrl: tls(url('APP_DATABASE_URL', postgresUrl)),
    appDatabaseRole,
    appDatabasePassword: env.APP_DATABASE_PASSWORD || null,
    // Validated here: a malformed key stops the start with a message naming the variable.
    auditKeyring: read(() => auditKeysFromEnv(env)),
    auditCheckpointDir: env.AUDIT_CHECKPOINT_DIR ? path.resolve(root, env.AUDIT_CHECKPOINT_DIR) : null,
    observability: read(() => observabilityFromEnv(env)),
    topology,
  };
  done();
  // Nothing was refused: every setting read has its value.
  return config as RuntimeConfig;
}
