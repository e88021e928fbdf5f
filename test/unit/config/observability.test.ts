import { describe, expect, it } from 'vitest';
import { observabilityFromEnv } from '../../../src/config/observability';
import { PARAMETERS } from '../../../src/config/parameters';

describe('observability settings from the environment (issue 15)', () => {
  it('defaults: readable text outside production, JSON in production; info; no metrics; the parameters’ grace', () => {
    expect(observabilityFromEnv({})).toEqual({
      logFormat: 'text',
      logLevel: 'info',
      metricsToken: null,
      workerMetricsAddress: null,
      shutdownGraceMs: PARAMETERS.resilience.shutdownGraceMs,
    });
    expect(observabilityFromEnv({ NODE_ENV: 'production' }).logFormat).toBe('json');
    // Asked for explicitly, the format wins over NODE_ENV.
    expect(observabilityFromEnv({ NODE_ENV: 'production', LOG_FORMAT: 'text' }).logFormat).toBe('text');
  });

  it('reads every variable', () => {
    const token = 'a'.repeat(32);
    expect(
      observabilityFromEnv({
        LOG_FORMAT: 'JSON',
        LOG_LEVEL: 'debug',
        METRICS_TOKEN: token,
        WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
        SHUTDOWN_GRACE_MS: '2500',
      }),
    ).toEqual({ logFormat: 'json', logLevel: 'debug', metricsToken: token, workerMetricsAddress: '0.0.0.0:9464', shutdownGraceMs: 2500 });
    expect(observabilityFromEnv({ WORKER_METRICS_ADDRESS: '[::1]:9464' }).workerMetricsAddress).toBe('[::1]:9464');
  });

  it.each([
    [{ LOG_FORMAT: 'pretty' }, /LOG_FORMAT must be json or text/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 32 characters/],
    [{ WORKER_METRICS_ADDRESS: '9464' }, /WORKER_METRICS_ADDRESS must be host:port/],
    [{ WORKER_METRICS_ADDRESS: 'localhost:70000' }, /WORKER_METRICS_ADDRESS must be host:port/],
    [{ SHUTDOWN_GRACE_MS: '1.5' }, /SHUTDOWN_GRACE_MS must be a whole number/],
    [{ SHUTDOWN_GRACE_MS: '-1' }, /SHUTDOWN_GRACE_MS must be a whole number/],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => observabilityFromEnv(env)).toThrow(message);
  });
});
