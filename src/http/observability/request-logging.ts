import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { logger, loggingSettings, withLogContext } from '../../shared/observability/logger';
import { processMetrics } from '../../shared/observability/metrics';
import { principalOf } from '../auth/principal';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's request id is kept when it is a plain token (a proxy's or a client's); otherwise one is generated. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Probes and scrapes answer every few seconds: their lines are debug, so that the log shows the traffic. */
const ROUTINE_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * The route template the request matched (`/agrements/:id`), never the path: a label of bounded cardinality and a
 * line without identifiers in its route; `unmatched` for an unknown path (404) or a refused method (405).
 */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${req.baseUrl ?? ''}${route.path}` : 'unmatched';
}

/**
 * Issue 15: every request gets an id (X-Request-Id, kept from the caller or generated, echoed in the answer) that
 * every line logged while serving it carries; when the answer ends, one line (method, route, status, duration,
 * user) and one observation of http_request_duration_seconds.
 */
export function requestLogging(): RequestHandler {
  const log = logger('http');
  const { httpRequestDuration } = processMetrics();
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      const status = res.statusCode;
      httpRequestDuration.observe({ method: req.method, route, status: String(status) }, seconds);
      // A terminal (text format: ./dev start) shows the refused requests; the demo seed's thousand answered ones would
      // scroll its URLs away, so they are debug there (LOG_LEVEL=debug shows them). A collector (json) gets them all.
      const level =
        status >= 500 ? 'error' : ROUTINE_ROUTES.has(route) || (status < 400 && loggingSettings().format === 'text') ? 'debug' : 'info';
      if (!log.enabled(level)) return;
      log[level]('request', {
        requestId,
        method: req.method,
        route,
        path: req.path,
        status,
        durationMs: Math.round(seconds * 1e4) / 10,
        userId: principalOf(req)?.userId,
        // The client went away before the answer was complete.
        aborted: res.writableFinished ? undefined : true,
      });
    });
    withLogContext({ requestId }, next);
  };
}
