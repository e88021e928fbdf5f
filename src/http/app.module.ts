import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { MailCapture } from '../mail/infra/capture-server';
import type { ApplicationDeps } from '../shared/usecases/dependencies';
import { AgrementsController } from '../agrement/api/agrements.controller';
import { NetworkMembersController } from '../agrement/api/network-members.controller';
import { CentresController } from '../agrement/api/centres.controller';
import { ProposalsController } from '../agrement/api/proposals.controller';
import { ApplicationsController } from '../application/api/applications.controller';
import { AttentionController } from '../attention/api/attention.controller';
import { AuditController } from '../audit/api/audit.controller';
import { MeController } from '../access/api/me.controller';
import { AccessReviewsController } from '../access/api/access-reviews.controller';
import { UsersController } from '../access/api/users.controller';
import { WebController } from './web.controller';
import { DashboardController } from '../dashboard/api/dashboard.controller';
import { DeadlineCalendarController } from '../dashboard/api/deadline-calendar.controller';
import { SimulationsController } from '../agrement/api/simulations.controller';
import { AuthGuard } from './auth/auth.guard';
import { cachingAuthenticator, databaseAuthenticator } from './auth/authenticator';
import { PARAMETERS } from '../config/parameters';
import { HealthController } from './health.controller';
import { METRICS_TOKEN, MetricsController } from './observability/metrics.controller';
import { MailController } from '../mail/api/mail.controller';
import { OwnMailController } from '../mail/api/own-mail.controller';
import { bindIdempotencyToMutations } from './idempotency.interceptor';
import { VisitsController } from '../visits/api/visits.controller';
import { InspectorsController } from '../visits/api/inspectors.controller';
import { QualityEventsController } from '../visits/api/quality-events.controller';
import { SessionsController } from '../sessions/api/sessions.controller';
import { type ImportLimits, SessionImportsController } from '../sessions/api/imports.controller';
import { StatementsController } from '../billing/api/statements.controller';
import { RuleSetVersionsController } from '../sessions/api/rule-sets.controller';
import { CampaignWindowsController } from '../sessions/api/campaigns.controller';
import { APPLICATION_DEPS, AUTHENTICATOR, DASHBOARD_CACHE, IMPORT_LIMITS, MAIL_CAPTURE, MAIL_RECIPIENTS } from './tokens';
import { DEFAULT_MAIL_RECIPIENTS } from '../config/env';
import type { MailRecipients } from '../mail/usecases/queue-email';
import { ReadThroughCache } from '../shared/cache/read-through-cache';
import { FAILED_AUTH_COUNTS, type FailedAuthCounts, FailedAuthThrottle, type ThrottleLimits, THROTTLE_LIMITS } from './security/throttling';
import { failedAuthenticationsRepository } from '../access/infra/failed-authentications.repository';

export interface ApiDeps {
  applications: ApplicationDeps;
  mailCapture?: MailCapture;
  /** How long a token's principal is remembered (default PARAMETERS.api.principalCacheSeconds; 0: looked up on every request). */
  principalCacheMs?: number;
  /** How long a dashboard answer is reused (default PARAMETERS.api.dashboardCacheSeconds; 0: always computed). */
  dashboardCacheMs?: number;
  /** Issue 12: throttling limits (default PARAMETERS.api.failedAuthThrottle and expensiveThrottle). */
  throttle?: Partial<ThrottleLimits>;
  /** Issue 15: the API replicas sharing this name share one count of failed authentications (default 'api'; each test API its own). */
  throttleScope?: string;
  /** Issue 12: origins allowed by CORS besides the API's own (default none; CORS_ALLOWED_ORIGINS). */
  corsAllowedOrigins?: string[];
  /** Issue 12: bulk import limits in bytes (default PARAMETERS.sessions.importMaxBytes / importMaxLineBytes; IMPORT_MAX_BYTES, IMPORT_MAX_LINE_BYTES). */
  importLimits?: Partial<ImportLimits>;
  /** Issue 15: the bearer token of GET /metrics (METRICS_TOKEN); absent: /metrics answers 404. */
  metricsToken?: string | null;
  /** OPERATIONS_EMAIL and LEGAL_EMAIL as read at start (default DEFAULT_MAIL_RECIPIENTS): never read again per request. */
  mailRecipients?: MailRecipients;
}

@Module({})
export class AppModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    const limits: ThrottleLimits = {
      failedAuth: deps.throttle?.failedAuth ?? PARAMETERS.api.failedAuthThrottle,
      expensive: deps.throttle?.expensive ?? PARAMETERS.api.expensiveThrottle,
    };
    const controllers = [
      ApplicationsController,
      AgrementsController,
      NetworkMembersController,
      CentresController,
      ProposalsController,
      AttentionController,
      AuditController,
      MeController,
      OwnMailController,
      WebController,
      DashboardController,
      DeadlineCalendarController,
      SimulationsController,
      HealthController,
      MetricsController,
      VisitsController,
      InspectorsController,
      QualityEventsController,
      SessionsController,
      SessionImportsController,
      StatementsController,
      RuleSetVersionsController,
      CampaignWindowsController,
      UsersController,
      AccessReviewsController,
      // The captured mail exists only with the capture (`./dev start` without SMTP_URL): otherwise /mail is 404 for everyone.
      ...(deps.mailCapture ? [MailController] : []),
    ];
    // Issue 12: an Idempotency-Key is bound to its first request; reused for another: 422 (every mutating route).
    bindIdempotencyToMutations(controllers);
    return {
      module: AppModule,
      controllers,
      providers: [
        { provide: APPLICATION_DEPS, useValue: deps.applications },
        {
          provide: DASHBOARD_CACHE,
          useValue: new ReadThroughCache<unknown>(
            deps.dashboardCacheMs ?? PARAMETERS.api.dashboardCacheSeconds * 1000,
            1000,
            Date.now,
            true,
          ),
        },
        // Tokens are checked against the same database the use cases write to.
        {
          provide: AUTHENTICATOR,
          useFactory: (d: ApplicationDeps) =>
            cachingAuthenticator(databaseAuthenticator(d.db), deps.principalCacheMs ?? PARAMETERS.api.principalCacheSeconds * 1000),
          inject: [APPLICATION_DEPS],
        },
        // Every route authenticates unless marked @Public (see auth/auth.guard.ts).
        { provide: THROTTLE_LIMITS, useValue: limits },
        { provide: METRICS_TOKEN, useValue: deps.metricsToken ?? null },
        { provide: MAIL_RECIPIENTS, useValue: deps.mailRecipients ?? DEFAULT_MAIL_RECIPIENTS },
        {
          provide: IMPORT_LIMITS,
          useValue: {
            maxBytes: deps.importLimits?.maxBytes ?? PARAMETERS.sessions.importMaxBytes,
            maxLineBytes: deps.importLimits?.maxLineBytes ?? PARAMETERS.sessions.importMaxLineBytes,
          } satisfies ImportLimits,
        },
        // Issue 15: one count of failed authentications for every API replica of the deployment (its scope).
        {
          provide: FAILED_AUTH_COUNTS,
          useFactory: (d: ApplicationDeps): FailedAuthCounts => {
            const failures = failedAuthenticationsRepository(d.db);
            const scope = deps.throttleScope ?? 'api';
            return {
              record: (address, limit) => failures.recordFailure(scope, address, limit),
              blocked: () => failures.blockedAddresses(scope),
            };
          },
          inject: [APPLICATION_DEPS],
        },
        FailedAuthThrottle,
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(deps.mailCapture ? [{ provide: MAIL_CAPTURE, useValue: deps.mailCapture }] : []),
      ],
    };
  }
}
