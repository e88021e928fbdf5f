import { describe, expect, it } from 'vitest';
import { textLine } from '../../../../src/shared/observability/logger';
import { temporalLogFields } from '../../../../src/shared/observability/temporal-logger';
import { sdkLogLevel } from '../../../../src/shared/observability/temporal-runtime';

describe('log lines (issue 15)', () => {
  it('text: `[component] message` as `./dev start` always printed, then the fields; warnings and worse say so', () => {
    const base = { level: 'info', time: '2026-12-01T00:00:00.000Z', pid: 1, hostname: 'h', component: 'start' };
    expect(textLine({ ...base, msg: 'PostgreSQL initialised and started' })).toBe('[start] PostgreSQL initialised and started\n');
    expect(textLine({ ...base, component: 'http', msg: 'request', method: 'GET', status: 200, route: '/me' })).toBe(
      '[http] request method=GET status=200 route=/me\n',
    );
    expect(textLine({ ...base, level: 'warn', msg: 'e-mail outbox: SMTP down' })).toBe('[start] warn: e-mail outbox: SMTP down\n');
    expect(textLine({ ...base, level: 'error', msg: 'failed', err: { type: 'Error', message: 'x', stack: 'Error: x\n    at f' } })).toBe(
      '[start] error: failed\nError: x\n    at f\n',
    );
  });

  it("the SDK's attributes: an activity's run id is `runId`, as a workflow's; no task token; an error under `err`", () => {
    const error = new Error('boom');
    expect(
      temporalLogFields({
        sdkComponent: 'worker',
        workflowId: 'agrement-1',
        workflowRunId: 'run-1',
        activityType: 'recordAgrement',
        taskToken: 'c2VjcmV0',
        error,
        durationMs: 3,
      }),
    ).toEqual({
      sdkComponent: 'worker',
      workflowId: 'agrement-1',
      runId: 'run-1',
      activityType: 'recordAgrement',
      err: error,
      durationMs: 3,
    });
  });

  it("the SDK's chatter stays out of a developer's terminal unless debug is asked; JSON follows LOG_LEVEL", () => {
    expect(sdkLogLevel('text', 'info')).toBe('warn');
    expect(sdkLogLevel('text', 'debug')).toBe('debug');
    expect(sdkLogLevel('json', 'info')).toBe('info');
  });
});
