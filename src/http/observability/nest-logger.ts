import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { logger } from '../../shared/observability/logger';

/**
 * Issue 15: Nest's own lines (and `new Logger('API')`'s, such as an unexpected error's stack) in the product's log
 * format, within the request's context (its id). `levels`: what Nest may say (default errors and warnings);
 * its start-up chatter (routes mapped) is debug.
 */
export class NestLogger implements LoggerService {
  private readonly out = logger('nest');

  constructor(private readonly levels: readonly NestLogLevel[] = ['error', 'warn']) {}

  log(message: unknown, ...rest: unknown[]): void {
    if (this.levels.includes('log')) this.out.debug(String(message), contextOf(rest));
  }
  error(message: unknown, ...rest: unknown[]): void {
    if (!this.levels.includes('error')) return;
    // Nest passes (message, stack?, context?).
    const stack = rest.length >= 2 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.out.error(message instanceof Error ? message.message : String(message), {
      ...contextOf(rest),
      stack: stack ?? (message instanceof Error ? message.stack : undefined),
    });
  }
  warn(message: unknown, ...rest: unknown[]): void {
    if (this.levels.includes('warn')) this.out.warn(String(message), contextOf(rest));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    if (this.levels.includes('debug')) this.out.debug(String(message), contextOf(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    if (this.levels.includes('verbose')) this.out.debug(String(message), contextOf(rest));
  }
}

/** Nest's last optional parameter is the context (the logger's name). */
function contextOf(rest: unknown[]): { context?: string } {
  const last = rest.at(-1);
  return typeof last === 'string' ? { context: last } : {};
}
