import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { PARAMETERS } from '../config/parameters';
import { DomainError, Forbidden, InvalidCommand, NotFound, RulesFailed, TransitionRefused, Unauthenticated } from '../shared/domain/errors';
import { concurrentConflict, unavailableDependency } from '../shared/dependency-errors';
import { SimulatorUnavailable } from '../shared/temporal/time-skipping';

/**
 * Named domain errors to HTTP: 400 with the field, 401 (bearer challenge), 403 with the action and the
 * roles allowed, 404, 409 with the rule that forbids it; 503 with Retry-After when PostgreSQL or Temporal
 * cannot be reached (the outcome of an action is then unknown: retry it with the same Idempotency-Key), or when PostgreSQL
 * undid the request's transaction for a concurrent one (a deadlock, a serialization failure).
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('API');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof InvalidCommand) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', field: error.field, message: error.message, details: error.details });
    } else if (error instanceof Unauthenticated) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="pix-agrement"');
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: error.message });
    } else if (error instanceof Forbidden) {
      res
        .status(403)
        .json({ statusCode: 403, error: 'Forbidden', action: error.action, allowedRoles: error.allowedRoles, message: error.message });
    } else if (error instanceof NotFound) {
      res.status(404).json({ statusCode: 404, error: 'Not Found', message: error.message });
    } else if (error instanceof TransitionRefused) {
      res.status(409).json({ statusCode: 409, error: 'Conflict', rule: error.ruleId, message: error.message, details: error.details });
    } else if (error instanceof RulesFailed) {
      res.status(422).json({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: error.message,
        rules: error.details.ruleIds,
        failures: error.failures,
      });
    } else if (error instanceof DomainError) {
      res.status(422).json({ statusCode: 422, error: 'Unprocessable Entity', message: error.message, details: error.details });
    } else if (error instanceof HttpException) {
      const body = error.getResponse();
      res.status(error.getStatus()).json(typeof body === 'string' ? { statusCode: error.getStatus(), message: body } : body);
    } else if (error instanceof SimulatorUnavailable) {
      // Issue 15 (docs/adr/0004): what-if needs the time-skipping test server, which this deployment lacks.
      res.status(503).json({ statusCode: 503, error: 'Service Unavailable', dependency: 'simulator', message: error.message });
    } else if (unavailableDependency(error)) {
      const dependency = unavailableDependency(error);
      retryLater(res, {
        dependency,
        message: `${dependency} unavailable: retry later; an action may or may not have been applied, retry it with the same Idempotency-Key`,
      });
    } else if (concurrentConflict(error)) {
      this.logger.warn(`a request undone by a concurrent one: ${error instanceof Error ? error.message : String(error)}`);
      retryLater(res, {
        reason: 'concurrent-update',
        message: 'another request changed the same data at the same moment: this one was undone; retry it with the same Idempotency-Key',
      });
    } else {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' });
    }
  }
}

/** 503 with Retry-After: a request that may succeed when retried (a dependency back, a concurrent one ended). */
function retryLater(res: Response, body: { message: string; dependency?: string | null; reason?: string }): void {
  res.setHeader('Retry-After', String(PARAMETERS.resilience.retryAfterSeconds));
  res.status(503).json({ statusCode: 503, error: 'Service Unavailable', ...body });
}
