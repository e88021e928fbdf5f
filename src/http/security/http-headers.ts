import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { createHash } from 'node:crypto';

/**
 * Issue 12, issue 14: the web app (dist/web, built from web/) loads only its own files (/web/assets/: script,
 * stylesheet, fonts, icons; never a data: URI, see web/vite.config.ts) and calls the API on the same origin:
 * nothing from elsewhere, no eval. One exception, by its hash: the design system's React integration
 * (@codegouvfr/react-dsfr) writes the page's colour scheme as one inline <style> (`:root { color-scheme: light; }`).
 */
export const REACT_DSFR_COLOR_SCHEME_STYLE = ':root { color-scheme: light; }';
const PAGE_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", `'sha256-${createHash('sha256').update(REACT_DSFR_COLOR_SCHEME_STYLE).digest('base64')}'`],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
};

/** Swagger UI (/docs) writes inline <style> and uses data: images; its scripts are files served by /docs. */
const DOCS_DIRECTIVES = { ...PAGE_DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] };

/**
 * Helmet's headers for these directives. Issue 15: none of them depends on the request, so they are recorded once from
 * helmet itself and set in one pass on each answer, instead of running helmet's chain of a dozen middlewares per request.
 */
export function securityHeaders(directives: Record<string, string[]>): ReadonlyArray<readonly [string, string]> {
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    // X-Frame-Options for browsers that predate frame-ancestors.
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // nosniff (X-Content-Type-Options) and no X-Powered-By are helmet defaults, kept (X-Powered-By: disabled below).
  });
  const recorded: Array<readonly [string, string]> = [];
  const recorder = { setHeader: (name: string, value: unknown) => recorded.push([name, String(value)]), removeHeader: () => undefined };
  let finished = false;
  middleware({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers synchronously: they cannot be recorded once');
  return recorded;
}

const isDocs = (path: string): boolean => path === '/docs' || path.startsWith('/docs/') || path === '/docs-json' || path === '/docs-yaml';

/**
 * Security headers on every answer (helmet): CSP, nosniff, frame-ancestors 'none', no referrer; and an
 * explicit CORS policy: same origin only, unless CORS_ALLOWED_ORIGINS lists other origins (README, Configuration).
 */
export function applyHttpSecurity(app: INestApplication, corsAllowedOrigins: readonly string[]): void {
  const express = app.getHttpAdapter().getInstance() as { disable(setting: string): void };
  express.disable('x-powered-by');
  const page = securityHeaders(PAGE_DIRECTIVES);
  const docs = securityHeaders(DOCS_DIRECTIVES);
  app.use((req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of isDocs(req.path) ? docs : page) res.setHeader(name, value);
    next();
  });

  const allowed = new Set(corsAllowedOrigins);
  app.enableCors({
    // An origin not listed gets no Access-Control-Allow-Origin: the browser keeps the answer from its page.
    origin: (origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void) =>
      callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // Issue 15: a page may send its own request id and read the answer's (to quote it to support).
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Cache-Control', 'X-Request-Id'],
    exposedHeaders: ['Location', 'Retry-After', 'Content-Disposition', 'X-Request-Id'],
    credentials: false,
    maxAge: 600,
  });
}
