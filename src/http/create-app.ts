import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { type ApiDeps, AppModule } from './app.module';
import { bodyParsing } from './body-parsing';
import { DomainErrorFilter } from './domain-error.filter';
import { InputHygienePipe } from './input-hygiene';
import { buildOpenApiDocument } from './openapi/document';
import { applyHttpSecurity } from './security/http-headers';
import { methodNotAllowed } from './security/method-not-allowed';
import { trackInFlight } from './observability/graceful-close';
import { NestLogger } from './observability/nest-logger';
import { requestLogging } from './observability/request-logging';
import { PrototypedExpressAdapter } from './prototyped-express-adapter';

/** Builds the HTTP API over injected dependencies; OpenAPI served at /docs (JSON at /docs-json). */
export async function createApp(deps: ApiDeps, options: { logger?: false | ('error' | 'warn' | 'log')[] } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(deps), new PrototypedExpressAdapter(), {
    // Issue 15: Nest's lines in the product's log format (JSON in production), within the request's context.
    logger: options.logger === false ? false : new NestLogger(options.logger ?? ['error', 'warn']),
    bodyParser: false,
  });
  // Issue 15: in-flight answers followed for the graceful stop (closeGracefully); every request gets an id, a log
  // line and a duration observed (first: answers refused by the next middleware are logged and measured too).
  trackInFlight(app);
  // Issue 15: no ETag computed over every answer (a hash of the whole body, CSV exports included): the API's answers
  // are Cache-Control: no-store; the page sets its own (web.controller.ts).
  (app.getHttpAdapter().getInstance() as { set(setting: string, value: unknown): void }).set('etag', false);
  app.use(requestLogging());
  // Issue 12: security headers and CORS on every answer (errors included); then 405 for a method a known path does not take.
  applyHttpSecurity(app, deps.corsAllowedOrigins ?? []);
  app.use(methodNotAllowed(app));
  // Bodies within limits (bulk imports read theirs as a stream); then every text checked at the edge.
  app.use(bodyParsing());
  app.useGlobalPipes(new InputHygienePipe());
  app.useGlobalFilters(new DomainErrorFilter());
  // No enableShutdownHooks(): the process entry (scripts/start.ts) owns the signals and closes the app in its
  // ordered stop; Nest's hook re-raised the signal after closing, which ended the process before PostgreSQL stopped.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app));
  return app;
}
