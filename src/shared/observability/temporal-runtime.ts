import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { LogFormat, LogLevel } from '../../config/observability';
import { temporalLogger } from './temporal-logger';

export interface TemporalRuntimeSettings {
  /** WORKER_METRICS_ADDRESS: where the SDK's Prometheus exporter listens (null: no metrics exported). */
  workerMetricsAddress: string | null;
  /** The SDK's own lines at this level and above reach the product's logs (its activities' and workflows' too). */
  level: LogLevel;
}

/**
 * The SDK's lines worth showing: in a developer's terminal (text) only warnings and worse, unless LOG_LEVEL asks for
 * debug (its start-up chatter would bury the `[start]` lines); in JSON, the configured level.
 */
export function sdkLogLevel(format: LogFormat, level: LogLevel): LogLevel {
  if (format === 'text' && level !== 'debug' && level !== 'trace') return 'warn';
  return level;
}

/** The Runtime's options: the SDK's logs forwarded to the product's, its metrics served for Prometheus when configured. */
export function temporalRuntimeOptions(settings: TemporalRuntimeSettings): RuntimeOptions {
  const verbose = settings.level === 'debug' || settings.level === 'trace';
  return {
    logger: temporalLogger(settings.level),
    // The process entry owns SIGTERM/SIGINT: its ordered stop drains the API before it shuts the worker down (the
    // SDK's default would shut the worker down at once, under requests still waiting on its workflows).
    shutdownSignals: [],
    telemetryOptions: {
      // The Rust core's lines too (connection trouble), through the same logger; its own filter keeps them few.
      logging: { filter: { core: verbose ? 'INFO' : 'WARN', other: 'ERROR' }, forward: {} },
      ...(settings.workerMetricsAddress ? { metrics: { prometheus: { bindAddress: settings.workerMetricsAddress } } } : {}),
    },
  };
}

/**
 * Issue 15: installs the Temporal SDK's Runtime — once per process, before any Temporal connection (a NativeConnection
 * or a Worker instantiates the default Runtime, after which install throws). The process entry (scripts/start.ts)
 * calls it first thing, right after reading its configuration.
 */
export function installTemporalRuntime(settings: TemporalRuntimeSettings): Runtime {
  return Runtime.install(temporalRuntimeOptions(settings));
}
