import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger as Pino, stdSerializers } from 'pino';
import type { LogFormat, LogLevel } from '../../config/observability';

/** Where log lines go: stderr by default; a test passes its own to read them. */
export interface LogDestination {
  write(line: string): unknown;
}

export type LogFields = Record<string, unknown>;

/** A component's logger: a message and structured fields (one JSON line each in the json format). */
export interface ComponentLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a line at `level` is written: a hot path skips building the fields of one that is not. */
  enabled(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/** Fields every line logged within a request (its id) or another unit of work carries. */
const context = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every line logged within it, across awaits (AsyncLocalStorage). */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** The fields of the current unit of work (the request id within a request). */
export function logContext(): LogFields {
  return context.getStore() ?? {};
}

/** Fields a text line does not repeat (its component is the prefix, its message the text). */
const TEXT_OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'component', 'msg']);

/**
 * A readable line for a developer's terminal: `[component] message key=value…`, the level named when it is a
 * warning or worse. `[start] …` lines read exactly as they did before structured logs.
 */
export function textLine(entry: LogFields): string {
  const level = typeof entry.level === 'string' && ['warn', 'error', 'fatal'].includes(entry.level) ? `${entry.level}: ` : '';
  // A stack reads best on lines of its own, after the line.
  const err = entry.err as { stack?: unknown } | undefined;
  const stack = typeof entry.stack === 'string' ? entry.stack : typeof err?.stack === 'string' ? err.stack : undefined;
  const fields = Object.entries(entry)
    .filter(([key, value]) => !TEXT_OMITTED.has(key) && value !== undefined && !(stack !== undefined && (key === 'stack' || key === 'err')))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const text = [`${String(entry.msg ?? '')}`, ...fields].join(' ');
  return `[${String(entry.component ?? 'app')}] ${level}${text}${stack !== undefined ? `\n${stack}` : ''}\n`;
}

function textDestination(out: LogDestination): LogDestination {
  return {
    write(line: string) {
      try {
        out.write(textLine(JSON.parse(line) as LogFields));
      } catch {
        out.write(line);
      }
    },
  };
}

const stderr: LogDestination = { write: (line) => process.stderr.write(line) };

function build(format: LogFormat, level: LogLevel, destination: LogDestination): Pino {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err },
      // The request id (and any field of the unit of work) on every line logged within it.
      mixin: () => logContext(),
    },
    format === 'json' ? destination : textDestination(destination),
  );
}

/**
 * Until a process configures its logging (scripts/start.ts does, from LOG_FORMAT and LOG_LEVEL), only warnings and
 * errors are written: tests and benchmarks serve thousands of requests, whose lines nobody reads.
 */
let settings: { format: LogFormat; level: LogLevel } = { format: 'text', level: 'warn' };
let root: Pino = build(settings.format, settings.level, stderr);

/** Issue 15: the process's log format and level (LOG_FORMAT, LOG_LEVEL), set once at start; a test may redirect the lines. */
export function configureLogging(options: { format: LogFormat; level: LogLevel; destination?: LogDestination }): void {
  settings = { format: options.format, level: options.level };
  root = build(options.format, options.level, options.destination ?? stderr);
}

export function loggingSettings(): { format: LogFormat; level: LogLevel } {
  return settings;
}

/** A component's logger; it follows configureLogging even when obtained before it. */
export function logger(component: string): ComponentLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void =>
      root[level]({ component, ...fields }, message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), enabled: (level) => root.isLevelEnabled(level) };
}
