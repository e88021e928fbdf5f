import { hostPort, wholeNumber } from './env-values';
import { PARAMETERS } from './parameters';

/** How the process writes its logs: one JSON object per line (production), or readable lines (a developer's terminal). */
export type LogFormat = 'json' | 'text';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Issue 15: logs, metrics and the graceful stop, from the environment (README "Observability"). */
export interface ObservabilityConfig {
  /** LOG_FORMAT=json|text; default json when NODE_ENV=production, else text (`./dev start`). */
  logFormat: LogFormat;
  /** LOG_LEVEL (default info). */
  logLevel: LogLevel;
  /**
   * METRICS_TOKEN: the bearer token a Prometheus scraper sends to the API's GET /metrics (that route only);
   * null: /metrics answers 404 (metrics are off on the API's public port).
   */
  metricsToken: string | null;
  /** WORKER_METRICS_ADDRESS (host:port): where the Temporal SDK's runtime serves its Prometheus metrics; null: not served. */
  workerMetricsAddress: string | null;
  /**
   * SHUTDOWN_GRACE_MS: on SIGTERM/SIGINT, how long in-flight HTTP requests and running activities get to finish
   * before their connections are closed and the activities cancelled.
   */
  shutdownGraceMs: number;
}

export function logFormat(raw: string | undefined, nodeEnv: string | undefined): LogFormat {
  if (raw === undefined || raw.trim() === '') return nodeEnv === 'production' ? 'json' : 'text';
  const v = raw.trim().toLowerCase();
  if (v !== 'json' && v !== 'text') throw new Error(`LOG_FORMAT must be json or text, got ${JSON.stringify(raw)}`);
  return v;
}

export function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw.trim() === '') return 'info';
  const v = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(v))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
  return v as LogLevel;
}

/** METRICS_TOKEN: at least 32 characters (a scraper's secret, not a password to remember). */
export function metricsToken(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const token = raw.trim();
  if (token.length < 32 || /\s/.test(token))
    throw new Error('METRICS_TOKEN must be at least 32 characters without spaces (e.g. `openssl rand -hex 32`)');
  return token;
}

/** WORKER_METRICS_ADDRESS: `host:port` (IPv6 in brackets), as the SDK's Prometheus exporter binds it. */
export function metricsAddress(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  return hostPort('WORKER_METRICS_ADDRESS', raw.trim(), '0.0.0.0:9464');
}

/** SHUTDOWN_GRACE_MS: whole milliseconds from 0 to 10 minutes (default PARAMETERS.resilience.shutdownGraceMs). */
export function shutdownGraceMs(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return PARAMETERS.resilience.shutdownGraceMs;
  return wholeNumber('SHUTDOWN_GRACE_MS', raw.trim(), 0, 600_000, 'milliseconds');
}

export function observabilityFromEnv(env: NodeJS.ProcessEnv): ObservabilityConfig {
  return {
    logFormat: logFormat(env.LOG_FORMAT, env.NODE_ENV),
    logLevel: logLevel(env.LOG_LEVEL),
    metricsToken: metricsToken(env.METRICS_TOKEN),
    workerMetricsAddress: metricsAddress(env.WORKER_METRICS_ADDRESS),
    shutdownGraceMs: shutdownGraceMs(env.SHUTDOWN_GRACE_MS),
  };
}
