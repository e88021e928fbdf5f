import { ApplicationFailure } from '@temporalio/common';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { InvalidCommand, NotFound, TransitionRefused } from '../../../../src/shared/domain/errors';
import { MissingTemplateDataError } from '../../../../src/mail/infra/templates';
import { actionForFailure, classifyActivityError, sqlStateOf } from '../../../../src/attention/usecases/failures';

/** A PostgreSQL error as the driver reports it, wrapped by TypeORM. */
function pgError(code: string, message: string, extra: Record<string, unknown> = {}) {
  const driver = Object.assign(new Error(message), { code, severity: 'ERROR', ...extra });
  return new QueryFailedError('INSERT …', [], driver);
}

describe('which activity failures no retry fixes', () => {
  it.each([
    ['InvalidCommand', new InvalidCommand('organisationName', 'organisationName must not be blank'), { field: 'organisationName' }],
    ['NotFound', new NotFound('organisation x not found', { organisationId: 'x' }), { organisationId: 'x' }],
    ['TransitionRefused', new TransitionRefused('SUS-4', 'not suspended'), { ruleId: 'SUS-4' }],
  ])('a DomainError (%s) thrown by a use case becomes a non-retryable failure of its name, with its details', (type, err, details) => {
    const c = classifyActivityError(err);
    expect(c).toMatchObject({ deterministic: true, type, details });
    if (!c.deterministic) throw new Error('unreachable');
    expect(c.failure).toBeInstanceOf(ApplicationFailure);
    expect(c.failure).toMatchObject({ type, nonRetryable: true, message: err.message, details: [details] });
  });

  it('template data missing is TemplateDataInvalid', () => {
    const c = classifyActivityError(
      new MissingTemplateDataError('application-acknowledged', ['"organisationName" must be a non-empty string']),
    );
    expect(c).toMatchObject({ deterministic: true, type: 'TemplateDataInvalid', details: { template: 'application-acknowledged' } });
  });

  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22008', 'date/time field value out of range'],
    ['23503', 'insert or update on table "agrements" violates foreign key constraint'],
    ['23514', 'new row violates check constraint'],
  ])('PostgreSQL data errors (SQLSTATE %s: classes 22 and 23) are DatabaseDataError', (code, message) => {
    const c = classifyActivityError(pgError(code, message, { constraint: 'c' }));
    expect(c).toMatchObject({ deterministic: true, type: 'DatabaseDataError', message, details: { sqlState: code, constraint: 'c' } });
  });

  it.each([
    ['40001', 'could not serialize access'],
    ['57P01', 'terminating connection due to administrator command'],
    ['08006', 'connection failure'],
  ])('other PostgreSQL errors (SQLSTATE %s) are transient', (code, message) => {
    expect(classifyActivityError(pgError(code, message))).toMatchObject({ deterministic: false, details: { sqlState: code } });
  });

  it('network errors, timeouts and retryable application failures are transient; a non-retryable one stays so', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(classifyActivityError(refused)).toMatchObject({ deterministic: false, type: 'Error' });
    expect(sqlStateOf(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }))).toBeNull();
    expect(classifyActivityError(ApplicationFailure.retryable('busy', 'Busy'))).toMatchObject({ deterministic: false, type: 'Busy' });
    const fatal = ApplicationFailure.nonRetryable('no', 'InvalidCommand', { field: 'x' });
    expect(classifyActivityError(fatal)).toMatchObject({
      deterministic: true,
      type: 'InvalidCommand',
      details: { field: 'x' },
      failure: fatal,
    });
  });

  it('each failure says what to do, in French', () => {
    for (const type of ['TemplateDataInvalid', 'InvalidCommand', 'NotFound', 'TransitionRefused', 'DatabaseDataError', 'SomethingElse']) {
      expect(actionForFailure(type), type).toMatch(/corriger|vérifier|relancer/i);
    }
  });
});
