import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type ApiDeps, AppModule } from './app.module';
import { bodyParsing } from './body-parsing';
import { DomainErrorFilter } from './domain-error.filter';
import { InputHygienePipe } from './input-hygiene';
import { applyHttpSecurity } from './security/http-headers';
import { methodNotAllowed } from './security/method-not-allowed';

/** Builds the HTTP API over injected dependencies; OpenAPI served at /docs (JSON at /docs-json). */
export async function createApp(deps: ApiDeps, options: { logger?: false | ('error' | 'warn' | 'log')[] } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(deps), { logger: options.logger ?? ['error', 'warn'], bodyParser: false });
  // Issue 12: security headers and CORS on every answer (errors included); then 405 for a method a known path does not take.
  applyHttpSecurity(app, deps.corsAllowedOrigins ?? []);
  app.use(methodNotAllowed(app));
  // Bodies within limits (bulk imports read theirs as a stream); then every text checked at the edge.
  app.use(bodyParsing());
  app.useGlobalPipes(new InputHygienePipe());
  app.useGlobalFilters(new DomainErrorFilter());
  app.enableShutdownHooks();
  const config = new DocumentBuilder()
    .setTitle('Pix — moteur des agréments des centres de certification')
    .setDescription(
      'Application procedure (APP-1..8), eligibility (ELIG-1..5) and dossier (DOC-1..4) rules. ' +
        'Errors: 400 names the field, 401 a missing or invalid bearer token, 403 the action and the roles allowed, ' +
        '404 an unknown id, 409 the rule that forbids the transition. ' +
        'Idempotency-Key (POST of applications, decisions, agrément actions, network members; honoured on any POST, PUT, PATCH, DELETE): ' +
        'at most 200 characters (8–200 of [A-Za-z0-9._:-]), new for each request, kept for good (no expiry); the same request again with it is applied once, ' +
        'another request with it is refused with 422 ("used for another request").',
    )
    // DATA-3: bearer tokens in the Authorization header, never in URLs.
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (pix_…), issued with `npm run token`' })
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
  return app;
}
