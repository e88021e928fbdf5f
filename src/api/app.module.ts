import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { MailCapture } from '../infra/mail/capture-server';
import type { ApplicationDeps } from '../usecases/applications/dependencies';
import { AgrementsController } from './agrements/agrements.controller';
import { ApplicationsController } from './applications/applications.controller';
import { AuditController } from './audit.controller';
import { MeController } from './me.controller';
import { WebController } from './web.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { SimulationsController } from './simulations.controller';
import { AuthGuard } from './auth/auth.guard';
import { databaseAuthenticator } from './auth/authenticator';
import { HealthController } from './health.controller';
import { MailController } from './mail.controller';
import { VisitsController } from './visits/visits.controller';
import { APPLICATION_DEPS, AUTHENTICATOR, MAIL_CAPTURE } from './tokens';

export interface ApiDeps {
  applications: ApplicationDeps;
  mailCapture?: MailCapture;
}

@Module({})
export class AppModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: [ApplicationsController, AgrementsController, AuditController, MeController, WebController, DashboardController, SimulationsController, HealthController, MailController, VisitsController],
      providers: [
        { provide: APPLICATION_DEPS, useValue: deps.applications },
        // Tokens are checked against the same database the use cases write to.
        { provide: AUTHENTICATOR, useFactory: (d: ApplicationDeps) => databaseAuthenticator(d.db), inject: [APPLICATION_DEPS] },
        // Every route authenticates unless marked @Public (see auth/auth.guard.ts).
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(deps.mailCapture ? [{ provide: MAIL_CAPTURE, useValue: deps.mailCapture }] : []),
      ],
    };
  }
}
