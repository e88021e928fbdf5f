import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../../../src/http/app.module';
import { IdempotencyInterceptor } from '../../../src/http/idempotency.interceptor';
import type { ApplicationDeps } from '../../../src/shared/usecases/dependencies';
import type { MailCapture } from '../../../src/mail/infra/capture-server';

/** Every route of the app: its controller, handler name, HTTP method and the interceptors bound to it. */
function routes(controllers: readonly Type[]) {
  const out: Array<{ route: string; method: string; interceptors: unknown[] }> = [];
  for (const controller of controllers) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      out.push({
        route: `${controller.name}.${name} ${String(Reflect.getMetadata(PATH_METADATA, handler))}`,
        method: RequestMethod[method],
        interceptors: (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [],
      });
    }
  }
  return out;
}

const build = () =>
  AppModule.forRoot({ applications: {} as ApplicationDeps, mailCapture: {} as MailCapture }).controllers as readonly Type[];

describe('Idempotency-Key on every mutating route (issue 12), and on no read (issue 15)', () => {
  it('POST, PUT, PATCH and DELETE routes have the IdempotencyInterceptor bound, GET routes none', () => {
    const all = routes(build());
    const mutating = all.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    const reads = all.filter((r) => r.method === 'GET');
    expect(mutating.length).toBeGreaterThan(20);
    expect(reads.length).toBeGreaterThan(20);
    expect(all.filter((r) => !['POST', 'PUT', 'PATCH', 'DELETE', 'GET'].includes(r.method))).toEqual([]);
    expect(mutating.filter((r) => !r.interceptors.includes(IdempotencyInterceptor)).map((r) => r.route)).toEqual([]);
    expect(reads.filter((r) => r.interceptors.length > 0).map((r) => r.route)).toEqual([]);
  });

  it('building the app again binds it once (tests build many apps in one process)', () => {
    build();
    for (const r of routes(build())) expect(r.interceptors.filter((i) => i === IdempotencyInterceptor).length).toBeLessThanOrEqual(1);
  });
});
