import { accessSync, constants } from 'node:fs';
import { hostPort, settingsReader, wholeNumber } from './env-values';

/**
 * Issue 15: the production topology's settings from the environment — which part of the system this process
 * runs (ROLE), how it reaches Temporal (address, namespace, TLS, mTLS, API key) and PostgreSQL (TLS, pool size).
 * Everything is validated here, at start, with a message naming the variable; nothing is read later.
 */

/** `api`: the HTTP API (with its Temporal client); `worker`: the Temporal worker, its activities and the periodic work; `all`: both (./dev start). */
export type ProcessRole = 'api' | 'worker' | 'all';
export const PROCESS_ROLES: readonly ProcessRole[] = ['api', 'worker', 'all'];

export interface TemporalTls {
  /** TEMPORAL_TLS_CA: the CA that signed the server's certificate (PEM path); null: the system's CAs. */
  caPath: string | null;
  /** TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: the client's certificate and key for mTLS (PEM paths), both or neither. */
  clientCertPath: string | null;
  clientKeyPath: string | null;
  /** TEMPORAL_TLS_SERVER_NAME: the name the server's certificate must carry, when not the address's host. */
  serverName: string | null;
}

export interface TemporalConnectionSettings {
  /** null: plaintext (the local dev server, a cluster inside a private network). */
  tls: TemporalTls | null;
  /** TEMPORAL_API_KEY (Temporal Cloud): sent as a bearer token; implies TLS. */
  apiKey: string | null;
}

/** PostgreSQL over TLS: `require` encrypts without checking the certificate; `verify-full` checks it and the host name. */
export type DatabaseSslMode = 'disable' | 'require' | 'verify-full';

export interface DatabaseConnectionSettings {
  /** DATABASE_SSL_MODE; null: as the URL says (its own sslmode), plaintext otherwise. */
  sslMode: DatabaseSslMode | null;
  /** DATABASE_SSL_CA: the CA (PEM path) `verify-full` checks the server against; null: the system's CAs. */
  sslCaPath: string | null;
  /** DATABASE_POOL_SIZE: connections per process (API or worker), 2 to 1000; default 10. */
  poolSize: number;
}

/** Worker tuning (WORKER_*); null: the SDK's default. */
export interface WorkerTuning {
  /** WORKER_MAX_CACHED_WORKFLOWS: executions kept in memory between their tasks (memory against replays); DEFAULT_MAX_CACHED_WORKFLOWS. */
  maxCachedWorkflows: number;
  /** WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: workflow tasks run at once. */
  maxConcurrentWorkflowTaskExecutions: number | null;
  /** WORKER_MAX_CONCURRENT_ACTIVITIES: activities run at once (each may hold a PostgreSQL connection: see DATABASE_POOL_SIZE). */
  maxConcurrentActivityTaskExecutions: number | null;
}

export interface TopologySettings {
  role: ProcessRole;
  worker: WorkerTuning;
  temporal: TemporalConnectionSettings;
  database: DatabaseConnectionSettings;
  /** NODE_ENV=production: the workflow bundle must be prebuilt (no webpack at start). */
  production: boolean;
  /** HOST: the interface the API listens on (0.0.0.0 in a container); default 127.0.0.1. */
  listenHost: string;
}

type Env = Record<string, string | undefined>;

const set = (env: Env, name: string): string | null => {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
};

/** ROLE: api, worker or all (default). */
export function processRole(raw: string | undefined): ProcessRole {
  if (raw === undefined || raw.trim() === '') return 'all';
  const v = raw.trim().toLowerCase();
  if (!(PROCESS_ROLES as readonly string[]).includes(v)) throw new Error(`ROLE must be api, worker or all, got ${JSON.stringify(raw)}`);
  return v as ProcessRole;
}

