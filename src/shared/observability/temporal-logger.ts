import type { Logger as SdkLogger, LogLevel as SdkLogLevel, LogMetadata } from '@temporalio/common';
import type { LogLevel } from '../../config/observability';
import { type LogFields, logger } from './logger';

const LEVELS: Record<SdkLogLevel, 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** From the most verbose. */
const RANKS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * The SDK's log attributes as the product's lines name them: `workflowId`, `runId`, `activityType`… (an activity's
 * `workflowRunId` becomes `runId`, as a workflow's is); the task token, an opaque credential, is left out; an error
 * goes to `err` (serialized with its stack).
 */
export function temporalLogFields(meta: LogMetadata | undefined): LogFields {
  const fields: LogFields = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (value === undefined || key === 'taskToken') continue;
    if (key === 'workflowRunId') fields.runId = value;
    else if (key === 'error') fields.err = value;
    else fields[key] = value;
  }
  return fields;
}

/**
 * Issue 15: the Temporal SDK's Runtime logger, forwarding the worker's, activities' and workflows' logs to the
 * product's (JSON lines in production) with their workflow id, run id and activity type. The SDK gives each
 * line's subsystem as `sdkComponent` (worker, activity, workflow, core). Lines below `minimum` are dropped.
 */
export function temporalLogger(minimum: LogLevel = 'trace'): SdkLogger {
  const out = logger('temporal');
  const floor = RANKS.indexOf(minimum);
  const log = (level: SdkLogLevel, message: string, meta?: LogMetadata) => {
    if (RANKS.indexOf(LEVELS[level]) < floor) return;
    out[LEVELS[level]](message, temporalLogFields(meta));
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
