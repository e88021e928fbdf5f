import { type DynamicModule, Module } from '@nestjs/common';
import type { MailCapture } from '../infra/mail/capture-server';
import type { ApplicationDeps } from '../usecases/applications/dependencies';
import { AgrementsController } from './agrements/agrements.controller';
import { ApplicationsController } from './applications/applications.controller';
import { HealthController } from './health.controller';
import { MailController } from './mail.controller';
import { APPLICATION_DEPS, MAIL_CAPTURE } from './tokens';

export interface ApiDeps {
  applications: ApplicationDeps;
  mailCapture?: MailCapture;
}

@Module({})
export class AppModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: [ApplicationsController, AgrementsController, HealthController, MailController],
      providers: [
        { provide: APPLICATION_DEPS, useValue: deps.applications },
        ...(deps.mailCapture ? [{ provide: MAIL_CAPTURE, useValue: deps.mailCapture }] : []),
      ],
    };
  }
}