function flag(name: string, raw: string | null): boolean | null {
  if (raw === null) return null;
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** A file the process must read (a certificate, a key): refused at start when it is not there or not readable. */
function readablePath(name: string, value: string | null, readable: (file: string) => boolean): string | null {
  if (value === null) return null;
  if (!readable(value)) throw new Error(`${name} names ${JSON.stringify(value)}, which does not exist or cannot be read`);
  return value;
}

export function isReadable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** HOST: an IPv4 or IPv6 address or a host name to listen on. */
export function listenHost(raw: string | null): string {
  if (raw === null) return '127.0.0.1';
  if (!/^([A-Za-z0-9.-]+|[0-9a-fA-F:]+)$/.test(raw))
    throw new Error(`HOST must be an address to listen on (e.g. 0.0.0.0), got ${JSON.stringify(raw)}`);
  return raw;
}

/** TEMPORAL_ADDRESS: host:port (an IPv6 host in brackets). */
export function temporalAddress(raw: string | null): string | null {
  if (raw === null) return null;
  return hostPort('TEMPORAL_ADDRESS', raw, 'my-namespace.a1b2c.tmprl.cloud:7233');
}

/** TEMPORAL_TLS, TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY. */
export function temporalConnection(env: Env, readable: (file: string) => boolean = isReadable): TemporalConnectionSettings {
  // Each variable's own refusal at once (an address and a certificate both wrong: both said); then how they combine.
  const { read, done } = settingsReader();
  const address = read(() => temporalAddress(set(env, 'TEMPORAL_ADDRESS'))) ?? null;
  const explicit = read(() => flag('TEMPORAL_TLS', set(env, 'TEMPORAL_TLS'))) ?? null;
  const caPath = read(() => readablePath('TEMPORAL_TLS_CA', set(env, 'TEMPORAL_TLS_CA'), readable)) ?? null;
  const clientCertPath = read(() => readablePath('TEMPORAL_TLS_CERT', set(env, 'TEMPORAL_TLS_CERT'), readable)) ?? null;
  const clientKeyPath = read(() => readablePath('TEMPORAL_TLS_KEY', set(env, 'TEMPORAL_TLS_KEY'), readable)) ?? null;
  done();
  const serverName = set(env, 'TEMPORAL_TLS_SERVER_NAME');
  const apiKey = set(env, 'TEMPORAL_API_KEY');
  if ((clientCertPath === null) !== (clientKeyPath === null))
    throw new Error(
      `TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS: the client's certificate and its key): ${clientCertPath ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'} is missing`,
    );
  const tlsDetails = [caPath && 'TEMPORAL_TLS_CA', clientCertPath && 'TEMPORAL_TLS_CERT', serverName && 'TEMPORAL_TLS_SERVER_NAME'].filter(
    Boolean,
  ) as string[];
  if (explicit === false && (tlsDetails.length || apiKey))
    throw new Error(`TEMPORAL_TLS=false contradicts ${[...tlsDetails, ...(apiKey ? ['TEMPORAL_API_KEY'] : [])].join(', ')} (TLS settings)`);
  const tls = explicit === true || tlsDetails.length > 0 || apiKey !== null;
  if (tls && address === null)
    throw new Error(
      `${explicit ? 'TEMPORAL_TLS' : [...tlsDetails, ...(apiKey ? ['TEMPORAL_API_KEY'] : [])][0]} is set but TEMPORAL_ADDRESS is not: TLS and API keys are for an external Temporal (the embedded dev server is plaintext)`,
    );
  return { tls: tls ? { caPath, clientCertPath, clientKeyPath, serverName } : null, apiKey };
}

/** DATABASE_POOL_SIZE when unset: connections per process. */
export const DEFAULT_POOL_SIZE = 10;

/** DATABASE_SSL_MODE, DATABASE_SSL_CA, DATABASE_POOL_SIZE. */
export function databaseConnection(env: Env, readable: (file: string) => boolean = isReadable): DatabaseConnectionSettings {
  // Each variable's own refusal at once; then how they combine.
  const { read, done } = settingsReader();
  const rawMode = set(env, 'DATABASE_SSL_MODE');
  read(() => {
    if (rawMode !== null && !['disable', 'require', 'verify-full'].includes(rawMode))
      throw new Error(`DATABASE_SSL_MODE must be disable, require or verify-full, got ${JSON.stringify(rawMode)}`);
  });
  const sslCaPath = read(() => readablePath('DATABASE_SSL_CA', set(env, 'DATABASE_SSL_CA'), readable)) ?? null;
  // Two at least: a worker's transaction that holds one connection (an e-mail claimed, a periodic job's lock) commits
  // what must outlive it on another (the send's start, ADR 0005); with one, it would wait for itself until the timeout.
  const poolSize = read(() => count(env, 'DATABASE_POOL_SIZE', 2, 1000, 'connections') ?? DEFAULT_POOL_SIZE);
  done();
  if (sslCaPath && rawMode !== null && rawMode !== 'verify-full')
    throw new Error(`DATABASE_SSL_CA is the CA verify-full checks the server against: set DATABASE_SSL_MODE=verify-full, not ${rawMode}`);
  const sslMode = (rawMode ?? (sslCaPath ? 'verify-full' : null)) as DatabaseSslMode | null;
  if (sslMode !== null) {
    const urls = ['DATABASE_URL', 'APP_DATABASE_URL'].filter((name) => set(env, name) !== null);
    if (!urls.length)
      throw new Error(
        `${rawMode !== null ? 'DATABASE_SSL_MODE' : 'DATABASE_SSL_CA'} is set but neither DATABASE_URL nor APP_DATABASE_URL is: TLS is for an external PostgreSQL`,
      );
    for (const name of urls)
      if (/[?&](sslmode|ssl|sslrootcert)=/.test(set(env, name)!))
        throw new Error(`${name} carries its own sslmode: set TLS either there or with DATABASE_SSL_MODE and DATABASE_SSL_CA, not both`);
  }
  return { sslMode, sslCaPath, poolSize: poolSize! };
}

/**
 * A PostgreSQL URL with the TLS settings as the parameters node-postgres reads (every connection of the process
 * — pools, migrations, role grants — goes through such a URL): `verify-full` checks the certificate chain (against
 * `sslrootcert` when given) and the host name; `require` encrypts only (pg's `no-verify`).
 */
export function withDatabaseTls(url: string, settings: Pick<DatabaseConnectionSettings, 'sslMode' | 'sslCaPath'>): string {
  if (settings.sslMode === null) return url;
  const u = new URL(url);
  u.searchParams.set('sslmode', settings.sslMode === 'require' ? 'no-verify' : settings.sslMode);
  if (settings.sslMode === 'verify-full' && settings.sslCaPath) u.searchParams.set('sslrootcert', settings.sslCaPath);
  return u.toString();
}

/**
 * What a process with a single role needs: it joins services that already run and were migrated; it starts
 * nothing embedded (N replicas may run) and holds no owner credentials.
 */
export function checkRoleRequirements(role: ProcessRole, env: Env): void {
  if (role === 'all') return;
  const missing: [string, string][] = [];
  if (!set(env, 'TEMPORAL_ADDRESS')) missing.push(['TEMPORAL_ADDRESS', 'the Temporal frontend (host:port) every replica shares']);
  if (!set(env, 'APP_DATABASE_URL'))
    missing.push([
      'APP_DATABASE_URL',
      "the least-privilege role's PostgreSQL URL (migrations run before, once, with `npm run migrate` as DATABASE_URL's owner)",
    ]);
  if (!set(env, 'AUDIT_LOG_KEYS')) missing.push(['AUDIT_LOG_KEYS', "the audit log's keys, the same for every replica"]);
  if (role === 'worker' && !set(env, 'SMTP_URL')) missing.push(['SMTP_URL', 'the SMTP server the worker sends the e-mail outbox to']);
  if (missing.length)
    throw new Error(
      `ROLE=${role} joins external services and starts none itself: set ${missing.map(([name, what]) => `${name} (${what})`).join('; ')}`,
    );
}

function count(env: Env, name: string, min: number, max: number, unit?: string): number | null {
  const raw = set(env, name);
  return raw === null ? null : wholeNumber(name, raw, min, max, unit);
}

/**
 * Issue 15: executions a worker keeps cached unless WORKER_MAX_CACHED_WORKFLOWS says otherwise. Chosen from
 * bench:deadlines: the SDK's default (sized on the heap limit, thousands) held 1.15 GiB with 10,000 sessions
 * waiting; 300 keeps a worker under 500 MB with 100,000 waiting, and a session, agrément or statement workflow
 * woken after eviction replays a short history. README "Benchmarks".
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 300;

/** WORKER_MAX_CACHED_WORKFLOWS, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, WORKER_MAX_CONCURRENT_ACTIVITIES. */
export function workerTuning(env: Env): WorkerTuning {
  return {
    maxCachedWorkflows: count(env, 'WORKER_MAX_CACHED_WORKFLOWS', 0, 1_000_000) ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: count(env, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 2, 10_000),
    maxConcurrentActivityTaskExecutions: count(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES', 1, 10_000),
  };
}

/** Every topology setting of the environment, validated. */
export function topologySettings(env: Env, readable: (file: string) => boolean = isReadable): TopologySettings {
  // Every refusal at once: whoever deploys fixes them in one go, not one start at a time.
  const { read, done } = settingsReader();
  const role = read(() => processRole(env.ROLE));
  if (role) read(() => checkRoleRequirements(role, env));
  const worker = read(() => workerTuning(env));
  const temporal = read(() => temporalConnection(env, readable));
  const database = read(() => databaseConnection(env, readable));
  const host = read(() => listenHost(set(env, 'HOST')));
  done();
  return {
    role: role!,
    worker: worker!,
    temporal: temporal!,
    database: database!,
    production: set(env, 'NODE_ENV') === 'production',
    listenHost: host!,
  };
}
